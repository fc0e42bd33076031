"""Reads of the analyses, over the files a user may see (customers.selectors.visible_customers):
`sales` (composition, ABC, 抓两头放中间, seasonal index, products) and `credit` (the credit dashboard)."""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.core.workbench import WorkItem

YEARLY_RULE = "000 合同 4: 每年的一月十日前将上一年度信用(合同)管理情况分析报告报送"


def yearly_report_period(today: date) -> tuple[int, date] | None:
    """(year reported on, due date) while the yearly report is to be written: from 1 December of the
    year to 31 January after it (due 10 January, 000 合同 4); None otherwise."""
    if today.month == 12:
        return today.year, date(today.year + 1, 1, 10)
    if today.month == 1:
        return today.year - 1, date(today.year, 1, 10)
    return None


def yearly_on_screen(year: int, today: date) -> bool:
    """Whether the yearly report of `year` is shown on the screen: this year's and the year just
    ended, whose figures the daily run stores (its months, its year's end, its ranking). An earlier
    year's is computed from the whole ledger: the task worker prepares it as a file (its export)."""
    return year >= today.year - 1


def yearly_report_sent(year: int) -> bool:
    """The report counts as sent once the yearly analysis of that year has been exported."""
    return AuditEvent.objects.filter(
        action="reports.export", object_id="yearly", data__params__year=year
    ).exists()


def workbench_items(user) -> list[WorkItem]:
    """The credit manager's yearly credit-management analysis report (000 合同 4), until exported."""
    if not user.is_authenticated or not user.groups.filter(name=Role.CREDIT_MANAGER.value).exists():
        return []
    today = timezone.localdate()
    period = yearly_report_period(today)
    if period is None or yearly_report_sent(period[0]):
        return []
    year, due = period
    return [
        WorkItem(
            kind="reports.yearly_report",
            label=_("Yearly report"),
            title=_("Write the credit-management analysis report of %(year)s") % {"year": year},
            url=reverse("reports:yearly") + f"?year={year}",
            due=due,
            overdue=today > due,
            rule=YEARLY_RULE,
        )
    ]

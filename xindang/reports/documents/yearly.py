"""The yearly credit-management analysis report (000 合同 4; 001 四)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from xindang.core.money import format_yuan

from ..selectors import credit, sales, snapshot
from ..tables import MONEY, Column, Document, Table
from .abc_analysis import abc_document
from .credit_dashboard import credit_document


def yearly_document(customers, *, year: int, today: date, policy) -> Document:
    """信用(合同)管理情况分析报告, due before 10 January for the year before (000 合同 4): the credit picture
    at the year's end, the year's sales by class, its months, its bad debts and over-limit approvals."""
    end = min(date(year, 12, 31), today)
    start = date(year, 1, 1)
    months = 12 if end.month == 12 else end.month
    # the daily snapshot of today (the running year), or of the end of last year (the year just ended)
    snap = snapshot.for_day(end) or snapshot.year_end_of(end)
    dash = credit_document(customers, on=end, months=months, then=date(year - 1, 12, 31), snap=snap)
    abc = abc_document(customers, year=year, today=today, policy=policy)
    trend = dash.data["trend"]
    total_sales = sales.total_sales(customers, start, end)
    bad = list(credit.bad_debt_entries(customers, start, end).order_by("entry_on", "pk"))  # read once
    bad_total = sum((e.amount for e in bad), Decimal(0))
    last = trend[-1] if trend else None
    effective = [f.effectiveness for f in trend if f.effectiveness is not None]
    summary = Table(
        "summary",
        _("The year in figures"),
        [Column(_("Figure")), Column(_("Value"))],
    )
    figures = [
        (_("Sales of the year"), format_yuan(total_sales)),
        (_("Customers with sales"), str(sum(s.count for s in abc.data["abc"].summary))),
        (_("Receivables at the year end"), format_yuan(last.receivable) if last else "—"),
        (_("Overdue at the year end"), format_yuan(last.overdue) if last else "—"),
        (_("Bad debts written off"), format_yuan(bad_total)),
        (
            _("Average monthly collection effectiveness"),
            f"{sum(effective) / len(effective):.1f} %" if effective else "—",
        ),
    ]
    for label, value in figures:
        summary.rows.append([label, value])
        summary.links.append("")
    bad_table = Table(
        "bad_debts",
        _("Bad debts written off"),
        [Column(_("Date")), Column(_("Customer")), Column(_("Amount"), MONEY)],
        empty=_("No bad debt written off in the year."),
    )
    for e in bad:
        bad_table.rows.append([e.entry_on.isoformat(), e.customer.name, e.amount])
        bad_table.links.append(reverse("customers:detail", args=[e.customer_id]))
    keep = {"grades", "migration", "utilisation", "ageing", "trend", "risks", "over_limit"}
    tables = [summary] + [t for t in dash.tables if t.key in keep] + [abc.tables[0], bad_table]
    return Document(
        "yearly",
        _("Credit-management analysis report %(year)s") % {"year": year},
        _("%(start)s to %(end)s · due before 10 January (000 合同 4)") % {"start": start, "end": end},
        tables,
        notes=[
            _("Figures from the live data as of %(today)s; the customers are those the author sees.")
            % {"today": today},
            *dash.notes,  # the snapshot's: as stored by the daily run of …
        ],
        params={"year": year},
    )

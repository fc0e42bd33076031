"""Collection work on the workbench (工作台): each item a core.workbench.WorkItem."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core.money import format_yuan
from xindang.core.workbench import WorkItem
from xindang.policy.selectors import current_policy

from .. import rules
from ..models import DangerStatus, PromiseStatus, ReportStatus
from ..permissions import CollectionPermission
from .visibility import (
    visible_anomalies,
    visible_dangers,
    visible_problems,
    visible_promises,
    visible_records,
)


def workbench_items(user) -> list[WorkItem]:
    """Promises due today or broken, anomaly reports to complete (the assigned salesperson), problem
    accounts to write (salesperson) or awaiting the manager, collection next steps due."""

    if not user.is_authenticated or not user.has_perm(CollectionPermission.VIEW):
        return []
    today = timezone.localdate()
    policy = current_policy().collection
    soon = today + timedelta(days=policy.due_soon_days)
    mine = Q(customer__owner=user)
    items = []
    for p in (
        visible_promises(user)
        .filter(mine, status=PromiseStatus.OPEN, promised_on__lte=soon)
        .select_related("customer")[:50]
    ):
        broken = today > p.promised_on
        items.append(
            WorkItem(
                kind="collection.promise_broken" if broken else "collection.promise_due",
                label=_("Payment promise broken") if broken else _("Payment promise due"),
                title=f"{p.customer.name} · {format_yuan(p.amount)}",
                due=p.promised_on,
                url=p.customer.get_absolute_url() + "#collection",
                overdue=broken,
                customer_id=p.customer_id,
                customer_name=p.customer.name,
            )
        )
    # For the owner only: the credit manager may complete any report but is not reminded of all.
    anomalies = visible_anomalies(user).filter(status=ReportStatus.OPEN).filter(Q(assigned_to=user) | mine)
    for r in anomalies.select_related("customer")[:50]:
        items.append(
            WorkItem(
                kind="collection.anomaly_report",
                label=_("Complete collection-anomaly report"),
                title=r.customer.name,
                due=rules.report_due_on(r.raised_on, policy.anomaly_report_days),
                url=r.get_absolute_url(),
                overdue=rules.report_overdue(r.raised_on, policy.anomaly_report_days, today),
                customer_id=r.customer_id,
                customer_name=r.customer.name,
            )
        )
    problems = visible_problems(user).filter(status=ReportStatus.OPEN).filter(Q(assigned_to=user) | mine)
    for r in problems.select_related("customer")[:50]:
        items.append(
            WorkItem(
                kind="collection.problem_report",
                label=_("Write problem-account report"),
                title=r.customer.name,
                due=rules.report_due_on(r.raised_on, policy.problem_report_days),
                url=r.get_absolute_url(),
                overdue=rules.report_overdue(r.raised_on, policy.problem_report_days, today),
                customer_id=r.customer_id,
                customer_name=r.customer.name,
            )
        )
    if user.has_perm(CollectionPermission.REVIEW_PROBLEM):
        waiting = visible_problems(user).filter(status=ReportStatus.SUBMITTED).exclude(completed_by=user)
        for r in waiting.select_related("customer")[:50]:
            items.append(
                WorkItem(
                    kind="collection.problem_opinion",
                    label=_("Problem-account report awaiting your opinion"),
                    title=r.customer.name,
                    url=r.get_absolute_url(),
                    customer_id=r.customer_id,
                    customer_name=r.customer.name,
                )
            )
    if user.has_perm(CollectionPermission.DECIDE_DANGER):
        waiting = visible_dangers(user).filter(status=DangerStatus.SUBMITTED).exclude(reported_by=user)
        for r in waiting.select_related("customer")[:50]:
            items.append(
                WorkItem(
                    kind="collection.danger_instruction",
                    label=_("Dangerous-customer report awaiting your instruction"),
                    title=r.customer.name,
                    due=r.reported_on,
                    url=r.get_absolute_url(),
                    customer_id=r.customer_id,
                    customer_name=r.customer.name,
                )
            )
    steps = visible_records(user).filter(
        recorded_by=user, next_step_done=False, next_step_on__isnull=False, next_step_on__lte=soon
    )
    for r in steps.select_related("customer")[:50]:
        items.append(
            WorkItem(
                kind="collection.next_step",
                label=_("Collection next step"),
                title=f"{r.customer.name} · {r.next_step}",
                due=r.next_step_on,
                url=r.customer.get_absolute_url() + "#collection",
                overdue=r.next_step_on < today,
                customer_id=r.customer_id,
                customer_name=r.customer.name,
            )
        )
    return items

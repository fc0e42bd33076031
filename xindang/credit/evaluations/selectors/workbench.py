"""Evaluations waiting on the workbench for a signature, a report or a review (002 第三十九–四十一条)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.accounts.roles import Role
from xindang.core.workbench import WorkItem
from xindang.policy.selectors import current_policy

from .. import rules
from ..permissions import EvaluationPermission
from .lists import visible_evaluations


# --- Workbench ------------------------------------------------------------------------------------
def workbench_items(user) -> list[WorkItem]:
    """Evaluations waiting for the user's signature, report or review, due by the policy's day of the
    following month (第三十九–四十一条); overdue after it. Controllers and reviewers get one item per
    month, salespeople one per customer."""

    if not user.is_authenticated or not user.has_perm(EvaluationPermission.VIEW):
        return []
    today = timezone.localdate()
    policy = current_policy().evaluations
    qs = visible_evaluations(user).filter(month__lt=rules.month_start(today))
    items = []

    def dues(month):
        return rules.due_dates(month, due_day=policy.due_day, review_due_day=policy.review_due_day)

    def grouped(pending, step, kind, label):
        status = {rules.REVIEW: rules.READY_FOR_REVIEW, rules.VP: rules.REVIEWED}.get(step, "open")
        for row in pending.values("month").annotate(n=Count("pk")).order_by("month")[:24]:
            due = dues(row["month"])[step]
            items.append(
                WorkItem(
                    kind=kind,
                    label=label,
                    title=_("%(n)s evaluations of %(month)s")
                    % {"n": row["n"], "month": row["month"].strftime("%Y-%m")},
                    due=due,
                    url=reverse("evaluations:list") + f"?month={row['month']:%Y-%m}&status={status}",
                    overdue=today > due,
                )
            )

    if user.has_perm(EvaluationPermission.SIGN):
        grouped(
            qs.filter(controller_signed_at__isnull=True),
            rules.SIGN,
            "evaluations.sign",
            _("Sign grant evaluations"),
        )
    if user.has_perm(EvaluationPermission.REVIEW):
        pending = qs.filter(
            controller_signed_at__isnull=False, reported_at__isnull=False, reviewed_at__isnull=True
        )
        grouped(pending, rules.REVIEW, "evaluations.review", _("Review grant evaluations"))
    if user.has_perm(EvaluationPermission.VP_OPINION):
        pending = qs.filter(reviewed_at__isnull=False, vp_signed_at__isnull=True)
        grouped(
            pending,
            rules.VP,
            "evaluations.vp_opinion",
            _("Give the VP marketing's opinion on grant evaluations"),
        )
    if user.has_perm(EvaluationPermission.REPORT):
        if policy.reporter == rules.SALESPERSON:
            mine = qs.filter(Q(salesperson=user) | Q(customer__owner=user), reported_at__isnull=True)
        elif user.department_id and user.groups.filter(name=Role.DEPARTMENT_MANAGER).exists():
            mine = qs.filter(customer__department_id=user.department_id, reported_at__isnull=True)
        else:
            mine = qs.none()
        mine = mine.select_related("customer")
        for ev in mine.order_by("month", "customer__name")[:50]:
            due = dues(ev.month)[rules.REPORT]
            items.append(
                WorkItem(
                    kind="evaluations.report",
                    label=_("Report on a granted customer"),
                    title=f"{ev.customer.name} · {ev.month:%Y-%m}",
                    due=due,
                    url=ev.get_absolute_url(),
                    overdue=today > due,
                    customer_id=ev.customer_id,
                    customer_name=ev.customer.name,
                )
            )
    return items

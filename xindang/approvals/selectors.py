"""Reading approvals. Who sees a request (one rule, visible_approvals): its requester, whoever holds
a role of its chain or acted on it, and view-all holders (approvals.view_all_approvals, auditors).
Everyone else gets a 404, and the attempt is audited."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindang.accounts.roles import role_label
from xindang.core.together import read_compiled
from xindang.core.workbench import WorkItem
from xindang.policy.selectors import current_policy

from . import rules
from .models import ApprovalComment, ApprovalRequest, ApprovalStatus, ApprovalStep, CommentKind, StepStatus
from .permissions import ApprovalPermission

AUDITOR_PERMISSION = "audit.view_auditevent"


def _roles(user) -> set[str]:
    return (
        set(user.role_codes)
        if hasattr(user, "role_codes")
        else set(user.groups.values_list("name", flat=True))
    )


def can_view_all(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.has_perm(ApprovalPermission.VIEW_ALL) or user.has_perm(AUDITOR_PERMISSION))
    )


def visible_approvals(user) -> QuerySet[ApprovalRequest]:
    qs = ApprovalRequest.objects.all()
    if not user or not user.is_authenticated or not user.is_active:
        return qs.none()
    if can_view_all(user):
        return qs
    steps = ApprovalStep.objects.filter(request=OuterRef("pk"))
    return qs.filter(
        Q(requested_by=user)
        | Exists(steps.filter(role__in=_roles(user)))
        | Exists(steps.filter(acted_by=user))
        | Exists(steps.filter(assignee=user))
    )


def can_see(user, approval: ApprovalRequest) -> bool:
    return visible_approvals(user).filter(pk=approval.pk).exists()


def with_trail(qs: QuerySet) -> QuerySet:
    return qs.select_related("requested_by").prefetch_related(
        Prefetch(
            "steps", queryset=ApprovalStep.objects.select_related("acted_by").order_by("round", "position")
        )
    )


def _may_sign_q(user_id: int, roles, *, same_person: bool) -> Q:
    """Pending requests whose current step needs one of `roles` (and names nobody) or names the user,
    and that the user may sign."""
    current = ApprovalStep.objects.filter(
        request=OuterRef("pk"), round=OuterRef("round"), position=OuterRef("current_position")
    )
    q = (
        Q(status=ApprovalStatus.PENDING)
        & Exists(current.filter(Q(assignee__isnull=True, role__in=roles) | Q(assignee_id=user_id)))
        & ~Q(requested_by_id=user_id)
    )
    if not same_person:
        signed = ApprovalStep.objects.filter(
            request=OuterRef("pk"), round=OuterRef("round"), acted_by_id=user_id
        )
        q &= ~Exists(signed)
    return q


def pending_for_user(user, *, policy=None) -> QuerySet[ApprovalRequest]:
    """What waits for `user`: pending requests at a step they may sign now, oldest first."""
    if not user or not user.is_authenticated or not user.is_active:
        return ApprovalRequest.objects.none()
    policy = policy or current_policy()
    same = policy.approvals.same_person_may_sign_multiple_steps
    q = _may_sign_q(user.pk, _roles(user), same_person=same)
    return ApprovalRequest.objects.filter(q).order_by("submitted_at", "pk")


def may_sign(user, approval: ApprovalRequest) -> bool:
    """Whether `user` may sign `approval` now (pending_for_user holds it). Asked on every approval
    page: the statement is compiled once per process for the user's roles and the policy's rule
    (core.together.read_compiled), the user and the request put in their places."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    same = current_policy().approvals.same_person_may_sign_multiple_steps
    roles = tuple(sorted(_roles(user)))

    def build(a):
        q = _may_sign_q(a["user"], roles, same_person=same)
        found = ApprovalRequest.objects.filter(q, pk=a["approval"]).values("pk")[:1]
        sql, params = found.query.get_compiler(using=found.db).as_sql()
        return sql, tuple(params)

    args = {"user": user.pk, "approval": approval.pk}
    return bool(read_compiled(("approvals.may_sign", roles, same), build, args))


def my_requests(user) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.filter(requested_by=user)


def decided_by(user) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.filter(
        Exists(
            ApprovalStep.objects.filter(request=OuterRef("pk"), acted_by=user).exclude(
                status=StepStatus.PENDING
            )
        )
    )


def requests_for_object(obj) -> QuerySet[ApprovalRequest]:
    """Every approval about `obj` (any kind), newest first."""
    return ApprovalRequest.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
        "-requested_at", "-pk"
    )


def latest_for_object(obj, kind: str | None = None) -> ApprovalRequest | None:
    qs = requests_for_object(obj)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.first()


def waiting_since(approval: ApprovalRequest) -> datetime:
    """When the current step started waiting: the previous step's signature, or the submission."""
    previous = [
        s.acted_at
        for s in approval.steps.all()
        if s.round == approval.round and s.position < approval.current_position and s.acted_at
    ]
    return max(previous, default=approval.submitted_at)


def due_on(approval: ApprovalRequest, reminder_days: int) -> date:
    return timezone.localdate(waiting_since(approval)) + timedelta(days=reminder_days)


def is_overdue(approval: ApprovalRequest, reminder_days: int, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    waited = (today - timezone.localdate(waiting_since(approval))).days
    return rules.is_overdue(waiting_days=waited, reminder_days=reminder_days)


def workbench_items(user) -> list[WorkItem]:
    """The to-do list: approvals waiting for `user`, due after the policy's reminder days."""
    if not user or not user.is_authenticated:
        return []
    policy = current_policy()
    days = policy.approvals.pending_reminder_days
    today = timezone.localdate()
    items = []
    for approval in with_trail(pending_for_user(user, policy=policy))[:200]:
        step = approval.current_step()
        items.append(
            WorkItem(
                kind="approvals.approval",
                label=_("Approval"),
                title=_("%(title)s — sign as %(role)s")
                % {"title": approval.display_title, "role": role_label(step.role) if step else ""},
                due=due_on(approval, days),
                url=reverse("approvals:detail", args=[approval.pk]),
                overdue=is_overdue(approval, days, today),
                customer_id=approval.customer_ref,
                customer_name=approval.customer_name,
            )
        )
    # Requests returned to the user for changes wait for them too: resubmit or withdraw.
    returned = with_trail(my_requests(user).filter(status=ApprovalStatus.RETURNED)).order_by("pk")[:200]
    for approval in returned:
        since = max((s.acted_at for s in approval.steps.all() if s.round == approval.round and s.acted_at),
                    default=approval.submitted_at)  # fmt: skip
        waited = (today - timezone.localdate(since)).days
        items.append(
            WorkItem(
                kind="approvals.returned",
                label=_("Approval returned for changes"),
                title=_("%(title)s — returned for changes: resubmit or withdraw")
                % {"title": approval.display_title},
                due=timezone.localdate(since) + timedelta(days=days),
                url=reverse("approvals:detail", args=[approval.pk]),
                overdue=rules.is_overdue(waiting_days=waited, reminder_days=days),
                customer_id=approval.customer_ref,
                customer_name=approval.customer_name,
            )
        )
    return items


def pending_count(user) -> int:
    return pending_for_user(user).count() if user and user.is_authenticated else 0


# --- Lists ----------------------------------------------------------------------------------------
TABS = ("waiting", "mine", "decided", "all")


@dataclass(frozen=True)
class ApprovalFilters:
    tab: str = "waiting"
    kind: str = ""
    status: str = ""
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    sort: str = ""


SORTS = {
    "requested": ("requested_at", "pk"),
    "amount": ("amount", "pk"),
    "customer": ("customer_name", "pk"),
    "status": ("status", "requested_at"),
    "kind": ("kind", "requested_at"),
}


def _ordering(sort: str) -> list[str] | None:
    key = sort.lstrip("-")
    if key not in SORTS:
        return None
    sign = "-" if sort.startswith("-") else ""
    return [f"{sign}{field}" for field in SORTS[key]]


def tabs_for(user) -> list[str]:
    return [t for t in TABS if t != "all" or can_view_all(user)]


def search_approvals(user, filters: ApprovalFilters) -> QuerySet[ApprovalRequest]:
    tab = filters.tab if filters.tab in tabs_for(user) else "waiting"
    if tab == "waiting":
        qs = pending_for_user(user)
    elif tab == "mine":
        qs = my_requests(user)
    elif tab == "decided":
        qs = decided_by(user)
    else:
        qs = visible_approvals(user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status and filters.status in ApprovalStatus.values:
        qs = qs.filter(status=filters.status)
    text = (filters.q or "").strip()
    if text:
        cond = Q(customer_name__icontains=text) | Q(title__icontains=text) | Q(object_repr__icontains=text)
        if text.lstrip("#").isdigit():
            cond |= Q(pk=int(text.lstrip("#")))
        qs = qs.filter(cond)
    tz = timezone.get_current_timezone()
    if filters.date_from:
        qs = qs.filter(requested_at__gte=datetime.combine(filters.date_from, time.min, tzinfo=tz))
    if filters.date_to:
        qs = qs.filter(requested_at__lte=datetime.combine(filters.date_to, time.max, tzinfo=tz))
    ordering = _ordering(filters.sort)
    if ordering:
        qs = qs.order_by(*ordering)
    elif tab != "waiting":  # waiting: oldest first (pending_for_user)
        qs = qs.order_by("-requested_at", "-pk")
    return qs.select_related("requested_by")


# --- The trail (审批流转记录) -------------------------------------------------------------------------
DECISION_LABELS = {
    StepStatus.PENDING: gettext_lazy("Waiting"),
    StepStatus.APPROVED: gettext_lazy("Approved"),
    StepStatus.REJECTED: gettext_lazy("Rejected"),
    StepStatus.RETURNED: gettext_lazy("Returned for changes"),
    StepStatus.SKIPPED: gettext_lazy("Not reached"),
}


def trail_rows(approval: ApprovalRequest, comments: list[ApprovalComment] | None = None) -> list[dict]:
    """The approval's history as rows for a printout (reportlab PDFs) or the `_trail.html` fragment:
    every step of every round in order, with resubmissions and a withdrawal between them.

    Row keys: kind ("step" | "submitted" | "resubmitted" | "withdrawn"), round, position, role,
    role_label, who, at (datetime|None), decision (step status or the kind), decision_label,
    comment, warnings (texts acknowledged at this step), current (bool); a step's rows also carry
    assignee (the person named to sign it, or ""). `comments`: the request's comments of every kind
    with their authors, in order, when the caller has read them already.
    """
    rows: list[dict] = [
        {
            "kind": "submitted",
            "round": 1,
            "position": 0,
            "role": "",
            "role_label": _("Requester"),
            "who": str(approval.requested_by),
            "at": approval.requested_at,
            "decision": "submitted",
            "decision_label": _("Submitted"),
            "comment": "",
            "warnings": [],
            "current": False,
        }
    ]
    if comments is None:
        comments = ApprovalComment.objects.filter(request=approval).exclude(kind=CommentKind.COMMENT)
        comments = comments.select_related("author")
    notes = {(c.round, c.kind): c for c in comments if c.kind != CommentKind.COMMENT}
    steps = sorted(approval.steps.all(), key=lambda s: (s.round, s.position))
    for round_no in sorted({s.round for s in steps} | {r for r, _k in notes}):
        resubmitted = notes.get((round_no, CommentKind.RESUBMITTED))
        if resubmitted:
            rows.append(_note_row(resubmitted, _("Resubmitted")))
        for s in (s for s in steps if s.round == round_no):
            rows.append(
                {
                    "kind": "step",
                    "round": s.round,
                    "position": s.position,
                    "role": s.role,
                    "role_label": str(role_label(s.role)),
                    "who": str(s.acted_by) if s.acted_by_id else "",
                    "assignee": str(s.assignee) if s.assignee_id else "",
                    "at": s.acted_at,
                    "decision": s.status,
                    "decision_label": str(DECISION_LABELS[StepStatus(s.status)]),
                    "comment": s.comment,
                    "warnings": list(s.acknowledged_warnings or []),
                    "current": approval.is_pending
                    and s.round == approval.round
                    and s.position == approval.current_position,
                }
            )
        withdrawn = notes.get((round_no, CommentKind.WITHDRAWN))
        if withdrawn:
            rows.append(_note_row(withdrawn, _("Withdrawn")))
    return rows


def _note_row(comment: ApprovalComment, label: str) -> dict:
    return {
        "kind": comment.kind,
        "round": comment.round,
        "position": 0,
        "role": "",
        "role_label": _("Requester"),
        "who": str(comment.author),
        "at": comment.created_at,
        "decision": comment.kind,
        "decision_label": label,
        "comment": comment.body,
        "warnings": [],
        "current": False,
    }


def api_approvals(
    user,
    *,
    waiting: bool = False,
    mine: bool = False,
    status: str | None = None,
    kind: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
) -> QuerySet[ApprovalRequest]:
    """The approvals list of the API: waiting for my signature, requested by me or all I may see,
    narrowed by the filters given, with the trail for the answer."""
    if waiting:
        qs = pending_for_user(user)
    elif mine:
        qs = my_requests(user).order_by("-requested_at", "-pk")
    else:
        qs = visible_approvals(user).order_by("-requested_at", "-pk")
    narrowing = {"status": status, "kind": kind, "object_type": object_type, "object_id": object_id}
    qs = qs.filter(**{field: value for field, value in narrowing.items() if value})
    return with_trail(qs)

"""Complaints (000 7): received, investigated, resolved (approved), fed back, closed."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.permissions import get_customer_for_user
from xindang.customers.selectors import can_see_customer

from .. import rules, selectors
from ..errors import RelationsError
from ..models import (
    Complaint,
)
from ..permissions import RelationsPermission
from .checks import move, not_future, require, required_text, stripped

COMPLAINT_KIND = "relations.complaint"


@transaction.atomic
def receive_complaint(*, by, customer_id: int, data: dict, request=None) -> Complaint:
    """Record a complaint as the business department receives it (000 7 5.4.1)."""
    require(by, RelationsPermission.HANDLE_COMPLAINT)
    customer = get_customer_for_user(by, customer_id, request=request, scope="relations")
    received_on = not_future(data.get("received_on") or timezone.localdate(), "received_on")
    department = data.get("department") or by.department or customer.department
    complaint = Complaint.objects.create(
        customer=customer,
        department=department,
        received_on=received_on,
        received_by=by,
        channel=data.get("channel") or "phone",
        kind=data.get("kind") or rules.PROCESS,
        severity=data.get("severity") or rules.MINOR,
        cause=data.get("cause") or "other",
        product=required_text(data.get("product"), "product"),
        content=required_text(data.get("content"), "content"),
        quality_feedback=stripped(data.get("quality_feedback")),
    )
    record_event(
        "relations.complaint.receive",
        actor=by,
        request=request,
        obj=complaint,
        data={"customer": customer.pk, "severity": complaint.severity, "kind": complaint.kind},
    )
    return complaint


def _locked(complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=getattr(complaint, "pk", complaint))


def _visible(by, complaint: Complaint) -> None:
    if not can_see_customer(by, complaint.customer, scope="relations"):
        raise PermissionDenied


@transaction.atomic
def investigate_complaint(*, by, complaint, investigation: str, request=None) -> Complaint:
    """The business department's investigation of the facts (000 7 5.4.2/5.4.3: 组织处理)."""
    require(by, RelationsPermission.HANDLE_COMPLAINT)
    c = _locked(complaint)
    _visible(by, c)
    if c.status not in (rules.RECEIVED, rules.INVESTIGATING):
        raise DomainError(RelationsError.BAD_TRANSITION, status=c.get_status_display())
    c.investigation = required_text(investigation, "investigation")
    c.investigated_by = by
    c.status = rules.INVESTIGATING
    c.save()
    record_event("relations.complaint.investigate", actor=by, request=request, obj=c, data={})
    return c


@transaction.atomic
def propose_resolution(
    *, by, complaint, resolution: str, production_opinion: str = "", request=None
) -> Complaint:
    """Propose the resolution and send it to the general manager (000 7: 处理结果公司总经理审批). A
    quality complaint needs production's opinion (5.4.2: 报请公司生产处协同处理). The proposer is the
    approval's requester, so nobody approves their own resolution (the engine's four-eyes rule)."""
    from xindang.approvals.services import submit_request

    require(by, RelationsPermission.HANDLE_COMPLAINT)
    c = _locked(complaint)
    _visible(by, c)
    resolution = required_text(resolution, "resolution")
    production_opinion = stripped(production_opinion)
    if rules.needs_production(c.kind) and not production_opinion:
        raise DomainError(RelationsError.PRODUCTION_REQUIRED, field="production_opinion")
    if c.status == rules.INVESTIGATING and not c.investigation:
        raise DomainError(RelationsError.REQUIRED, field="investigation")
    move(c, rules.PROPOSED)
    c.resolution = resolution
    c.production_opinion = production_opinion
    c.proposed_by = by
    c.proposed_on = timezone.localdate()
    c.save()
    chain = list(selectors.section().complaint_approval_chain)
    c.approval = submit_request(
        kind=COMPLAINT_KIND,
        obj=c,
        chain=chain,
        requested_by=by,
        title=str(c)[:200],
        summary=resolution[:500],
        data={"severity": c.severity, "kind": c.kind, "product": c.product},
        customer=c.customer,
        request=request,
    )
    c.save(update_fields=["approval"])
    record_event(
        "relations.complaint.propose", actor=by, request=request, obj=c, data={"approval": c.approval_id}
    )
    return c


def _complaint_of(approval) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=int(approval.object_id))


def on_complaint_approved(approval) -> None:
    c = _complaint_of(approval)
    move(c, rules.APPROVED)
    c.approved_on = timezone.localdate()
    c.save()
    record_event("relations.complaint.approve", actor=None, obj=c, data={"approval": approval.pk})


def on_complaint_rejected(approval) -> None:
    """A rejected (or withdrawn) resolution goes back to investigation: a new one is proposed."""
    c = _complaint_of(approval)
    move(c, rules.INVESTIGATING)
    c.save()
    record_event(
        "relations.complaint.reject",
        actor=None,
        obj=c,
        data={"approval": approval.pk, "status": approval.status},
    )


@transaction.atomic
def feed_back_complaint(
    *, by, complaint, feedback: str, fed_back_on: date | None = None, request=None
) -> Complaint:
    """The office tells the customer the approved result (000 7 5.4.2/5.4.3: 由办公室反馈到客户)."""
    require(by, RelationsPermission.HANDLE_COMPLAINT)
    c = _locked(complaint)
    _visible(by, c)
    feedback = required_text(feedback, "feedback")
    on = not_future(fed_back_on or timezone.localdate(), "fed_back_on")
    if on < c.received_on:
        raise DomainError(RelationsError.BEFORE_RECEIPT, field="fed_back_on")
    move(c, rules.FED_BACK)
    c.feedback, c.fed_back_on, c.fed_back_by = feedback, on, by
    c.save()
    record_event(
        "relations.complaint.feedback", actor=by, request=request, obj=c, data={"on": on.isoformat()}
    )
    return c


@transaction.atomic
def close_complaint(
    *,
    by,
    complaint,
    customer_answer: str,
    satisfied: bool | None,
    closed_on: date | None = None,
    request=None,
) -> Complaint:
    """Close a complaint with the customer's answer to the feedback. Refused before the result was
    fed back (000 7: the customer hears the approved result first)."""
    require(by, RelationsPermission.HANDLE_COMPLAINT)
    c = _locked(complaint)
    _visible(by, c)
    if c.status != rules.FED_BACK or c.fed_back_on is None:
        raise DomainError(RelationsError.NOT_FED_BACK)
    answer = required_text(customer_answer, "customer_answer")
    on = not_future(closed_on or timezone.localdate(), "closed_on")
    if on < c.fed_back_on:
        raise DomainError(RelationsError.BEFORE_RECEIPT, field="closed_on")
    move(c, rules.CLOSED)
    c.customer_answer, c.customer_satisfied, c.closed_on, c.closed_by = answer, satisfied, on, by
    c.save()
    record_event("relations.complaint.close", actor=by, request=request, obj=c, data={"satisfied": satisfied})
    return c


def describe_complaint(data: dict) -> list[tuple[str, str]]:
    from ..models import ComplaintKind, Severity

    items = []
    if data.get("severity") in Severity.values:
        items.append((Complaint._meta.get_field("severity").verbose_name, Severity(data["severity"]).label))
    if data.get("kind") in ComplaintKind.values:
        items.append((Complaint._meta.get_field("kind").verbose_name, ComplaintKind(data["kind"]).label))
    if data.get("product"):
        items.append((Complaint._meta.get_field("product").verbose_name, str(data["product"])))
    return items

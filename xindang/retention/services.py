"""Every write of retention: placing and lifting holds, appraising documents, asking for a destruction,
the GM's decision (approvals callbacks), witnessing and carrying it out. Each is atomic and audited and
checks the actor's capability itself.

Destruction erases content only: the versions' rows (with their checksums), the documents' metadata,
the register and the audit trail stay for good. A stored object is deleted after the commit, and only
when no version that is not being erased still needs it (content is stored once by checksum)."""

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.audit.services import record_event
from xindang.core import numbering
from xindang.core.errors import DomainError
from xindang.customers.selectors import can_see_customer
from xindang.documents import storage
from xindang.documents.models import Document, DocumentVersion
from xindang.documents.selectors import retention_of
from xindang.policy.selectors import current_policy

from . import rules
from .errors import RetentionError
from .holds import describe, document_holds
from .models import (
    Appraisal,
    Decision,
    Disposal,
    DisposalItem,
    DisposalStatus,
    DisposalWitness,
    ManualHold,
)
from .permissions import RetentionPermission

logger = logging.getLogger(__name__)

APPROVAL_KIND = "retention.disposal"
OPEN_STATES = (DisposalStatus.PENDING, DisposalStatus.APPROVED)


def _require(user, perm: RetentionPermission) -> None:
    if user is None or not user.has_perm(perm.value):
        raise DomainError(RetentionError.NOT_ALLOWED)


def _reason(text: str, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(RetentionError.REASON_REQUIRED, field=field)
    return text


# --- Holds ------------------------------------------------------------------------------------------
@transaction.atomic
def place_hold(
    *, by, customer, kind: str, reason: str, until: date | None = None, documents=(), request=None
) -> ManualHold:
    """Place a manual hold on a customer's file, or on some of its documents: while it lasts nothing it
    covers is destroyed and the person's data is not erased. `until` None: until lifted; a date in the
    past is refused."""
    _require(by, RetentionPermission.PLACE_HOLD)
    if not can_see_customer(by, customer):
        raise DomainError(RetentionError.NOT_ALLOWED)
    reason = _reason(reason)
    if not rules.hold_until_ok(until, timezone.localdate()):
        raise DomainError(RetentionError.UNTIL_PAST, field="until", until=until.isoformat())
    docs = list(documents)
    for doc in docs:
        if doc.customer_id != customer.pk:
            raise DomainError(RetentionError.DOCUMENT_NOT_IN_FILE, field="documents", title=doc.title)
    hold = ManualHold(
        customer=customer,
        kind=kind,
        reason=reason,
        until=until,
        placed_by=by,
        placed_at=timezone.now(),
    )
    hold.full_clean(exclude=["documents"])
    hold.save()
    if docs:
        hold.documents.set(docs)
    record_event(
        "retention.hold_placed",
        actor=by,
        request=request,
        obj=hold,
        data={
            "customer_id": customer.pk,
            "kind": kind,
            "reason": reason,
            "until": until.isoformat() if until else None,
            "documents": [d.pk for d in docs],
        },
    )
    return hold


@transaction.atomic
def lift_hold(*, by, hold: ManualHold, reason: str, request=None) -> ManualHold:
    """Lift a manual hold before its date (or one without a date), with a reason."""
    _require(by, RetentionPermission.LIFT_HOLD)
    locked = ManualHold.objects.select_for_update().get(pk=hold.pk)
    if not can_see_customer(by, locked.customer):
        raise DomainError(RetentionError.NOT_ALLOWED)
    if locked.lifted_at is not None:
        raise DomainError(RetentionError.HOLD_LIFTED)
    locked.lift_reason = _reason(reason)
    locked.lifted_by = by
    locked.lifted_at = timezone.now()
    locked.save(update_fields=["lift_reason", "lifted_by", "lifted_at"])
    record_event(
        "retention.hold_lifted",
        actor=by,
        request=request,
        obj=locked,
        data={"customer_id": locked.customer_id, "reason": locked.lift_reason},
    )
    return locked


# --- Appraisal ----------------------------------------------------------------------------------------
def _refuse_if_held(document: Document) -> None:
    held = document_holds(document)
    if held:
        raise DomainError(RetentionError.ON_HOLD, title=document.title, holds=describe(held))


def _retention_snapshot(document: Document, policy) -> dict:
    cls, clock = retention_of(document, policy=policy)
    passed_on = clock.earliest_disposal_on if clock is not None else None
    if not rules.retention_passed(passed_on, timezone.localdate()):
        when = passed_on.isoformat() if passed_on else _("permanent or not started")
        raise DomainError(RetentionError.RETENTION_NOT_PASSED, title=document.title, when=when)
    return {
        "retention_class": cls.code,
        "retention_label": cls.label,
        "clock_started_on": clock.started_on,
        "earliest_disposal_on": passed_on,
    }


def _open_item(document: Document) -> DisposalItem | None:
    return (
        DisposalItem.objects.select_related("disposal")
        .filter(document=document, disposal__status__in=OPEN_STATES)
        .first()
    )


def _is_destroyed(document: Document) -> bool:
    return not document.versions.filter(erased_at__isnull=True).exists() and document.version_count > 0


@transaction.atomic
def appraise_document(
    *, by, document: Document, decision: str, reason: str, keep_until: date | None = None, request=None
) -> Appraisal:
    """Appraise (鉴定) a document whose retention has passed: keep it until a new date after today, or
    decide to destroy it. Refused when the retention has not passed (001 档案管理制度及流程2 2.1.4), when
    the content is already destroyed, when it is in an open disposal, and — for destroy — when a hold
    keeps it (naming the hold)."""
    _require(by, RetentionPermission.APPRAISE)
    document = Document.objects.select_for_update().select_related("customer").get(pk=document.pk)
    if not can_see_customer(by, document.customer):
        raise DomainError(RetentionError.NOT_ALLOWED)
    if _is_destroyed(document):
        raise DomainError(RetentionError.ALREADY_DESTROYED, title=document.title)
    item = _open_item(document)
    if item is not None:
        raise DomainError(RetentionError.IN_OPEN_DISPOSAL, title=document.title, number=item.disposal.number)
    policy = current_policy()
    snapshot = _retention_snapshot(document, policy)
    reason = _reason(reason)
    if decision == Decision.KEEP:
        if not rules.keep_until_ok(keep_until, timezone.localdate()):
            raise DomainError(RetentionError.KEEP_UNTIL_REQUIRED, field="keep_until")
    elif decision == Decision.DESTROY:
        keep_until = None
        _refuse_if_held(document)
    else:
        raise ValueError(f"unknown decision {decision!r}")
    appraisal = Appraisal.objects.create(
        document=document,
        decision=decision,
        reason=reason,
        keep_until=keep_until,
        policy_version=policy.version or None,
        appraised_by=by,
        appraised_at=timezone.now(),
        **snapshot,
    )
    record_event(
        "retention.appraised",
        actor=by,
        request=request,
        obj=document,
        data={
            "customer_id": document.customer_id,
            "appraisal": appraisal.pk,
            "decision": decision,
            "reason": reason,
            "keep_until": keep_until.isoformat() if keep_until else None,
            "retention_class": snapshot["retention_class"],
            "retention_passed_on": snapshot["earliest_disposal_on"].isoformat(),
            "policy_version": appraisal.policy_version,
        },
    )
    return appraisal


def latest_appraisal(document) -> Appraisal | None:
    return Appraisal.objects.filter(document=document).order_by("-appraised_at", "-pk").first()


# --- Disposal -----------------------------------------------------------------------------------------
@transaction.atomic
def request_disposal(*, by, documents, reason: str, request=None) -> Disposal:
    """Ask for the destruction of documents appraised for destruction; submits the approval to the
    policy's chain (the general manager: 000 客户信息管理办法 三.8). Each document must still be past its
    retention, not on hold, not destroyed, not in another open disposal."""
    from xindang.approvals.services import submit_request

    _require(by, RetentionPermission.REQUEST_DISPOSAL)
    reason = _reason(reason)
    docs = list(
        Document.objects.select_for_update()
        .select_related("customer", "category")
        .filter(pk__in=[getattr(d, "pk", d) for d in documents])
        .order_by("customer_id", "pk")
    )
    if not docs:
        raise DomainError(RetentionError.NOTHING_TO_DISPOSE, field="documents")
    policy = current_policy()
    now = timezone.now()
    items = []
    for doc in docs:
        if not can_see_customer(by, doc.customer):
            raise DomainError(RetentionError.NOT_ALLOWED)
        if _is_destroyed(doc):
            raise DomainError(RetentionError.ALREADY_DESTROYED, title=doc.title)
        item = _open_item(doc)
        if item is not None:
            raise DomainError(RetentionError.IN_OPEN_DISPOSAL, title=doc.title, number=item.disposal.number)
        appraisal = latest_appraisal(doc)
        if appraisal is None or appraisal.decision != Decision.DESTROY:
            raise DomainError(RetentionError.NOT_APPRAISED, title=doc.title)
        snapshot = _retention_snapshot(doc, policy)
        _refuse_if_held(doc)
        items.append((doc, appraisal, snapshot))
    year = timezone.localdate(now).year
    disposal = Disposal.objects.create(
        number=rules.disposal_number(year, numbering.allocate(f"retention.disposal.{year}")),
        reason=reason,
        requested_by=by,
        requested_at=now,
        policy_version=policy.version or None,
    )
    for doc, appraisal, snapshot in items:
        versions = list(doc.versions.order_by("number"))
        DisposalItem.objects.create(
            disposal=disposal,
            document=doc,
            appraisal=appraisal,
            customer_name=doc.customer.name,
            file_no=doc.customer.file_no or "",
            title=doc.title,
            category=doc.category.name,
            retention_class=snapshot["retention_class"],
            retention_label=snapshot["retention_label"],
            earliest_disposal_on=snapshot["earliest_disposal_on"],
            version_count=len(versions),
            total_bytes=sum(v.size for v in versions),
            checksums=[{"version": v.number, "sha256": v.sha256} for v in versions],
        )
    customers = sorted({doc.customer.name for doc, _a, _s in items})
    approval = submit_request(
        kind=APPROVAL_KIND,
        obj=disposal,
        chain=list(policy.retention.disposal_chain),
        requested_by=by,
        title=_("Destruction %(number)s: %(count)s documents of %(customers)s")
        % {"number": disposal.number, "count": len(items), "customers": "、".join(customers)},
        summary=reason,
        data={"number": disposal.number, "documents": len(items), "customers": customers},
        customer=items[0][0].customer if len(customers) == 1 else None,
        request=request,
    )
    disposal.approval = approval
    disposal.save(update_fields=["approval"])
    record_event(
        "retention.disposal_requested",
        actor=by,
        request=request,
        obj=disposal,
        data={
            "number": disposal.number,
            "documents": [doc.pk for doc, _a, _s in items],
            "reason": reason,
            "approval": approval.pk,
            "policy_version": disposal.policy_version,
        },
    )
    return disposal


def _disposal_of(approval) -> Disposal:
    return Disposal.objects.select_for_update().get(pk=int(approval.object_id))


def _decider(approval):
    step = approval.steps.filter(acted_by__isnull=False).order_by("-acted_at", "-pk").first()
    return step.acted_by if step else None


def on_approved(approval) -> None:
    disposal = _disposal_of(approval)
    if not rules.may_move(disposal.status, DisposalStatus.APPROVED):
        raise DomainError(
            RetentionError.WRONG_STATE, number=disposal.number, status=disposal.get_status_display()
        )
    disposal.status = DisposalStatus.APPROVED
    disposal.approved_by = _decider(approval)
    disposal.approved_at = timezone.now()
    disposal.save(update_fields=["status", "approved_by", "approved_at"])
    record_event(
        "retention.disposal_approved",
        actor=disposal.approved_by,
        obj=disposal,
        data={"number": disposal.number, "approval": approval.pk},
    )


def _close(approval, action: str) -> None:
    disposal = _disposal_of(approval)
    if disposal.status != DisposalStatus.PENDING:
        return
    disposal.status = DisposalStatus.REJECTED
    disposal.save(update_fields=["status"])
    record_event(action, actor=_decider(approval), obj=disposal, data={"number": disposal.number})


def on_rejected(approval) -> None:
    _close(approval, "retention.disposal_rejected")


def on_withdrawn(approval) -> None:
    _close(approval, "retention.disposal_rejected")


def approval_title(approval) -> str:
    """The request's title in the reader's language, from the data recorded at submission."""
    data = approval.data or {}
    return _("Destruction %(number)s: %(count)s documents of %(customers)s") % {
        "number": data["number"],
        "count": data["documents"],
        "customers": "、".join(str(c) for c in data["customers"]),
    }


def describe_approval_data(data: dict) -> list[tuple[str, str]]:
    items = []
    if data.get("number"):
        items.append((_("Disposal"), str(data["number"])))
    if data.get("documents") is not None:
        items.append((_("Documents"), str(data["documents"])))
    if data.get("customers"):
        items.append((_("Customers"), "、".join(str(c) for c in data["customers"])))
    return items


def register_approval_kind() -> None:
    from django.utils.translation import gettext_lazy

    from xindang.approvals import register
    from xindang.approvals.registry import register_panel

    register(
        APPROVAL_KIND,
        on_approved=on_approved,
        on_rejected=on_rejected,
        on_withdrawn=on_withdrawn,
        label=gettext_lazy("Destruction of archive documents"),
        title=approval_title,
        describe=describe_approval_data,
    )
    register_panel(APPROVAL_KIND, approval_panel)


def approval_panel(approval, request) -> str:
    """What the general manager sees on the approval page: each document to destroy with its retention,
    the appraisal's reason, and any hold on it now (a hold placed since the request shows here)."""
    from django.template.loader import render_to_string

    disposal = (
        Disposal.objects.filter(pk=int(approval.object_id)).first() if approval.object_id.isdigit() else None
    )
    if disposal is None:
        return ""
    items = list(disposal.items.select_related("document", "document__customer", "appraisal").order_by("pk"))
    for item in items:
        item.holds = document_holds(item.document)
    return render_to_string(
        "retention/_approval_panel.html", {"disposal": disposal, "items": items}, request=request
    )


@transaction.atomic
def witness_disposal(*, by, disposal: Disposal, remark: str = "", request=None) -> DisposalWitness:
    """Sign as a witness (监销人) of an approved destruction: never the requester, each person once."""
    _require(by, RetentionPermission.WITNESS)
    locked = Disposal.objects.select_for_update().get(pk=disposal.pk)
    if locked.status != DisposalStatus.APPROVED:
        raise DomainError(
            RetentionError.WRONG_STATE, number=locked.number, status=locked.get_status_display()
        )
    problem = rules.witness_problem(
        witness_id=by.pk,
        requester_id=locked.requested_by_id,
        signed_ids=locked.witnesses.values_list("witness_id", flat=True),
    )
    if problem == rules.WITNESS_IS_REQUESTER:
        raise DomainError(RetentionError.WITNESS_IS_REQUESTER)
    if problem == rules.ALREADY_WITNESSED:
        raise DomainError(RetentionError.ALREADY_WITNESSED)
    witness = DisposalWitness.objects.create(
        disposal=locked, witness=by, witnessed_at=timezone.now(), remark=(remark or "").strip()[:200]
    )
    record_event(
        "retention.disposal_witnessed",
        actor=by,
        request=request,
        obj=locked,
        data={"number": locked.number, "remark": witness.remark},
    )
    return witness


@transaction.atomic
def carry_out_disposal(*, by, disposal: Disposal, request=None) -> Disposal:
    """Destroy the content of the disposal's documents. Refused without the approval, with fewer than the
    policy's witnesses (other than the requester), or when any document is on hold now (naming it).
    Every version's content is marked erased; each stored object is deleted after the commit unless a
    version not erased still needs it. Rows, register and audit trail stay."""
    _require(by, RetentionPermission.CARRY_OUT)
    locked = Disposal.objects.select_for_update().get(pk=disposal.pk)
    if locked.status != DisposalStatus.APPROVED or locked.approved_at is None:
        if locked.status == DisposalStatus.PENDING:
            raise DomainError(RetentionError.NOT_APPROVED, number=locked.number)
        raise DomainError(
            RetentionError.WRONG_STATE, number=locked.number, status=locked.get_status_display()
        )
    required = current_policy().retention.witnesses_required
    signed = list(locked.witnesses.values_list("witness_id", flat=True))
    if not rules.enough_witnesses(requester_id=locked.requested_by_id, signed_ids=signed, required=required):
        raise DomainError(
            RetentionError.WITNESSES_MISSING,
            number=locked.number,
            required=required,
            count=len(set(signed) - {locked.requested_by_id}),
        )
    items = list(locked.items.select_related("document", "document__customer").order_by("pk"))
    for item in items:
        _refuse_if_held(item.document)
    now = timezone.now()
    doc_ids = [item.document_id for item in items]
    erasing = DocumentVersion.objects.select_for_update().filter(
        document_id__in=doc_ids, erased_at__isnull=True
    )
    names = set(erasing.values_list("storage_name", flat=True))
    per_doc: dict[int, set[str]] = {}
    for doc_id, name in erasing.values_list("document_id", "storage_name"):
        per_doc.setdefault(doc_id, set()).add(name)
    still_needed = set(
        DocumentVersion.objects.filter(storage_name__in=names, erased_at__isnull=True)
        .exclude(document_id__in=doc_ids)
        .values_list("storage_name", flat=True)
    )
    to_delete = rules.blobs_to_erase(names, still_needed)
    for version in erasing:  # through save(): one row at a time keeps it plain on every engine
        version.erased_at = now
        version.save(update_fields=["erased_at"])
    for item in items:
        item.erased_files = len(per_doc.get(item.document_id, set()) & to_delete)
        item.save(update_fields=["erased_files"])
    locked.status = DisposalStatus.DESTROYED
    locked.carried_out_by = by
    locked.carried_out_at = now
    locked.save(update_fields=["status", "carried_out_by", "carried_out_at"])
    record_event(
        "retention.disposal_carried_out",
        actor=by,
        request=request,
        obj=locked,
        data={
            "number": locked.number,
            "documents": doc_ids,
            "witnesses": signed,
            "approved_by": locked.approved_by_id,
            "objects_erased": sorted(to_delete),
            "objects_kept_shared": sorted(names & still_needed),
        },
    )

    def erase():
        for name in sorted(to_delete):
            try:
                storage.delete_blob(name)
            except Exception:
                logger.exception("erasing %s failed; the fixity check will list it as orphaned", name)

    transaction.on_commit(erase, robust=True)
    return locked

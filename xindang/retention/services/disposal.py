"""Disposal (销毁): the request, the GM's decision through the approvals engine, the witnesses and the
destruction itself.

Destruction erases content only: the versions' rows (with their checksums), the documents' metadata,
the register and the audit trail stay for good. A stored object is deleted after the commit, and only
when no version that is not being erased still needs it (content is stored once by checksum)."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.audit.services import record_event
from xindang.core import numbering
from xindang.core.errors import DomainError
from xindang.customers.selectors import can_see_customer
from xindang.documents import storage
from xindang.documents.models import Document, DocumentVersion
from xindang.policy.selectors import current_policy

from .. import rules
from ..errors import RetentionError
from ..holds import document_holds
from ..models import (
    Decision,
    Disposal,
    DisposalItem,
    DisposalStatus,
    DisposalWitness,
)
from ..permissions import RetentionPermission
from .appraisal import latest_appraisal
from .checks import is_destroyed, open_disposal_item, reason_text, refuse_if_held, require, retention_snapshot

logger = logging.getLogger(__name__)


APPROVAL_KIND = "retention.disposal"


@transaction.atomic
def request_disposal(*, by, documents, reason: str, request=None) -> Disposal:
    """Ask for the destruction of documents appraised for destruction; submits the approval to the
    policy's chain (the general manager: 000 客户信息管理办法 三.8). Each document must still be past its
    retention, not on hold, not destroyed, not in another open disposal."""
    from xindang.approvals.services import submit_request

    require(by, RetentionPermission.REQUEST_DISPOSAL)
    reason = reason_text(reason)
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
        if is_destroyed(doc):
            raise DomainError(RetentionError.ALREADY_DESTROYED, title=doc.title)
        item = open_disposal_item(doc)
        if item is not None:
            raise DomainError(RetentionError.IN_OPEN_DISPOSAL, title=doc.title, number=item.disposal.number)
        appraisal = latest_appraisal(doc)
        if appraisal is None or appraisal.decision != Decision.DESTROY:
            raise DomainError(RetentionError.NOT_APPRAISED, title=doc.title)
        snapshot = retention_snapshot(doc, policy)
        refuse_if_held(doc)
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
    require(by, RetentionPermission.WITNESS)
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
    require(by, RetentionPermission.CARRY_OUT)
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
        refuse_if_held(item.document)
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

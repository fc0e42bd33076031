"""Holds, appraisal and disposal through the services: the bad inputs of the brief each refused with
its code; content erased from disk after an approved, witnessed destruction (and a stored object
shared by two documents kept while one still needs it); rows, register and audit trail stay."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.approvals.services import approve_step
from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.core.holds import holds_on
from xindang.documents import services as doc_services
from xindang.documents.errors import DocumentError
from xindang.documents.fixity import run_fixity_check
from xindang.documents.models import Document, DocumentVersion
from xindang.ledger.collection.models import BalanceStatement, StatementStatus
from xindang.ledger.models import Exposure
from xindang.retention import services
from xindang.retention.errors import RetentionError
from xindang.retention.models import Decision, DisposalStatus, HoldKind
from xindang.testing.samples import pdf_bytes

pytestmark = pytest.mark.django_db


def _code(excinfo) -> str:
    return excinfo.value.code


def _destroy_ready(archivist, gm, witnesses, docs, reason="保管期满,无保存价值"):
    """Appraise each document for destruction, ask, have the GM approve and the witnesses sign."""
    for doc in docs:
        services.appraise_document(
            by=archivist, document=doc, decision=Decision.DESTROY, reason="短期保管期满"
        )
    disposal = services.request_disposal(by=archivist, documents=docs, reason=reason)
    approve_step(approval=disposal.approval, approver=gm, comment="同意销毁")
    for w in witnesses:
        services.witness_disposal(by=w, disposal=disposal)
    disposal.refresh_from_db()
    return disposal


# --- Holds --------------------------------------------------------------------------------------------
def test_manual_hold_is_reported_by_the_registry(archivist, customer):
    # given a hold placed for a dispute, until a date ahead
    until = timezone.localdate() + timedelta(days=90)
    hold = services.place_hold(
        by=archivist, customer=customer, kind=HoldKind.DISPUTE, reason="货款争议未决", until=until
    )
    # then core.holds reports it (what privacy and disposal ask) and the placing is audited
    held = holds_on(customer)
    assert [h.source for h in held] == ["retention.manual"]
    assert "货款争议未决" in held[0].reason and held[0].until == until
    assert AuditEvent.objects.filter(action="retention.hold_placed", object_id=str(hold.pk)).exists()


def test_hold_with_until_in_the_past_is_refused(archivist, customer):
    with pytest.raises(DomainError) as exc:
        services.place_hold(
            by=archivist,
            customer=customer,
            kind=HoldKind.LITIGATION,
            reason="诉讼",
            until=timezone.localdate() - timedelta(days=1),
        )
    assert _code(exc) == RetentionError.UNTIL_PAST
    assert holds_on(customer) == []


def test_hold_needs_a_reason_and_the_capability(archivist, salesperson, customer):
    with pytest.raises(DomainError) as exc:
        services.place_hold(by=archivist, customer=customer, kind=HoldKind.OTHER, reason="  ")
    assert _code(exc) == RetentionError.REASON_REQUIRED
    with pytest.raises(DomainError) as exc:
        services.place_hold(by=salesperson, customer=customer, kind=HoldKind.OTHER, reason="想保留")
    assert _code(exc) == RetentionError.NOT_ALLOWED


def test_lifted_hold_no_longer_holds(archivist, credit_manager, customer):
    hold = services.place_hold(by=archivist, customer=customer, kind=HoldKind.LITIGATION, reason="诉讼中")
    services.lift_hold(by=credit_manager, hold=hold, reason="判决已执行")
    assert holds_on(customer) == []
    with pytest.raises(DomainError) as exc:
        services.lift_hold(by=credit_manager, hold=hold, reason="再次")
    assert _code(exc) == RetentionError.HOLD_LIFTED


def test_open_receivables_hold_the_file(customer):
    Exposure.objects.create(customer=customer, open_invoices_amount=Decimal("12000.00"))
    held = holds_on(customer)
    assert [h.source for h in held] == ["ledger.receivables"]
    assert "12,000.00" in held[0].reason


def test_settled_file_has_no_receivables_hold(customer):
    Exposure.objects.create(customer=customer)
    assert holds_on(customer) == []


def test_hold_on_one_document_keeps_only_that_document(archivist, customer, file_document):
    kept = file_document(customer)
    free = file_document(customer)
    services.place_hold(
        by=archivist, customer=customer, kind=HoldKind.AUDIT, reason="审计抽查", documents=[kept]
    )
    with pytest.raises(DomainError) as exc:
        services.appraise_document(by=archivist, document=kept, decision=Decision.DESTROY, reason="期满")
    assert _code(exc) == RetentionError.ON_HOLD
    appraisal = services.appraise_document(
        by=archivist, document=free, decision=Decision.DESTROY, reason="期满"
    )
    assert appraisal.decision == Decision.DESTROY


def test_hold_documents_must_belong_to_the_file(
    archivist, customer, make_customer, salesperson, file_document
):
    other = make_customer(salesperson, name="长城贸易有限公司")
    doc = file_document(other)
    with pytest.raises(DomainError) as exc:
        services.place_hold(by=archivist, customer=customer, kind=HoldKind.OTHER, reason="x", documents=[doc])
    assert _code(exc) == RetentionError.DOCUMENT_NOT_IN_FILE


# --- Appraisal ---------------------------------------------------------------------------------------
def test_appraising_before_retention_passed_is_refused(archivist, customer, file_document):
    young = file_document(customer, years_ago=3)
    with pytest.raises(DomainError) as exc:
        services.appraise_document(by=archivist, document=young, decision=Decision.DESTROY, reason="期满")
    assert _code(exc) == RetentionError.RETENTION_NOT_PASSED


def test_permanent_document_is_never_appraised(archivist, customer, file_document):
    doc = file_document(customer, years_ago=80, retention_class="permanent")
    with pytest.raises(DomainError) as exc:
        services.appraise_document(by=archivist, document=doc, decision=Decision.DESTROY, reason="期满")
    assert _code(exc) == RetentionError.RETENTION_NOT_PASSED


def test_keep_needs_a_new_date_after_today(archivist, customer, file_document):
    doc = file_document(customer)
    with pytest.raises(DomainError) as exc:
        services.appraise_document(
            by=archivist,
            document=doc,
            decision=Decision.KEEP,
            reason="仍有查考价值",
            keep_until=timezone.localdate(),
        )
    assert _code(exc) == RetentionError.KEEP_UNTIL_REQUIRED
    later = timezone.localdate() + timedelta(days=365 * 5)
    appraisal = services.appraise_document(
        by=archivist, document=doc, decision=Decision.KEEP, reason="仍有查考价值", keep_until=later
    )
    assert appraisal.keep_until == later and appraisal.retention_class == "short"
    event = AuditEvent.objects.get(action="retention.appraised", object_id=str(doc.pk))
    assert event.data["decision"] == "keep"


def test_appraising_a_document_on_hold_for_destruction_names_the_hold(archivist, customer, file_document):
    doc = file_document(customer)
    services.place_hold(
        by=archivist, customer=customer, kind=HoldKind.LITIGATION, reason="(2026)京01民初123号"
    )
    with pytest.raises(DomainError) as exc:
        services.appraise_document(by=archivist, document=doc, decision=Decision.DESTROY, reason="期满")
    assert _code(exc) == RetentionError.ON_HOLD
    assert "(2026)京01民初123号" in exc.value.message


# --- Disposal ----------------------------------------------------------------------------------------
def test_disposal_removes_content_from_disk_and_keeps_the_record(
    archivist, archivist2, witness, gm, customer, file_document, blob_path, django_capture_on_commit_callbacks
):
    doc = file_document(customer)
    path = blob_path(doc)
    assert path.exists()
    disposal = _destroy_ready(archivist, gm, [archivist2, witness], [doc])
    assert disposal.status == DisposalStatus.APPROVED and disposal.approved_by == gm
    with django_capture_on_commit_callbacks(execute=True):
        services.carry_out_disposal(by=archivist, disposal=disposal)
    disposal.refresh_from_db()
    assert disposal.status == DisposalStatus.DESTROYED
    assert not path.exists()
    # the metadata, the version's checksum and the register stay
    assert Document.objects.filter(pk=doc.pk).exists()
    version = DocumentVersion.objects.get(document=doc)
    assert version.erased_at is not None and version.sha256
    item = disposal.items.get()
    assert (
        item.erased_files == 1
        and item.retention_class == "short"
        and item.checksums[0]["sha256"] == version.sha256
    )
    event = AuditEvent.objects.get(action="retention.disposal_carried_out", object_id=str(disposal.pk))
    assert sorted(event.data["witnesses"]) == sorted([archivist2.pk, witness.pk])
    # a reader gets a clear refusal, and the integrity check does not report it missing
    with pytest.raises(DomainError) as exc:
        doc_services.read_version(by=archivist, version=version)
    assert exc.value.code == DocumentError.ERASED
    run = run_fixity_check()
    assert run.missing_count == 0 and run.orphaned_count == 0


def test_shared_stored_object_is_erased_only_when_neither_document_needs_it(
    archivist,
    archivist2,
    witness,
    gm,
    customer,
    make_customer,
    salesperson,
    file_document,
    blob_path,
    django_capture_on_commit_callbacks,
):
    # given the same scan filed in two customers' files: one stored object
    same = pdf_bytes("同一份对账单")
    other_customer = make_customer(salesperson, name="长城贸易有限公司")
    first = file_document(customer, content=same)
    second = file_document(other_customer, content=same)
    assert first.current_version.storage_name == second.current_version.storage_name
    path = blob_path(first)
    # when the first is destroyed, the object stays for the second
    disposal = _destroy_ready(archivist, gm, [archivist2, witness], [first])
    with django_capture_on_commit_callbacks(execute=True):
        services.carry_out_disposal(by=archivist, disposal=disposal)
    assert path.exists()
    assert disposal.items.get().erased_files == 0
    version = second.current_version
    assert doc_services.read_version(by=archivist, version=version).stream is not None
    # when the second is destroyed too, the object goes
    disposal2 = _destroy_ready(archivist, gm, [archivist2, witness], [second])
    with django_capture_on_commit_callbacks(execute=True):
        services.carry_out_disposal(by=archivist, disposal=disposal2)
    assert not path.exists()


def test_disposal_without_the_gm_approval_is_refused(
    archivist, archivist2, witness, customer, file_document, blob_path
):
    doc = file_document(customer)
    services.appraise_document(by=archivist, document=doc, decision=Decision.DESTROY, reason="期满")
    disposal = services.request_disposal(by=archivist, documents=[doc], reason="期满销毁")
    assert disposal.approval.chain == ["general_manager"]
    with pytest.raises(DomainError) as exc:
        services.witness_disposal(by=archivist2, disposal=disposal)
    assert _code(exc) == RetentionError.WRONG_STATE
    with pytest.raises(DomainError) as exc:
        services.carry_out_disposal(by=archivist, disposal=disposal)
    assert _code(exc) == RetentionError.NOT_APPROVED
    assert blob_path(doc).exists()


def test_disposal_with_one_witness_is_refused(archivist, archivist2, gm, customer, file_document, blob_path):
    doc = file_document(customer)
    disposal = _destroy_ready(archivist, gm, [archivist2], [doc])
    with pytest.raises(DomainError) as exc:
        services.carry_out_disposal(by=archivist, disposal=disposal)
    assert _code(exc) == RetentionError.WITNESSES_MISSING
    assert blob_path(doc).exists()
    assert DocumentVersion.objects.get(document=doc).erased_at is None


def test_requester_cannot_witness(archivist, gm, customer, file_document):
    doc = file_document(customer)
    disposal = _destroy_ready(archivist, gm, [], [doc])
    with pytest.raises(DomainError) as exc:
        services.witness_disposal(by=archivist, disposal=disposal)
    assert _code(exc) == RetentionError.WITNESS_IS_REQUESTER


def test_a_witness_signs_once(archivist, archivist2, gm, customer, file_document):
    doc = file_document(customer)
    disposal = _destroy_ready(archivist, gm, [archivist2], [doc])
    with pytest.raises(DomainError) as exc:
        services.witness_disposal(by=archivist2, disposal=disposal)
    assert _code(exc) == RetentionError.ALREADY_WITNESSED


def test_hold_placed_after_approval_stops_the_destruction(
    archivist, archivist2, witness, gm, customer, file_document, blob_path
):
    doc = file_document(customer)
    disposal = _destroy_ready(archivist, gm, [archivist2, witness], [doc])
    services.place_hold(by=archivist, customer=customer, kind=HoldKind.DISPUTE, reason="客户提出质量异议")
    with pytest.raises(DomainError) as exc:
        services.carry_out_disposal(by=archivist, disposal=disposal)
    assert _code(exc) == RetentionError.ON_HOLD
    assert "客户提出质量异议" in exc.value.message
    assert blob_path(doc).exists()


def test_receivables_stop_the_request(archivist, customer, file_document):
    doc = file_document(customer)
    services.appraise_document(by=archivist, document=doc, decision=Decision.DESTROY, reason="期满")
    Exposure.objects.create(customer=customer, open_invoices_amount=Decimal("5000"))
    with pytest.raises(DomainError) as exc:
        services.request_disposal(by=archivist, documents=[doc], reason="期满")
    assert _code(exc) == RetentionError.ON_HOLD


def test_request_needs_a_destroy_appraisal(archivist, customer, file_document):
    doc = file_document(customer)
    with pytest.raises(DomainError) as exc:
        services.request_disposal(by=archivist, documents=[doc], reason="期满")
    assert _code(exc) == RetentionError.NOT_APPRAISED


def test_rejected_disposal_frees_the_documents(archivist, gm, customer, file_document):
    from xindang.approvals.services import reject

    doc = file_document(customer)
    services.appraise_document(by=archivist, document=doc, decision=Decision.DESTROY, reason="期满")
    disposal = services.request_disposal(by=archivist, documents=[doc], reason="期满")
    with pytest.raises(DomainError) as exc:
        services.request_disposal(by=archivist, documents=[doc], reason="再次")
    assert _code(exc) == RetentionError.IN_OPEN_DISPOSAL
    reject(approval=disposal.approval, approver=gm, reason="暂缓")
    disposal.refresh_from_db()
    assert disposal.status == DisposalStatus.REJECTED
    again = services.request_disposal(by=archivist, documents=[doc], reason="再次")
    assert again.number != disposal.number


def test_the_approval_title_is_shown_in_the_readers_language(archivist, customer, file_document):
    from django.utils import translation

    from xindang.approvals.registry import render_text

    doc = file_document(customer)
    services.appraise_document(by=archivist, document=doc, decision=Decision.DESTROY, reason="期满")
    disposal = services.request_disposal(by=archivist, documents=[doc], reason="期满")
    with translation.override("en"):
        assert render_text(disposal.approval, "title", "") == (
            f"Destruction {disposal.number}: 1 documents of 华夏科技有限公司"
        )
    with translation.override("zh-hans"):
        assert (
            render_text(disposal.approval, "title", "")
            == f"销毁单 {disposal.number}:华夏科技有限公司 的 1 份文件"
        )


def test_a_disputed_balance_holds_the_file_until_resolved(customer, credit_manager):
    """An unsettled dispute keeps the papers (SPEC §8): a balance confirmation the customer disputed
    (002 第三十五条 定期对帐) holds the file; once the difference is resolved, it no longer does."""
    statement = BalanceStatement.objects.create(
        customer=customer,
        as_of=timezone.localdate() - timedelta(days=30),
        balance=Decimal("5000.00"),
        sent_on=timezone.localdate() - timedelta(days=29),
        created_by=credit_manager,
        status=StatementStatus.DISPUTED,
        stated_balance=Decimal("4000.00"),
        difference=Decimal("-1000.00"),
    )
    held = holds_on(customer)
    assert [h.source for h in held] == ["ledger.disputed_balance"]
    assert statement.as_of.isoformat() in held[0].reason and held[0].url == statement.get_absolute_url()
    BalanceStatement.objects.filter(pk=statement.pk).update(status=StatementStatus.RESOLVED)
    assert holds_on(customer) == []

"""Filing documents and versions: guarantees and every bad input."""

import hashlib
from datetime import date

import pytest
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.documents import selectors, services, storage
from xindang.documents.models import Document, DocumentVersion
from xindang.testing.samples import pdf_bytes, png_bytes, set_policy, upload


def stored_files(media_root) -> list[str]:
    root = media_root / "documents"
    return (
        sorted(str(p.relative_to(media_root)) for p in root.rglob("*") if p.is_file())
        if root.exists()
        else []
    )


def test_upload_stores_content_addressed_with_checksum_and_audit(
    customer, salesperson, licence_category, media_root
):
    data = pdf_bytes("营业执照 华夏科技")
    doc = services.upload_document(
        by=salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=upload("营业执照.pdf", data),
        title="营业执照(副本)",
        confidentiality=3,
        number="91110000MA01ABCD0X",
        issuer="北京市市场监督管理局",
        valid_from=date(2020, 1, 1),
        valid_until=date(2040, 1, 1),
        location="A柜-3盒",
    )
    sha = hashlib.sha256(data).hexdigest()
    v = doc.current_version
    assert (v.number, v.sha256, v.size, v.mime_type, v.original_name) == (
        1,
        sha,
        len(data),
        "application/pdf",
        "营业执照.pdf",
    )
    assert v.storage_name == f"documents/{sha[:2]}/{sha}"  # never the user's name
    assert stored_files(media_root) == [v.storage_name]
    assert (media_root / v.storage_name).read_bytes() == data
    assert doc.filed_by == salesperson and doc.retention_class == "long"  # group default for basic
    event = AuditEvent.objects.get(action="document.upload")
    assert event.object_id == str(doc.pk) and event.data["sha256"] == sha and event.actor == salesperson


def test_add_version_keeps_old_versions(customer, salesperson, file_document, pdf_file):
    doc = file_document(salesperson, customer)
    first = doc.current_version
    second = services.add_version(by=salesperson, document=doc, uploaded_file=pdf_file(text="2026年换发"))
    doc.refresh_from_db()
    assert doc.version_count == 2 and doc.current_version == second
    assert list(doc.versions.order_by("number")) == [first, second]
    assert default_storage.exists(first.storage_name) and default_storage.exists(second.storage_name)
    assert AuditEvent.objects.filter(action="document.version_added", object_id=str(doc.pk)).count() == 1


def test_upload_works_for_contract_categories(customer, credit_manager, category, pdf_file):
    doc = services.upload_document(
        by=credit_manager,
        customer=customer,
        category=category("contract_original"),
        uploaded_file=pdf_file(text="购销合同 HT-2026-001"),
        title="购销合同正本",
        confidentiality=2,
    )
    assert doc.retention_class == "contract"  # clock starts when the contract ends
    cls, clock = selectors.retention_of(doc)
    assert clock.event == "contract_ended" and not clock.started
    services.start_retention_clock(
        by=credit_manager, customer=customer, event="contract_ended", on=date(2027, 6, 30)
    )
    doc.refresh_from_db()
    _cls, clock = selectors.retention_of(doc)
    assert clock.earliest_disposal_on == date(2057, 6, 30)  # enterprise rule: 30 years


# --- Bad input ------------------------------------------------------------------------------
def _refused(code, media_root, **kwargs):
    before = (Document.objects.count(), DocumentVersion.objects.count())
    with pytest.raises(DomainError) as exc:
        services.upload_document(**kwargs)
    assert exc.value.code == code
    assert (Document.objects.count(), DocumentVersion.objects.count()) == before
    return exc.value


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("营业执照.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 2000, "document.executable"),
        ("营业执照.pdf", b"MZ\x90\x00\x03" + b"\x00" * 2000, "document.executable"),
        ("营业执照.pdf", bytes(range(256)) * 16, "document.unknown_type"),
        ("营业执照.pdf", b"", "document.empty_file"),
        ("营业执照.png", pdf_bytes(), "document.extension_mismatch"),
        ("scan.exe", pdf_bytes(), "document.extension_mismatch"),
        ("..\\营业执照.pdf", pdf_bytes(), "document.bad_file_name"),
        ("营业\x07执照.pdf", pdf_bytes(), "document.bad_file_name"),
    ],
)
def test_bad_files_are_refused_and_leave_nothing(
    customer, salesperson, licence_category, media_root, name, data, code
):
    _refused(
        code,
        media_root,
        by=salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=upload(name, data),
        title="营业执照",
        confidentiality=3,
    )
    assert stored_files(media_root) == []


def test_file_over_the_policy_limit_is_refused(customer, salesperson, licence_category, media_root, sysadmin):
    # given a policy with a 1 MB limit in force
    set_policy(sysadmin, "core", upload_limit_mb=1)
    big = pdf_bytes() + b"%" + b"0" * (1024 * 1024)
    _refused(
        "document.too_large",
        media_root,
        by=salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=upload("大文件.pdf", big),
        title="大文件",
        confidentiality=3,
    )
    assert stored_files(media_root) == []


def test_same_content_twice_in_one_file_is_refused_and_stored_once(
    customer, salesperson, licence_category, media_root
):
    data = pdf_bytes("同一份营业执照")
    doc = services.upload_document(
        by=salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=upload("a.pdf", data),
        title="营业执照",
        confidentiality=3,
    )
    err = _refused(
        "document.duplicate",
        media_root,
        by=salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=upload("b.pdf", data),
        title="营业执照(再次)",
        confidentiality=3,
    )
    assert err.params["document_id"] == doc.pk
    with pytest.raises(DomainError) as exc:
        services.add_version(by=salesperson, document=doc, uploaded_file=upload("c.pdf", data))
    assert exc.value.code == "document.duplicate"
    assert len(stored_files(media_root)) == 1


def test_content_destroyed_by_a_disposal_may_be_filed_again(
    customer, salesperson, licence_category, media_root
):
    """A destroyed version (retention's disposal: content erased, the row kept for the register) no
    longer holds its content, so the same file filed again is not "already in the file"."""
    data = pdf_bytes("已销毁的营业执照")
    doc = services.upload_document(
        by=salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=upload("a.pdf", data),
        title="营业执照",
        confidentiality=3,
    )
    version = doc.versions.get()
    DocumentVersion.objects.filter(pk=version.pk).update(erased_at=timezone.now())
    default_storage.delete(version.storage_name)  # what the disposal does after its commit
    again = services.upload_document(
        by=salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=upload("b.pdf", data),
        title="营业执照(重新归档)",
        confidentiality=3,
    )
    assert again.pk != doc.pk
    with default_storage.open(again.versions.get().storage_name, "rb") as f:
        assert f.read() == data


def test_same_content_in_two_customers_files_is_stored_once(
    make_customer, salesperson, licence_category, media_root
):
    a = make_customer(salesperson, name="华夏科技有限公司")
    b = make_customer(salesperson, name="长城贸易有限公司")
    data = pdf_bytes("行业协会通知")
    for c in (a, b):
        services.upload_document(
            by=salesperson,
            customer=c,
            category=licence_category,
            uploaded_file=upload("通知.pdf", data),
            title="通知",
            confidentiality=3,
        )
    assert DocumentVersion.objects.filter(sha256=hashlib.sha256(data).hexdigest()).count() == 2
    assert len(stored_files(media_root)) == 1


def test_valid_until_before_valid_from_is_refused(
    customer, salesperson, licence_category, pdf_file, media_root
):
    _refused(
        "document.invalid_dates",
        media_root,
        by=salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=pdf_file(),
        title="营业执照",
        confidentiality=3,
        valid_from=date(2026, 5, 1),
        valid_until=date(2026, 4, 30),
    )
    assert stored_files(media_root) == []


def test_valid_until_before_valid_from_is_refused_by_the_database_too(customer, salesperson, file_document):
    from django.db import IntegrityError

    doc = file_document(salesperson, customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=doc.pk).update(valid_from=date(2026, 5, 1), valid_until=date(2026, 4, 1))


@pytest.mark.parametrize(("level", "code"), [(0, "document.invalid_level"), (4, "document.invalid_level")])
def test_confidentiality_outside_1_to_3_is_refused(
    customer, salesperson, licence_category, pdf_file, media_root, level, code
):
    _refused(
        code,
        media_root,
        by=salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=pdf_file(),
        title="营业执照",
        confidentiality=level,
    )


def test_unknown_retention_class_is_refused(customer, salesperson, licence_category, pdf_file, media_root):
    _refused(
        "document.unknown_retention",
        media_root,
        by=salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=pdf_file(),
        title="营业执照",
        confidentiality=3,
        retention_class="y99",
    )


def test_upload_to_a_file_the_user_does_not_see_is_refused(
    customer, other_salesperson, licence_category, pdf_file, media_root
):
    _refused(
        "document.not_allowed",
        media_root,
        by=other_salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=pdf_file(),
        title="营业执照",
        confidentiality=3,
    )
    assert stored_files(media_root) == []


def test_new_version_needs_the_level_clearance(
    customer, salesperson, credit_manager, file_document, pdf_file
):
    secret = file_document(credit_manager, customer, level=1, title="资信调查报告")
    with pytest.raises(DomainError) as exc:
        services.add_version(by=salesperson, document=secret, uploaded_file=pdf_file(text="改"))
    assert exc.value.code == "document.not_allowed"


# --- No orphans, no half records ------------------------------------------------------------------
def test_failure_after_storing_removes_the_file_and_the_rows(
    customer, salesperson, licence_category, pdf_file, media_root, monkeypatch
):
    def boom(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services.filing, "record_event", boom)  # the upload's own audit write
    with pytest.raises(RuntimeError):
        services.upload_document(
            by=salesperson,
            customer=customer,
            category=licence_category,
            uploaded_file=pdf_file(),
            title="营业执照",
            confidentiality=3,
        )
    assert Document.objects.count() == 0 and DocumentVersion.objects.count() == 0
    assert stored_files(media_root) == []


def test_callers_rolled_back_transaction_leaves_no_orphan(
    customer, salesperson, licence_category, pdf_file, media_root
):
    # given a caller (e.g. the contracts module) that files a document inside its own transaction
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.upload_document(
            by=salesperson,
            customer=customer,
            category=licence_category,
            uploaded_file=pdf_file(),
            title="营业执照",
            confidentiality=3,
        )
        assert len(stored_files(media_root)) == 1  # written and verified
        raise Abort
    # then the caller's rollback takes the file with it
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


def test_failed_write_verification_leaves_nothing(
    customer, salesperson, licence_category, pdf_file, media_root, monkeypatch
):
    real = storage.stored_checksum
    calls = {"n": 0}

    def corrupt_after_write(name, storage_=None):
        calls["n"] += 1
        return ("0" * 64, 1) if calls["n"] >= 1 and default_storage.exists(name) else real(name)

    monkeypatch.setattr(storage, "stored_checksum", corrupt_after_write)
    with pytest.raises(DomainError) as exc:
        services.upload_document(
            by=salesperson,
            customer=customer,
            category=licence_category,
            uploaded_file=pdf_file(),
            title="营业执照",
            confidentiality=3,
        )
    assert exc.value.code == "document.storage_failed"
    assert Document.objects.count() == 0
    assert stored_files(media_root) == []


def test_an_altered_stored_copy_is_repaired_by_the_next_upload_of_the_same_content(
    make_customer, salesperson, licence_category, media_root
):
    a = make_customer(salesperson, name="华夏科技有限公司")
    b = make_customer(salesperson, name="长城贸易有限公司")
    data = pdf_bytes("共享内容")
    doc = services.upload_document(
        by=salesperson,
        customer=a,
        category=licence_category,
        uploaded_file=upload("x.pdf", data),
        title="x",
        confidentiality=3,
    )
    path = media_root / doc.current_version.storage_name
    path.write_bytes(b"tampered")
    services.upload_document(
        by=salesperson,
        customer=b,
        category=licence_category,
        uploaded_file=upload("x.pdf", data),
        title="x",
        confidentiality=3,
    )
    assert path.read_bytes() == data


# --- Metadata -------------------------------------------------------------------------------------
def test_update_document_records_changes(customer, salesperson, file_document):
    doc = file_document(salesperson, customer)
    services.update_document(by=salesperson, document=doc, valid_until=date(2031, 12, 31), location="B柜-1盒")
    event = AuditEvent.objects.get(action="document.change")
    assert event.data["changes"]["valid_until"] == [None, "2031-12-31"]
    assert doc.history.count() >= 2


def test_nobody_raises_a_level_beyond_their_clearance(customer, salesperson, credit_manager, file_document):
    # filed by someone else: a filer keeps reading what they filed (custody policy filer_keeps_access)
    doc = file_document(credit_manager, customer, level=3)
    with pytest.raises(DomainError) as exc:
        services.update_document(by=salesperson, document=doc, confidentiality=1)
    assert exc.value.code == "document.not_allowed"
    doc.refresh_from_db()
    assert doc.confidentiality == 3


def test_read_version_refuses_an_altered_file_and_records_it(
    customer, credit_manager, file_document, media_root
):
    doc = file_document(credit_manager, customer, level=3)
    (media_root / doc.current_version.storage_name).write_bytes(b"%PDF-1.4 altered")
    with pytest.raises(DomainError) as exc:
        services.read_version(by=credit_manager, version=doc.current_version)
    assert exc.value.code == "document.altered"
    assert AuditEvent.objects.filter(action="document.integrity_failed").exists()
    assert not AuditEvent.objects.filter(action="document.download").exists()


def test_png_is_filed_as_image(customer, salesperson, licence_category):
    doc = services.upload_document(
        by=salesperson,
        customer=customer,
        category=licence_category,
        uploaded_file=upload("营业执照.png", png_bytes()),
        title="营业执照照片",
        confidentiality=3,
    )
    assert doc.current_version.mime_type == "image/png"

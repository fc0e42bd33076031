"""Stored checksums and fixity results are covered by the audit chain; SM3 (GB/T 32905) as the
policy's checksum algorithm."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.documents import rules, sections, selectors
from xindang.documents.fixity import finding_rows, run_fixity_check
from xindang.documents.models import DocumentVersion, FixityFinding, FixityRun
from xindang.testing.samples import set_policy

needs_sm3 = pytest.mark.skipif("sm3" not in hashlib.algorithms_available, reason="OpenSSL without SM3")


def _verify():
    out = io.StringIO()
    try:
        call_command("verify_documents", "--orphan-grace-minutes=0", stdout=out)
    except CommandError:
        return 1, out.getvalue()
    return 0, out.getvalue()


def test_a_checksum_rewritten_in_the_database_with_the_file_is_found(
    customer, salesperson, file_document, media_root
):
    version = file_document(salesperson, customer).current_version
    # given: someone with SQL access replaces the file and rewrites its checksums and size to match
    forged = b"%PDF-1.4 forged"
    (media_root / version.storage_name).write_bytes(forged)
    digest = hashlib.sha256(forged).hexdigest()
    DocumentVersion.objects.filter(pk=version.pk).update(sha256=digest, checksum=digest, size=len(forged))
    # when
    code, out = _verify()
    # then the file agrees with the database, but the database no longer agrees with the audit trail
    assert code == 1 and "CHECKSUM_CHANGED" in out
    run = FixityRun.objects.get()
    assert (run.altered_count, run.missing_count, run.checksum_changed_count) == (0, 0, 1)
    finding = run.findings.get()
    assert finding.kind == FixityFinding.Kind.CHECKSUM_CHANGED and finding.version_id == version.pk
    assert finding.expected_sha256 == version.sha256 and finding.actual_sha256 == digest


def test_an_untouched_archive_has_no_checksum_findings(customer, salesperson, file_document):
    file_document(salesperson, customer)
    run = run_fixity_check(orphan_grace=timedelta(0))
    assert run.ok and run.checksum_changed_count == 0


def test_a_fixity_run_records_its_counts_and_findings_digest(
    customer, salesperson, file_document, media_root
):
    version = file_document(salesperson, customer).current_version
    (media_root / version.storage_name).unlink()
    run = run_fixity_check(orphan_grace=timedelta(0))
    event = AuditEvent.objects.get(action="document.fixity_check", object_id=str(run.pk))
    assert event.data["missing"] == 1 and event.data["checksum_changed"] == 0
    assert event.data["findings_digest"] == rules.findings_digest(finding_rows(run))
    assert selectors.fixity_run_recorded(run) is True
    # when the result is rewritten in the database, the run no longer matches its audit event
    FixityFinding.objects.filter(run=run).delete()
    FixityRun.objects.filter(pk=run.pk).update(missing_count=0)
    run.refresh_from_db()
    assert selectors.fixity_run_recorded(run) is False


def test_the_integrity_page_shows_changed_checksums_and_a_rewritten_run(
    client, customer, salesperson, archivist, file_document
):
    from .test_views import login

    version = file_document(salesperson, customer).current_version
    DocumentVersion.objects.filter(pk=version.pk).update(checksum="e" * 64)
    login(client, archivist)
    client.post(reverse("documents:fixity_run"))
    html = client.get(reverse("documents:fixity")).content.decode()
    assert 'data-kind="checksum_changed"' in html and 'data-testid="fixity-recorded"' in html
    FixityFinding.objects.filter(kind=FixityFinding.Kind.CHECKSUM_CHANGED).delete()
    FixityRun.objects.update(checksum_changed_count=0)
    html = client.get(reverse("documents:fixity")).content.decode()
    assert 'data-testid="fixity-rewritten"' in html


@needs_sm3
def test_an_upload_under_the_sm3_policy_records_and_checks_sm3(
    customer, salesperson, sysadmin, file_document, media_root
):
    set_policy(sysadmin, "documents", checksum_algorithm="sm3")
    version = file_document(salesperson, customer).current_version
    data = (media_root / version.storage_name).read_bytes()
    sm3 = hashlib.new("sm3", data).hexdigest()
    assert version.checksum_algorithm == "sm3" and version.checksum == sm3
    assert version.sha256 == hashlib.sha256(data).hexdigest()  # storage stays addressed by SHA-256
    upload_event = AuditEvent.objects.get(action="document.upload", object_id=str(version.document_id))
    assert upload_event.data["checksum_algorithm"] == "sm3" and upload_event.data["checksum"] == sm3
    assert _verify()[0] == 0
    # when only the stored SM3 value is changed, the file re-read under SM3 disagrees with it
    DocumentVersion.objects.filter(pk=version.pk).update(checksum="0" * 64)
    assert _verify()[0] == 1
    run = FixityRun.objects.order_by("-pk").first()
    altered = run.findings.get(kind=FixityFinding.Kind.ALTERED)
    assert altered.expected_sha256 == "0" * 64 and altered.actual_sha256 == sm3
    assert run.findings.filter(kind=FixityFinding.Kind.CHECKSUM_CHANGED).count() == 1


def test_the_policy_refuses_sm3_where_openssl_lacks_it(sysadmin, monkeypatch):
    monkeypatch.setattr(sections.hashlib, "algorithms_available", {"sha256", "md5"})
    with pytest.raises(DomainError) as exc:
        set_policy(sysadmin, "documents", checksum_algorithm="sm3")
    assert exc.value.code == "policy.invalid"
    assert "SM3" in str(exc.value.params.get("errors"))


@pytest.mark.parametrize(
    ("name", "available", "ok"),
    [
        ("sha256", set(), True),
        ("sm3", {"sm3", "sha256"}, True),
        ("sm3", {"sha256"}, False),  # OpenSSL built without SM3
        ("md5", {"md5"}, False),  # not a fixity algorithm we offer
    ],
)
def test_checksum_algorithm_available(name, available, ok):
    assert rules.checksum_algorithm_available(name, available) is ok


_STORED = {"sha256": "a" * 64, "checksum_algorithm": "sha256", "checksum": "a" * 64, "size": 3}


@pytest.mark.parametrize(
    ("recorded", "differs"),
    [
        (dict(_STORED), False),
        ({"sha256": "a" * 64, "size": 3}, False),  # events before SM3: the SHA-256 is the checksum
        (None, True),  # no event records the version: inserted behind the application's back
        ({**_STORED, "sha256": "b" * 64}, True),
        ({**_STORED, "checksum_algorithm": "sm3", "checksum": "c" * 64}, True),
        ({**_STORED, "checksum": "d" * 64}, True),
        ({**_STORED, "size": 4}, True),
    ],
)
def test_recorded_checksum_mismatch(recorded, differs):
    # seed 004 客户信息保护管理制度 第十三条: tracking keeps customer information complete and authentic
    assert (rules.recorded_checksum_mismatch(_STORED, recorded) is not None) is differs


def test_findings_digest_ignores_order_and_sees_changes():
    a = [("missing", 1, "x", "e", ""), ("altered", 2, "y", "e", "f")]
    assert rules.findings_digest(a) == rules.findings_digest(list(reversed(a)))
    assert rules.findings_digest(a) != rules.findings_digest(a[:1])

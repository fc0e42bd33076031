"""manage.py verify_documents: missing, altered and orphaned files are reported and recorded."""

import io
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import CommandError

from xindang.audit.models import AuditEvent
from xindang.documents.fixity import run_fixity_check
from xindang.documents.models import FixityFinding, FixityRun


def _verify():
    out = io.StringIO()
    try:
        call_command("verify_documents", "--orphan-grace-minutes=0", stdout=out)
    except CommandError as exc:
        return 1, out.getvalue(), exc
    return 0, out.getvalue(), None


def test_clean_archive_passes(customer, salesperson, file_document):
    file_document(salesperson, customer)
    file_document(salesperson, customer)
    code, out, _exc = _verify()
    assert code == 0 and "missing 0, altered 0, orphaned 0" in out
    run = FixityRun.objects.get()
    assert run.ok and run.versions_checked == 2 and run.bytes_checked > 0
    assert AuditEvent.objects.filter(action="document.fixity_check").exists()


def test_altered_missing_and_orphaned_files_are_reported(customer, salesperson, file_document, media_root):
    altered = file_document(salesperson, customer).current_version
    missing = file_document(salesperson, customer).current_version
    file_document(salesperson, customer)
    # given: one stored file changed on disk, one deleted, one stray file dropped in
    (media_root / altered.storage_name).write_bytes(b"%PDF-1.4 forged")
    (media_root / missing.storage_name).unlink()
    stray = media_root / "documents" / "ab" / ("ab" + "0" * 62)
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"left behind")
    # when
    code, out, exc = _verify()
    # then the command fails and names each finding
    assert code == 1 and exc.returncode == 1
    assert "ALTERED" in out and "MISSING" in out and "ORPHANED" in out
    run = FixityRun.objects.get()
    findings = {(f.kind, f.storage_name, f.version_id) for f in run.findings.all()}
    assert findings == {
        (FixityFinding.Kind.ALTERED, altered.storage_name, altered.pk),
        (FixityFinding.Kind.MISSING, missing.storage_name, missing.pk),
        (FixityFinding.Kind.ORPHANED, "documents/ab/" + stray.name, None),
    }
    assert (run.missing_count, run.altered_count, run.orphaned_count) == (1, 1, 1)
    finding = run.findings.get(kind=FixityFinding.Kind.ALTERED)
    assert finding.expected_sha256 == altered.sha256 and finding.actual_sha256 != altered.sha256


def test_runs_are_kept_as_history(customer, salesperson, file_document, media_root):
    doc = file_document(salesperson, customer)
    run_fixity_check(orphan_grace=timedelta(0))
    (media_root / doc.current_version.storage_name).unlink()
    run_fixity_check(orphan_grace=timedelta(0))
    first, second = FixityRun.objects.order_by("pk")
    assert first.ok and not second.ok and second.missing_count == 1


def test_recent_unreferenced_files_get_a_grace_period(media_root, db):
    fresh = media_root / "documents" / "cd" / ("cd" + "1" * 62)
    fresh.parent.mkdir(parents=True)
    fresh.write_bytes(b"upload in flight")
    run = run_fixity_check(orphan_grace=timedelta(minutes=10))
    assert run.orphaned_count == 0
    run = run_fixity_check(orphan_grace=timedelta(0))
    assert run.orphaned_count == 1


def test_a_file_shared_by_two_customers_is_read_once_and_reported_for_both(
    make_customer, salesperson, licence_category, media_root
):
    from xindang.documents import services
    from xindang.testing.samples import pdf_bytes, upload

    data = pdf_bytes("共享")
    versions = []
    for name in ("华夏科技有限公司", "长城贸易有限公司"):
        c = make_customer(salesperson, name=name)
        doc = services.upload_document(
            by=salesperson,
            customer=c,
            category=licence_category,
            uploaded_file=upload("x.pdf", data),
            title="x",
            confidentiality=3,
        )
        versions.append(doc.current_version)
    (media_root / versions[0].storage_name).write_bytes(b"x")
    run = run_fixity_check(orphan_grace=timedelta(0))
    assert run.altered_count == 2 and run.versions_checked == 2

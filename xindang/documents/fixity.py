"""Integrity (fixity) checks of the stored files: every version re-read and checksummed; files gone
(missing), changed (altered), files nobody refers to (orphaned) and stored checksums that differ from
the ones the audit trail recorded at upload (checksum_changed) recorded as findings of a run.
The runs and findings are kept: the history of checks is part of the archive."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from xindang.audit.models import AuditEvent
from xindang.audit.services import record_event

from . import rules, storage
from .models import DocumentVersion, FixityFinding, FixityRun

# A file written by an upload whose row is not committed yet looks orphaned for a moment.
DEFAULT_ORPHAN_GRACE = timedelta(minutes=10)


# The audit events that create versions; each records the version's checksums (services._version_event_data).
VERSION_EVENTS = ("document.upload", "document.version_added")


@dataclass
class _Check:
    result: tuple[str, str, int] | None  # sha256, checksum under the version's algorithm, size


def _recorded_versions() -> dict[tuple[str, int], dict]:
    """(document id, version number) → the checksums its creating audit event recorded."""
    recorded: dict[tuple[str, int], dict] = {}
    events = AuditEvent.objects.filter(action__in=VERSION_EVENTS, object_type="documents.document")
    for object_id, data in events.order_by("seq").values_list("object_id", "data").iterator(chunk_size=2000):
        if isinstance(data, dict) and "version" in data:
            keep = ("sha256", "checksum_algorithm", "checksum", "size")
            recorded.setdefault((object_id, data["version"]), {k: data[k] for k in keep if k in data})
    return recorded


def _read(name: str, algorithm: str) -> tuple[str, str, int] | None:
    try:
        return storage.stored_checksums(name, algorithm)
    except ValueError:  # this server's OpenSSL lacks the algorithm: checked as far as SHA-256 goes
        result = storage.stored_checksums(name, "sha256")
        return None if result is None else (result[0], "", result[2])


def run_fixity_check(
    *,
    by=None,
    trigger=FixityRun.Trigger.COMMAND,
    request=None,
    orphan_grace=DEFAULT_ORPHAN_GRACE,
    progress=None,
) -> FixityRun:
    """Check every stored version and look for orphans; record the run, its findings and an audit event.
    Each file is re-read against the version's stored checksums (altered, missing), and the stored
    checksums against those the audit event that created the version recorded (checksum_changed: the
    database was changed, whether or not the file was too). The run's audit event carries the counts and
    a digest of the findings, so a rewritten result is seen. The run row is written first, so a check
    that dies half-way is visible as unfinished."""
    run = FixityRun.objects.create(started_at=timezone.now(), started_by=by, trigger=trigger)
    recorded = _recorded_versions()
    findings: list[FixityFinding] = []
    checked: dict[tuple[str, str], _Check] = {}  # one read per stored file and algorithm
    names: set[str] = set()
    count = 0
    total_bytes = 0
    # A version whose content an approved disposal erased is not missing: it is gone on purpose.
    versions = (
        DocumentVersion.objects.filter(erased_at__isnull=True)
        .order_by("pk")
        .values_list(
            "pk", "document_id", "number", "storage_name", "sha256", "size", "checksum_algorithm", "checksum"
        )
    )
    for pk, document_id, number, name, sha256, size, algorithm, checksum in versions.iterator(
        chunk_size=1000
    ):
        checksum = checksum or sha256
        stored = {"sha256": sha256, "checksum_algorithm": algorithm, "checksum": checksum, "size": size}
        mismatch = rules.recorded_checksum_mismatch(stored, recorded.get((str(document_id), number)))
        if mismatch:
            event = recorded.get((str(document_id), number)) or {}
            findings.append(
                FixityFinding(
                    run=run,
                    kind=FixityFinding.Kind.CHECKSUM_CHANGED,
                    version_id=pk,
                    storage_name=name,
                    expected_sha256=(event.get("checksum") or event.get("sha256") or "")[:64],
                    actual_sha256=checksum[:64],
                    detail=mismatch[:255],
                )
            )
        check = checked.get((name, algorithm))
        if check is None:
            check = _Check(_read(name, algorithm))
            checked[(name, algorithm)] = check
            if check.result is not None and name not in names:
                total_bytes += check.result[2]
        names.add(name)
        count += 1
        if check.result is None:
            findings.append(
                FixityFinding(
                    run=run,
                    kind=FixityFinding.Kind.MISSING,
                    version_id=pk,
                    storage_name=name,
                    expected_sha256=checksum[:64],
                )
            )
        elif check.result != (sha256, check.result[1] and checksum, size):
            # the SHA-256 when it differs, else the checksum under the version's algorithm
            expected, actual = (
                (sha256, check.result[0]) if check.result[0] != sha256 else (checksum, check.result[1])
            )
            findings.append(
                FixityFinding(
                    run=run,
                    kind=FixityFinding.Kind.ALTERED,
                    version_id=pk,
                    storage_name=name,
                    expected_sha256=expected[:64],
                    actual_sha256=actual[:64],
                    detail=f"size {check.result[2]} (expected {size})"[:255],
                )
            )
        if progress and count % 500 == 0:
            progress(count)
    cutoff = timezone.now() - orphan_grace
    for name in storage.list_blobs():
        if (
            name in names
            or DocumentVersion.objects.filter(storage_name=name, erased_at__isnull=True).exists()
        ):
            continue
        if orphan_grace and _modified_after(name, cutoff):
            continue
        findings.append(FixityFinding(run=run, kind=FixityFinding.Kind.ORPHANED, storage_name=name[:255]))
    FixityFinding.objects.bulk_create(findings, batch_size=500)
    kinds = [f.kind for f in findings]
    run.versions_checked = count
    run.bytes_checked = total_bytes
    run.missing_count = kinds.count(FixityFinding.Kind.MISSING)
    run.altered_count = kinds.count(FixityFinding.Kind.ALTERED)
    run.orphaned_count = kinds.count(FixityFinding.Kind.ORPHANED)
    run.checksum_changed_count = kinds.count(FixityFinding.Kind.CHECKSUM_CHANGED)
    run.finished_at = timezone.now()
    run.save()
    record_event("document.fixity_check", actor=by, request=request, obj=run, data=run_summary(run))
    return run


def finding_rows(run: FixityRun):
    """The findings of a run as the tuples its digest covers."""
    return run.findings.values_list("kind", "version_id", "storage_name", "expected_sha256", "actual_sha256")


def run_summary(run: FixityRun) -> dict:
    """What a run's audit event records: its counts and the digest of its findings."""
    return {
        "trigger": run.trigger,
        "versions": run.versions_checked,
        "bytes": run.bytes_checked,
        "missing": run.missing_count,
        "altered": run.altered_count,
        "orphaned": run.orphaned_count,
        "checksum_changed": run.checksum_changed_count,
        "findings_digest": rules.findings_digest(finding_rows(run)),
    }


def _modified_after(name: str, cutoff) -> bool:
    try:
        modified = default_storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return False
    if timezone.is_naive(modified):
        modified = timezone.make_aware(modified)
    return modified > cutoff

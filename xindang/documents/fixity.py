"""Integrity (fixity) checks of the stored files: every version re-read and checksummed; files gone
(missing), changed (altered) and files nobody refers to (orphaned) recorded as findings of a run.
The runs and findings are kept: the history of checks is part of the archive."""

from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone

from xindang.audit.services import record_event

from . import storage
from .models import DocumentVersion, FixityFinding, FixityRun

# A file written by an upload whose row is not committed yet looks orphaned for a moment.
DEFAULT_ORPHAN_GRACE = timedelta(minutes=10)


@dataclass
class _Check:
    sha256: str
    size: int
    result: tuple[str, int] | None


def run_fixity_check(
    *,
    by=None,
    trigger=FixityRun.Trigger.COMMAND,
    request=None,
    orphan_grace=DEFAULT_ORPHAN_GRACE,
    progress=None,
) -> FixityRun:
    """Check every stored version and look for orphans; record the run, its findings and an audit event.
    The run row is written first, so a check that dies half-way is visible as unfinished."""
    run = FixityRun.objects.create(started_at=timezone.now(), started_by=by, trigger=trigger)
    findings: list[FixityFinding] = []
    checked: dict[str, _Check] = {}  # one read per stored file, however many versions share it
    count = 0
    total_bytes = 0
    versions = DocumentVersion.objects.order_by("pk").values_list("pk", "storage_name", "sha256", "size")
    for pk, name, sha256, size in versions.iterator(chunk_size=1000):
        check = checked.get(name)
        if check is None:
            check = _Check(sha256, size, storage.stored_checksum(name))
            checked[name] = check
            if check.result is not None:
                total_bytes += check.result[1]
        count += 1
        if check.result is None:
            findings.append(
                FixityFinding(
                    run=run,
                    kind=FixityFinding.Kind.MISSING,
                    version_id=pk,
                    storage_name=name,
                    expected_sha256=sha256,
                )
            )
        elif check.result != (sha256, size):
            findings.append(
                FixityFinding(
                    run=run,
                    kind=FixityFinding.Kind.ALTERED,
                    version_id=pk,
                    storage_name=name,
                    expected_sha256=sha256,
                    actual_sha256=check.result[0],
                    detail=f"size {check.result[1]} (expected {size})"[:255],
                )
            )
        if progress and count % 500 == 0:
            progress(count)
    cutoff = timezone.now() - orphan_grace
    for name in storage.list_blobs():
        if name in checked or DocumentVersion.objects.filter(storage_name=name).exists():
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
    run.finished_at = timezone.now()
    run.save()
    record_event(
        "document.fixity_check",
        actor=by,
        request=request,
        obj=run,
        data={
            "trigger": run.trigger,
            "versions": count,
            "bytes": total_bytes,
            "missing": run.missing_count,
            "altered": run.altered_count,
            "orphaned": run.orphaned_count,
        },
    )
    return run


def _modified_after(name: str, cutoff) -> bool:
    try:
        modified = default_storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return False
    if timezone.is_naive(modified):
        modified = timezone.make_aware(modified)
    return modified > cutoff

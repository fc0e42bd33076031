"""Progress of a running import, kept in the cache (shared by all worker processes) for the
progress bar."""

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ImportBatch

INTERRUPTED_AFTER = timedelta(minutes=15)  # "importing" with no progress for this long: the worker died


def _progress_key(batch: ImportBatch) -> str:
    return f"customers:import:{batch.token}"


def report_progress(batch: ImportBatch, phase: str, done: int = 0, total: int = 0) -> None:
    cache.set(_progress_key(batch), {"phase": phase, "done": done, "total": total}, timeout=3600)


def import_progress(batch: ImportBatch) -> dict:
    """{"status", "phase", "done", "total", "percent"} for the progress bar. A batch left "importing"
    without any progress for a long time was interrupted (the worker died): it is marked failed —
    its transaction never committed, so nothing was saved."""
    state = cache.get(_progress_key(batch)) or {}
    if (
        batch.status == ImportBatch.Status.IMPORTING
        and not state
        and batch.started_at
        and timezone.now() - batch.started_at > INTERRUPTED_AFTER
    ):
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.IMPORTING).update(
            status=ImportBatch.Status.FAILED,
            finished_at=timezone.now(),
            message=_("The import was interrupted; nothing was saved. Upload the file again."),
        )
        batch.refresh_from_db()
    busy = batch.status in (ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING)
    phase = state.get("phase", "waiting" if busy else batch.status)
    done, total = state.get("done", 0), state.get("total", 0)
    if batch.status == ImportBatch.Status.IMPORTED:
        percent = 100
    elif batch.status == ImportBatch.Status.CHECKING:
        percent = min(99, int(100 * done / total)) if total else 0  # the preview only checks
    elif total:
        # validating is the first half of the work, saving the second
        half = 50 if phase == "saving" else 0
        percent = min(99, half + int(50 * done / total))
    else:
        percent = 0
    return {"status": batch.status, "phase": phase, "done": done, "total": total, "percent": percent}

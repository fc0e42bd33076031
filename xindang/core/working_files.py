"""Working files follow a retention rule too: an import's uploaded spreadsheet is kept for the
policy's `working_file_days` after the upload (long enough to confirm it, look at its problems and
answer questions about it), then deleted from storage by `manage.py prune_working_files`. The import
record — file name, counts, row problems, result — and its audit events stay for good; an import
still waiting for its confirm can no longer be confirmed and says why.

Each app with such files registers its model in its AppConfig.ready() (customers' and the ledger's
imports, and the analyses' exported files with their own retention — `export_file_days`): the model
has `stored_name`, `created_at`, `status`, `message` and `finished_at`."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class WorkingFiles:
    model: type
    waiting: str  # the status of an import not yet confirmed: it fails when its file goes
    failed: str
    busy: tuple[str, ...] = ()  # statuses during which the file is being read: left alone
    days: Callable[[], int] | None = None  # the kind's own retention (a policy value); None: `days`


_KINDS: list[WorkingFiles] = []


def register_working_files(kind: WorkingFiles) -> None:
    if kind not in _KINDS:
        _KINDS.append(kind)


def prune_working_files(*, days: int, now=None) -> dict[str, list[int]]:
    """Delete the stored files of imports uploaded more than `days` ago (a kind with its own `days`:
    that many). Each record is updated in
        its own transaction and its file deleted after the commit, so a crash between the two leaves at
        worst a file no record points at, never a record pointing at no file. Returns the pruned ids by
        model label."""
    now = now or timezone.now()
    pruned: dict[str, list[int]] = {}
    for kind in _KINDS:
        model = kind.model
        kept = kind.days() if kind.days is not None else days
        cutoff = now - timedelta(days=kept)
        stale = model.objects.filter(created_at__lt=cutoff).exclude(stored_name="")
        stale = stale.exclude(status__in=kind.busy)
        for pk in list(stale.values_list("pk", flat=True)):
            with transaction.atomic():
                row = model.objects.select_for_update().get(pk=pk)
                if not row.stored_name or row.status in kind.busy:
                    continue
                name, row.stored_name = row.stored_name, ""
                fields = ["stored_name"]
                if row.status == kind.waiting:
                    row.status = kind.failed
                    row.message = _(
                        "The uploaded file was deleted %(days)s days after the upload; upload it again."
                    ) % {"days": kept}
                    row.finished_at = now
                    fields += ["status", "message", "finished_at"]
                row.save(update_fields=fields)
                transaction.on_commit(lambda name=name: default_storage.delete(name))
            pruned.setdefault(model._meta.label, []).append(pk if isinstance(pk, int) else str(pk))
    return pruned

"""Files written for a transaction that may still roll back.

A stored file is not part of the database transaction that records it: when that transaction (or
savepoint) rolls back, the row is gone but the file would stay behind as an orphan. guard_until_commit
removes it then — every upload (documents, approval attachments) calls it right after writing.
"""

import contextlib
import logging
import os
import weakref

from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction

logger = logging.getLogger(__name__)


def _deleter(storage, name):
    """A delete that does not depend on settings at the time it runs (tests swap MEDIA_ROOT)."""
    if isinstance(storage, FileSystemStorage):
        path = storage.path(name)

        def delete():
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)

        return delete
    return lambda: storage.delete(name)


def delete_file(name: str, storage=None) -> None:
    """Delete the stored file `name` now (no error when it is already gone)."""
    _deleter(storage or default_storage, name)()


def _discard(delete, name):
    try:
        delete()
        logger.info("removed %s: its transaction was rolled back", name)
    except Exception:  # pragma: no cover - a leftover is reported as orphaned by verify_documents
        logger.exception("could not remove %s after a rollback", name)


class _UntilCommit:
    """An on_commit callback whose only job is to be dropped: Django discards the callbacks of a
    rolled-back transaction or savepoint, and when this object is discarded without having run, its
    finalizer removes the file that was written for that transaction."""

    def __init__(self, delete, name):
        self._finalizer = weakref.finalize(self, _discard, delete, name)
        self._finalizer.atexit = False

    def __call__(self):
        self._finalizer.detach()  # committed: the file stays


def guard_until_commit(name: str, storage=None) -> None:
    """Delete the stored file `name` if the current transaction (or savepoint) rolls back."""
    storage = storage or default_storage
    transaction.on_commit(_UntilCommit(_deleter(storage, name), name))

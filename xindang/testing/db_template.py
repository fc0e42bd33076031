"""The SQLite test database made once per set of migrations, then copied.

Migrating an empty database through every app's migrations costs most of a minute of CPU (Django
renders the models' states once per operation), and every `make test` on SQLite did it again. The
first run with a given set of migrations keeps a copy of the database as migrated (a template, named
by a digest of every installed app's migration files, Django's version and SQLite's); the next ones
copy it and let `migrate` find nothing to apply. Anything that changes what the migrations build
changes the digest, so a stale template is never used.

Templates live in XINDANG_TEST_DB_TEMPLATES (default: VAR_DIR/test-db). CI points its SQLite suite
and its browser suite at one directory, so that the second copies what the first built.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import tempfile
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db.backends.sqlite3.creation import DatabaseCreation

KEEP = 3  # templates of other digests kept beside the current one (other branches' migrations)


def template_dir() -> Path:
    return Path(os.environ.get("XINDANG_TEST_DB_TEMPLATES") or Path(settings.VAR_DIR) / "test-db")


def migrations_digest() -> str:
    """Every installed app's migration files (name and content), Django's and SQLite's versions."""
    h = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version} {sys.version_info[:2]}".encode())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            h.update(f"{config.label}/{path.name}\0".encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:20]


def _copy(source: str | Path, target: str | Path) -> None:
    """A consistent copy of a live SQLite database (its write-ahead log included), by SQLite's backup."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _remove(name: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(name + suffix).unlink(missing_ok=True)


def _keep(path: Path, name: str) -> None:
    """Save the freshly migrated `name` as template `path`: written aside, then renamed into place, so
    that a concurrent run sees the whole file or none; older templates beyond KEEP are removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".template-", suffix=".sqlite3", dir=path.parent)
    os.close(fd)
    try:
        _copy(name, tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    others = sorted(
        (p for p in path.parent.glob("*.sqlite3") if p != path), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for old in others[KEEP:]:
        old.unlink(missing_ok=True)


_create_test_db = DatabaseCreation.create_test_db


def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
    """DatabaseCreation.create_test_db for a file database: from the template when there is one."""
    name = self._get_test_db_name()
    if keepdb or self.is_in_memory_db(name):
        return _create_test_db(self, verbosity, autoclobber, serialize, keepdb)
    template = template_dir() / f"{migrations_digest()}.sqlite3"
    if template.exists():
        _remove(name)
        _copy(template, name)
        # As a kept database: migrate finds every migration applied and adds nothing.
        return _create_test_db(self, verbosity, autoclobber, serialize, keepdb=True)
    created = _create_test_db(self, verbosity, autoclobber, serialize, keepdb)
    self.connection.close()  # the file as migrated, nothing of the connection's pending
    _keep(template, created)
    return created


def install() -> None:
    """Make SQLite test databases from templates (the root conftest calls it once)."""
    DatabaseCreation.create_test_db = create_test_db

"""Backup and restore of a whole installation (seed 004 客户信息保护管理制度: 定期对客户信息进行备份).

A backup is a folder:
- `database.exactjson.gz`: every table but the caches Django rebuilds itself (content types, permissions,
  sessions), read in ONE read-only transaction that sees one snapshot (REPEATABLE READ on PostgreSQL
  and MariaDB; SQLite holds its lock for the read), serialised by Django with the primary keys kept
  (the audit chain hashes them) and content types by name, so it restores into any of the three
  engines — also from SQLite into PostgreSQL when a company grows;
- `files/…`: every file of the document store (local disk or S3-compatible), copied after the
  snapshot (stored files are content-addressed and never rewritten, so all the snapshot names exist);
- `manifest.json`: when, from which engine and schema (the last migration of each app), the row
  count of every table, and the SHA-256 and size of the dump and of every file.

verify_backup() re-reads a backup against its manifest; restore_backup() loads one into an empty
instance (migrated to the same schema) in one transaction, puts the files back and compares every
row count. The commands then verify the audit chain and the documents' checksums.
"""

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.cache import cache
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from django.utils import timezone

FORMAT = 1
DUMP = "database.exactjson.gz"  # core.serializers: datetimes to the microsecond
MANIFEST = "manifest.json"
FILES = "files"
CHUNK = 1024 * 1024
# Rebuilt by `migrate` on the target (and bound to its ids), or worthless after a restore.
SKIPPED_MODELS = {"contenttypes.contenttype", "auth.permission", "sessions.session"}


class BackupError(Exception):
    """A backup cannot be written, read or restored; the message says why (for the command line)."""


@dataclass
class Manifest:
    created_at: str
    engine: str
    schema: dict[str, str]  # app label → its last applied migration
    counts: dict[str, int]  # model label → rows
    dump: dict  # {"name", "sha256", "size"}
    files: list[dict] = field(default_factory=list)  # [{"name", "sha256", "size"}]
    format: int = FORMAT

    def as_dict(self) -> dict:
        return {
            "format": self.format,
            "created_at": self.created_at,
            "engine": self.engine,
            "schema": self.schema,
            "counts": self.counts,
            "dump": self.dump,
            "files": self.files,
        }


def _digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def backed_up_models() -> list:
    return [
        model
        for model in apps.get_models()
        if model._meta.label_lower not in SKIPPED_MODELS and not model._meta.proxy and model._meta.managed
    ]


def schema_state() -> dict[str, str]:
    """The last applied migration of every app: a backup restores only into the same schema."""
    state: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        state[app] = max(state.get(app, ""), name)
    return dict(sorted(state.items()))


def _snapshot():
    """Start a read-only transaction that sees one snapshot of the whole database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    elif connection.vendor == "mysql":
        with connection.cursor() as cursor:
            # Django has opened the transaction lazily (autocommit off): this applies to it.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _storage_files(storage, folder: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a local store nothing was ever written to
        return
    for name in sorted(files):
        yield str(PurePosixPath(folder, name)) if folder else name
    for directory in sorted(directories):
        yield from _storage_files(storage, str(PurePosixPath(folder, directory)) if folder else directory)


def create_backup(target: Path, *, storage=None) -> Manifest:
    """Write a backup into the folder `target` (created; it must not exist or be empty)."""
    storage = storage or default_storage
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a new folder")
    target.mkdir(parents=True, exist_ok=True)
    dump = target / DUMP
    labels = [model._meta.label for model in backed_up_models()]
    with transaction.atomic():
        _snapshot()
        counts = {model._meta.label_lower: model._default_manager.count() for model in backed_up_models()}
        schema = schema_state()
        call_command(
            "dumpdata",
            *labels,
            format="exactjson",
            natural_foreign=True,  # content types and permissions by name: their ids are the target's
            output=str(dump),
            verbosity=0,
        )
    sha256, size = _digest(dump)
    manifest = Manifest(
        created_at=timezone.now().isoformat(timespec="seconds"),
        engine=connection.vendor,
        schema=schema,
        counts=counts,
        dump={"name": DUMP, "sha256": sha256, "size": size},
    )
    for name in _storage_files(storage):
        destination = target / FILES / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, open(destination, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
        sha256, size = _digest(destination)
        manifest.files.append({"name": name, "sha256": sha256, "size": size})
    (target / MANIFEST).write_text(
        json.dumps(manifest.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


def read_manifest(source: Path) -> Manifest:
    path = Path(source) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise BackupError(f"{path}: unknown backup format {data.get('format')!r}")
        return Manifest(**{key: data[key] for key in Manifest.__dataclass_fields__})
    except FileNotFoundError as exc:
        raise BackupError(f"{path} is missing: not a backup folder") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{path} is damaged: {exc}") from exc


def verify_backup(source: Path) -> list[str]:
    """Re-read every file of a backup against its manifest; the problems found (empty: intact)."""
    source = Path(source)
    manifest = read_manifest(source)
    problems = []
    expected = [
        (manifest.dump["name"], manifest.dump),
        *((FILES + "/" + f["name"], f) for f in manifest.files),
    ]
    for name, entry in expected:
        path = source / name
        if not path.is_file():
            problems.append(f"{name}: missing")
            continue
        if _digest(path) != (entry["sha256"], entry["size"]):
            problems.append(f"{name}: altered (checksum differs from the manifest)")
    listed = {FILES + "/" + f["name"] for f in manifest.files}
    folder = source / FILES
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = path.relative_to(source).as_posix()
            if name not in listed:
                problems.append(f"{name}: not in the manifest")
    return problems


def _is_empty_instance() -> bool:
    """Migrated, with no user and no audit event yet (what a fresh `migrate` leaves)."""
    user_model = apps.get_model("accounts", "User")
    audit_model = apps.get_model("audit", "AuditEvent")
    return not user_model.objects.exists() and not audit_model.objects.exists()


@dataclass(frozen=True)
class Restored:
    rows: int
    files: int


def restore_backup(source: Path, *, storage=None) -> Restored:
    """Load a verified backup into this (empty, migrated) instance: all rows in one transaction,
    then the files. Refused, with nothing changed, when the backup is damaged, the instance holds
    data, or the schema differs."""
    storage = storage or default_storage
    source = Path(source)
    problems = verify_backup(source)
    if problems:
        raise BackupError("the backup does not match its manifest: " + "; ".join(problems[:5]))
    manifest = read_manifest(source)
    if manifest.schema != schema_state():
        differ = sorted(
            app
            for app in set(manifest.schema) | set(schema_state())
            if manifest.schema.get(app) != schema_state().get(app)
        )
        raise BackupError(
            "the backup's schema differs from this instance's (apps: "
            + ", ".join(differ)
            + "): install the version that wrote it, restore, then upgrade"
        )
    if not _is_empty_instance():
        raise BackupError("this instance already holds users or audit events: restore into an empty one")
    # The history tables are restored as they were: loading must not write history of its own (the
    # many-to-many signals of django-simple-history ignore loaddata's `raw`), hence its switch.
    with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
        call_command("loaddata", str(source / DUMP), verbosity=0)
        counts = {model._meta.label_lower: model._default_manager.count() for model in backed_up_models()}
        differences = {
            label: (count, counts.get(label, 0))
            for label, count in manifest.counts.items()
            if counts.get(label, 0) != count
        }
        if differences:
            raise BackupError(f"row counts differ after loading (backup, restored): {differences}")
    # What the pages keep in the shared cache (sessions, the policy in force, users' permissions)
    # described the empty instance: none of it holds for the restored rows.
    cache.clear()
    for entry in manifest.files:
        name = entry["name"]
        if storage.exists(name):
            continue  # content-addressed: the same name holds the same bytes
        with open(source / FILES / name, "rb") as fh:
            stored = storage.save(name, File(fh, name=name))
        if stored != name:
            raise BackupError(f"{name} was stored as {stored}")
    return Restored(rows=sum(manifest.counts.values()), files=len(manifest.files))

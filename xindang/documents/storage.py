"""Content-addressed storage of document files through Django's default storage (local disk outside the
web root, or S3-compatible object storage — settings.STORAGES["default"]).

A file is stored once under documents/<sha256[:2]>/<sha256>, never under the user's name; it is
checksummed while streaming and re-read after writing. A file written for a transaction that is then
rolled back is deleted again (core.files.guard_until_commit), so a failed upload leaves no orphan behind.
"""

import errno
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files import File
from django.core.files.storage import default_storage

from xindang.core.files import delete_file

logger = logging.getLogger(__name__)

PREFIX = "documents"
CHUNK = 1024 * 1024


def blob_name(sha256: str) -> str:
    return f"{PREFIX}/{sha256[:2]}/{sha256}"


def hash_stream(fileobj, chunk_size: int = CHUNK) -> tuple[str, int]:
    """SHA-256 and size of a file object, read in chunks from its start."""
    sha256, _extra, size = hash_stream_with(fileobj, "sha256", chunk_size)
    return sha256, size


def hash_stream_with(fileobj, algorithm: str, chunk_size: int = CHUNK) -> tuple[str, str, int]:
    """SHA-256, the checksum under `algorithm` (sha256 or sm3, the policy's fixity algorithm) and size,
    in one read. Raises ValueError when this Python's OpenSSL lacks the algorithm."""
    digest = hashlib.sha256()
    extra = None if algorithm == "sha256" else hashlib.new(algorithm)
    size = 0
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    while True:
        chunk = fileobj.read(chunk_size)
        if not chunk:
            break
        digest.update(chunk)
        if extra is not None:
            extra.update(chunk)
        size += len(chunk)
    sha256 = digest.hexdigest()
    return sha256, (sha256 if extra is None else extra.hexdigest()), size


def stored_checksum(name: str, storage=None) -> tuple[str, int] | None:
    """SHA-256 and size of a stored file, re-read from storage; None when it is not there."""
    storage = storage or default_storage
    try:
        with storage.open(name, "rb") as fh:
            return hash_stream(fh)
    except (FileNotFoundError, OSError):
        return None
    except Exception as exc:  # S3 answers a missing key with botocore's ClientError
        if exc.__class__.__name__ in {"ClientError", "NoSuchKey"}:
            return None
        raise


def stored_checksums(name: str, algorithm: str, storage=None) -> tuple[str, str, int] | None:
    """SHA-256, the `algorithm` checksum and size of a stored file; None when it is not there."""
    storage = storage or default_storage
    try:
        with storage.open(name, "rb") as fh:
            return hash_stream_with(fh, algorithm)
    except (FileNotFoundError, OSError):
        return None
    except Exception as exc:  # S3 answers a missing key with botocore's ClientError
        if exc.__class__.__name__ in {"ClientError", "NoSuchKey"}:
            return None
        raise


def read_blob(name: str, storage=None) -> bytes | None:
    storage = storage or default_storage
    try:
        with storage.open(name, "rb") as fh:
            return fh.read()
    except (FileNotFoundError, OSError):
        return None
    except Exception as exc:
        if exc.__class__.__name__ in {"ClientError", "NoSuchKey"}:
            return None
        raise


def open_blob(name: str, storage=None):
    return (storage or default_storage).open(name, "rb")


def iter_chunks(name: str, storage=None, chunk_size: int = CHUNK) -> Iterator[bytes]:
    storage = storage or default_storage
    with storage.open(name, "rb") as fh:
        while True:
            chunk = fh.read(chunk_size)
            if not chunk:
                return
            yield chunk


class BlobError(Exception):
    pass


class StorageFull(BlobError):
    """The storage has no room left (ENOSPC, or the quota: EDQUOT); nothing of the file was kept."""


def _remove_partial(storage, name: str, sha256: str, size: int) -> None:
    """After a failed write: remove what it left under `name` (unless that is a whole, verified copy)
    and under the alternative names FileSystemStorage picks when `name` is taken (<sha256>_<random>,
    never kept: store_blob deletes them)."""
    try:
        if storage.exists(name) and stored_checksum(name, storage) != (sha256, size):
            storage.delete(name)
        folder = name.rsplit("/", 1)[0]
        _dirs, files = storage.listdir(folder)
        for f in files:
            if f.startswith(sha256 + "_"):
                storage.delete(f"{folder}/{f}")
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError:
        logger.exception("removing what a failed write left under %s failed", name)


@dataclass(frozen=True)
class StoredBlob:
    name: str
    created: bool  # written by this upload (not there before)


def store_blob(fileobj, sha256: str, size: int, storage=None) -> StoredBlob:
    """Write the content under its checksum and verify it by re-reading. The same content is stored
        once: when the object exists and is intact it is reused; an altered object is rewritten from the
        good content. Raises BlobError (after removing what it wrote) when the stored bytes do not verify,
    StorageFull (a BlobError, after removing the part written) when the storage ran out of room."""
    storage = storage or default_storage
    name = blob_name(sha256)
    existing = stored_checksum(name, storage) if storage.exists(name) else None
    if existing == (sha256, size):
        return StoredBlob(name, created=False)
    if existing is not None:
        logger.warning("stored file %s did not match its checksum; rewriting it from a new upload", name)
        storage.delete(name)
    fileobj.seek(0)
    # A plain File wrapper: FileSystemStorage would otherwise *move* a temporary upload into place.
    try:
        saved = storage.save(name, File(getattr(fileobj, "file", fileobj), name=sha256))
    except OSError as exc:
        # A disk that filled up mid-write leaves the part written so far behind: remove it.
        _remove_partial(storage, name, sha256, size)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull(name) from exc
        raise
    created = True
    if saved != name:  # someone stored the same content meanwhile; keep theirs
        storage.delete(saved)
        created = False
    if stored_checksum(name, storage) != (sha256, size):
        if created:
            storage.delete(name)
        raise BlobError(f"{name} did not verify after writing")
    return StoredBlob(name, created=created)


def delete_blob(name: str, storage=None) -> None:
    delete_file(name, storage)


def list_blobs(storage=None) -> Iterator[str]:
    """Every stored name under documents/ (for the orphan check)."""
    storage = storage or default_storage
    stack = [PREFIX]
    while stack:
        folder = stack.pop()
        try:
            dirs, files = storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for f in files:
            yield f"{folder}/{f}"
        stack.extend(f"{folder}/{d}" for d in dirs)

"""The four-property check (DA/T 70-2018) of a customer file being handed over: the facts about each
document gathered from storage, the audit trail and the file's completeness, judged by
rules.four_property_check."""

import zipfile
from io import BytesIO

from xindang.audit.models import AuditEvent
from xindang.audit.rules import event_hash
from xindang.audit.services import chain_keys, hashed_fields
from xindang.documents import content, storage
from xindang.documents import rules as document_rules
from xindang.documents.fixity import VERSION_EVENTS
from xindang.documents.models import Document
from xindang.documents.selectors import completeness

from . import rules

# Read whole files up to this size for the content checks; larger ones are checked by their head.
MAX_SCAN_BYTES = 50 * 1024 * 1024


def _recorded(documents) -> dict[tuple[str, int], dict]:
    """(document id, version) → the checksums the creating audit event recorded (documents.fixity)."""
    ids = [str(d.pk) for d in documents]
    recorded: dict[tuple[str, int], dict] = {}
    events = AuditEvent.objects.filter(
        action__in=VERSION_EVENTS, object_type="documents.document", object_id__in=ids
    ).order_by("seq")
    for object_id, data in events.values_list("object_id", "data"):
        if isinstance(data, dict) and "version" in data:
            keep = ("sha256", "checksum_algorithm", "checksum", "size")
            recorded.setdefault((object_id, data["version"]), {k: data[k] for k in keep if k in data})
    return recorded


def trail_intact(documents) -> bool:
    """Whether the audit trail of these documents holds: every event about them still matches its
    own keyed hash (HMAC with a key kept outside the database: a row changed by SQL no longer
    matches) and is still the link the next event points back to (a row replaced is seen). This is
    the audit chain as far as it concerns what is handed over; `manage.py verify_audit` walks the
    whole chain."""
    ids = [str(d.pk) for d in documents]
    if not ids:
        return True
    keys = chain_keys()
    events = list(
        AuditEvent.objects.filter(object_type="documents.document", object_id__in=ids).order_by("seq")
    )
    following = dict(
        AuditEvent.objects.filter(seq__in=[e.seq + 1 for e in events]).values_list("seq", "prev_hash")
    )
    for event in events:
        key = keys.get(event.key_id) if event.key_id else None
        if event.key_id and key is None:
            return False
        if event_hash(hashed_fields(event), event.prev_hash, key) != event.hash:
            return False
        if event.seq + 1 in following and following[event.seq + 1] != event.hash:
            return False
    return True


def _metadata_missing(doc: Document) -> tuple[str, ...]:
    values = {
        "title": doc.title.strip(),
        "category": doc.category_id,
        "retention_class": doc.retention_class,
        "filed_by": doc.filed_by_id,
        "filed_at": doc.filed_at,
    }
    return tuple(name for name in rules.REQUIRED_METADATA if not values[name])


def _content_facts(name: str, size: int) -> dict:
    """Open the stored copy: what it is (from its bytes), whether it opens, whether it carries anything
    that runs. None-safe: a copy that cannot be read gives stored=None."""
    from django.core.files.storage import default_storage

    try:
        with default_storage.open(name, "rb") as fh:
            data = fh.read(MAX_SCAN_BYTES if size > MAX_SCAN_BYTES else size + 1)
    except (FileNotFoundError, OSError):
        return {"stored": None}
    buf = BytesIO(data)
    detected = content.sniff(data[: content.HEAD_BYTES], buf)
    facts = {"detected_type": detected, "executable": detected == document_rules.EXECUTABLE}
    if detected == "application/pdf":
        facts["active_content"] = rules.pdf_has_active_content(data)
        facts["appended_data"] = not content.pdf_is_whole(BytesIO(data))
        facts["opens"] = _pdf_opens(data)
    elif zipfile.is_zipfile(BytesIO(data)):
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                facts["active_content"] = rules.zip_has_macros(archive.namelist())
                facts["opens"] = archive.testzip() is None
        except (zipfile.BadZipFile, OSError, ValueError):
            facts["opens"] = False
    elif detected.startswith("image/"):
        facts["opens"] = _image_opens(data)
    else:
        facts["opens"] = detected != document_rules.OCTET
    return facts


def _pdf_opens(data: bytes) -> bool:
    from pypdf import PdfReader

    try:
        return len(PdfReader(BytesIO(data)).pages) > 0
    except Exception:
        return False


def _image_opens(data: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(BytesIO(data)) as image:
            image.verify()
        return True
    except Exception:
        return False


def document_facts(documents) -> list[rules.DocumentFacts]:
    documents = list(documents)
    recorded = _recorded(documents)
    facts = []
    for doc in documents:
        version = doc.current_version
        base = {
            "document_id": doc.pk,
            "title": doc.title,
            "electronic_only": doc.electronic_only,
            "metadata_missing": _metadata_missing(doc),
        }
        if version is None:
            facts.append(rules.DocumentFacts(**base))
            continue
        checksum = version.checksum or version.sha256
        stored = {
            "sha256": version.sha256,
            "checksum_algorithm": version.checksum_algorithm,
            "checksum": checksum,
            "size": version.size,
        }
        mismatch = document_rules.recorded_checksum_mismatch(
            stored, recorded.get((str(doc.pk), version.number))
        )
        try:
            reread = storage.stored_checksums(version.storage_name, version.checksum_algorithm)
        except ValueError:  # the server's OpenSSL lacks SM3: checked as far as SHA-256 goes
            reread = storage.stored_checksums(version.storage_name, "sha256")
            reread = None if reread is None else (reread[0], checksum, reread[2])
        if reread is None:
            facts.append(
                rules.DocumentFacts(**base, has_version=True, stored=None, recorded_problem=mismatch)
            )
            continue
        found = _content_facts(version.storage_name, version.size)
        stored_ok = (
            None if found.pop("stored", True) is None else reread == (version.sha256, checksum, version.size)
        )
        facts.append(
            rules.DocumentFacts(
                **base,
                has_version=True,
                stored=stored_ok,
                recorded_problem=mismatch,
                recorded_type=version.mime_type,
                **found,
            )
        )
    return facts


def check_file(
    customer, *, missing_ids=(), policy=None
) -> tuple[rules.CheckResult, list[Document], list[Document]]:
    """Check the documents of `customer` that are handed over (all but `missing_ids`). Returns the
    result, the documents handed over and those named missing."""
    docs = list(
        Document.objects.filter(customer=customer)
        .select_related("current_version", "category")
        .order_by("category__sort_order", "pk")
    )
    missing_ids = set(missing_ids)
    handed = [d for d in docs if d.pk not in missing_ids]
    missing = [d for d in docs if d.pk in missing_ids]
    complete = completeness(customer, policy=policy)
    required_missing = [getattr(c, "code", c) for c in complete["missing"]]
    result = rules.four_property_check(
        document_facts(handed),
        missing_categories=required_missing,
        not_handed_over=[d.title for d in missing],
        chain_ok=trail_intact(handed),
    )
    return result, handed, missing

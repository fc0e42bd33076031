"""Every write to documents: filing a document, adding a version, editing metadata, starting retention
clocks. Each is atomic and audited; a refused or failed upload leaves neither a row nor a stored file.

For other apps (contracts…): upload_document(), add_version(), and selectors.visible_documents() /
selectors.can_read(). They work for every category, the contract group included.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.core.files import guard_until_commit
from xindang.customers.models import Customer
from xindang.customers.selectors import can_see_customer

from . import content, rules, selectors, storage
from .errors import DocumentError
from .grants import may_release_original, may_use, read_context
from .models import Document, DocumentCategory, DocumentVersion
from .watermark import WatermarkError, watermark

logger = logging.getLogger(__name__)

METADATA_FIELDS = (
    "concerns_period",
    "concerns_on",
    "issuer",
    "number",
    "valid_from",
    "valid_until",
    "location",
    "electronic_only",
    "notes",
    "clock_started_on",
)
EDITABLE_FIELDS = ("title", "category", "confidentiality", "retention_class", *METADATA_FIELDS)


@dataclass(frozen=True)
class IncomingFile:
    name: str
    size: int
    mime_type: str
    sha256: str
    checksum_algorithm: str = "sha256"
    checksum: str = ""


def inspect_upload(uploaded_file, *, policy=None) -> IncomingFile:
    """Check a file before anything is stored: name, size (not empty, within the policy's limit), type
    from the content (no programs, no unknown binary, extension agrees), SHA-256 (streamed)."""
    policy = policy or selectors.current_policy()
    try:
        name = rules.clean_file_name(getattr(uploaded_file, "name", "") or "")
    except rules.BadFileName:
        raise DomainError(DocumentError.BAD_FILE_NAME, field="file") from None
    size = getattr(uploaded_file, "size", None)
    if size is None:
        _sha, size = storage.hash_stream(uploaded_file)
    if size == 0:
        raise DomainError(DocumentError.EMPTY_FILE, field="file")
    limit_mb = policy.core.upload_limit_mb
    if size > limit_mb * 1024 * 1024:
        raise DomainError(DocumentError.TOO_LARGE, field="file", limit=limit_mb)
    uploaded_file.seek(0)
    head = uploaded_file.read(content.HEAD_BYTES)
    detected = content.sniff(head, uploaded_file)
    decision = rules.content_decision(detected, name, policy.documents.allowed_mime_types)
    if decision.error == "executable":
        raise DomainError(DocumentError.EXECUTABLE, field="file")
    if detected == "application/pdf" and not content.pdf_is_whole(uploaded_file):
        raise DomainError(DocumentError.PDF_NOT_WHOLE, field="file")
    if decision.error == "unknown":
        raise DomainError(DocumentError.UNKNOWN_TYPE, field="file")
    if decision.error == "mismatch":
        raise DomainError(
            DocumentError.EXTENSION_MISMATCH, field="file", ext=rules.extension(name), mime=decision.mime_type
        )
    if decision.error == "not_allowed":
        raise DomainError(DocumentError.TYPE_NOT_ALLOWED, field="file", mime=decision.mime_type)
    algorithm = policy.documents.checksum_algorithm
    sha256, checksum, streamed = storage.hash_stream_with(uploaded_file, algorithm)
    if streamed != size:  # the upload changed under us, or its size was a lie
        raise DomainError(DocumentError.STORAGE_FAILED, field="file")
    return IncomingFile(
        name=name,
        size=size,
        mime_type=decision.mime_type,
        sha256=sha256,
        checksum_algorithm=algorithm,
        checksum=checksum,
    )


def _duplicate_error(by, customer: Customer, sha256: str) -> DomainError | None:
    dup = selectors.find_duplicate(customer, sha256)
    if dup is None:
        return None
    doc = dup.document
    where = f"{doc.title} v{dup.number}" if selectors.can_read(by, doc) else f"#{doc.pk}"
    return DomainError(
        DocumentError.DUPLICATE, field="file", where=where, document_id=doc.pk, version_id=dup.pk
    )


def _store(by, customer: Customer, uploaded_file, incoming: IncomingFile) -> storage.StoredBlob:
    dup = _duplicate_error(by, customer, incoming.sha256)
    if dup:
        raise dup
    try:
        return storage.store_blob(uploaded_file, incoming.sha256, incoming.size)
    except storage.StorageFull as exc:
        logger.error("the document storage is full: an upload of %s bytes was refused", incoming.size)
        raise DomainError(DocumentError.STORAGE_FULL, field="file") from exc
    except Exception as exc:
        logger.exception("storing an upload failed")
        raise DomainError(DocumentError.STORAGE_FAILED, field="file") from exc


def _after_store(blob: storage.StoredBlob, uploaded_file, incoming: IncomingFile) -> None:
    """Inside the transaction: a file written by this upload goes again if the transaction rolls back;
    a reused one is checked once more after commit (a rolled-back upload elsewhere may have removed it)."""
    if blob.created:
        guard_until_commit(blob.name)
    else:

        def ensure_still_there():
            try:
                if storage.stored_checksum(blob.name) != (incoming.sha256, incoming.size):
                    storage.store_blob(uploaded_file, incoming.sha256, incoming.size)
            except Exception:
                logger.exception(
                    "re-storing %s after commit failed; verify_documents will report it", blob.name
                )

        transaction.on_commit(ensure_still_there, robust=True)


def _check_metadata(*, title, confidentiality, retention_class, metadata, policy) -> None:
    unknown = set(metadata) - set(METADATA_FIELDS)
    if unknown:
        raise TypeError(f"unknown document fields: {sorted(unknown)}")
    if not (title or "").strip():
        raise DomainError(DocumentError.TITLE_REQUIRED, field="title")
    if confidentiality not in rules.LEVELS:
        raise DomainError(DocumentError.INVALID_LEVEL, field="confidentiality")
    if not rules.validity_ok(metadata.get("valid_from"), metadata.get("valid_until")):
        raise DomainError(DocumentError.INVALID_DATES, field="valid_until")
    if policy.documents.retention_class(retention_class) is None:
        raise DomainError(DocumentError.UNKNOWN_RETENTION, field="retention_class", name=retention_class)


def default_retention_class(category: DocumentCategory, *, policy=None) -> str:
    """The category's class if the schedule has it, else the policy's default for the group, else
    permanent (never dispose of what nobody classified)."""
    docs_policy = selectors.documents_policy(policy)
    codes = [c.code for c in docs_policy.retention_classes()]
    for code in (
        category.default_retention,
        docs_policy.group_default_class.get(category.group),
        "permanent",
    ):
        if code and code in codes:
            return code
    return codes[0]


def _version_event_data(version: DocumentVersion) -> dict:
    return {
        "version": version.number,
        "sha256": version.sha256,
        "checksum_algorithm": version.checksum_algorithm,
        "checksum": version.fixity_checksum,
        "size": version.size,
        "mime_type": version.mime_type,
        "file_name": version.original_name,
    }


def upload_document(
    *,
    by,
    customer: Customer,
    category: DocumentCategory,
    uploaded_file,
    title: str,
    confidentiality: int,
    retention_class: str | None = None,
    request=None,
    **metadata,
) -> Document:
    """File a new document with its first version into `customer`'s file.

    Guarantees: `by` sees the file; the content is an allowed type (checked from its bytes), within the
    size limit, not already in this customer's file (same SHA-256 → DomainError document.duplicate);
    the stored copy verifies; document, version and audit event commit together, and the stored file
    is removed again if anything fails or the caller's transaction rolls back.
    metadata: concerns_period, concerns_on, issuer, number, valid_from, valid_until, location,
    electronic_only, notes, clock_started_on. Caller checks the capability (documents.add_document).
    """
    policy = selectors.current_policy()
    if not can_see_customer(by, customer):
        raise DomainError(DocumentError.NOT_ALLOWED)
    if not category.is_active:
        raise DomainError(DocumentError.CATEGORY_INACTIVE, field="category")
    retention_class = retention_class or default_retention_class(category, policy=policy)
    confidentiality = int(confidentiality) if str(confidentiality).isdigit() else confidentiality
    _check_metadata(
        title=title,
        confidentiality=confidentiality,
        retention_class=retention_class,
        metadata=metadata,
        policy=policy,
    )
    incoming = inspect_upload(uploaded_file, policy=policy)
    blob = _store(by, customer, uploaded_file, incoming)
    try:
        with transaction.atomic():
            _after_store(blob, uploaded_file, incoming)
            Customer.objects.select_for_update().filter(pk=customer.pk).first()  # serialise dedupe per file
            dup = _duplicate_error(by, customer, incoming.sha256)
            if dup:
                raise dup
            now = timezone.now()
            document = Document(
                customer=customer,
                category=category,
                title=title.strip(),
                confidentiality=confidentiality,
                retention_class=retention_class,
                filed_by=by,
                filed_at=now,
                **{k: ("" if v is None and k in _TEXT_FIELDS else v) for k, v in metadata.items()},
            )
            # Field validation only: the rules above decided the constraints, the database enforces them.
            document.full_clean(exclude=["current_version"], validate_constraints=False)
            document.save()
            version = _create_version(by, document, incoming, blob, now)
            record_event(
                "document.upload",
                actor=by,
                request=request,
                obj=document,
                data={
                    "customer_id": customer.pk,
                    "category": category.code,
                    "confidentiality": confidentiality,
                    "retention_class": retention_class,
                    **_version_event_data(version),
                },
            )
    except ValidationError as exc:
        raise _domain_from_validation(exc) from exc
    return document


_TEXT_FIELDS = {"concerns_period", "issuer", "number", "location", "notes"}


def _domain_from_validation(exc) -> DomainError:
    fields = getattr(exc, "message_dict", {}) or {}
    if "valid_until" in fields or any("valid_until" in str(m) for m in fields.get("__all__", [])):
        return DomainError(DocumentError.INVALID_DATES, field="valid_until")
    field = next(iter(fields), None)
    detail = "; ".join(str(m) for msgs in fields.values() for m in msgs) or str(exc)
    return DomainError(DocumentError.INVALID, field=field if field != "__all__" else None, detail=detail)


def _create_version(by, document: Document, incoming: IncomingFile, blob, now) -> DocumentVersion:
    number = document.version_count + 1
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        storage_name=blob.name,
        size=incoming.size,
        mime_type=incoming.mime_type,
        sha256=incoming.sha256,
        checksum_algorithm=incoming.checksum_algorithm,
        checksum=incoming.checksum or incoming.sha256,
        original_name=incoming.name,
        uploaded_by=by,
        uploaded_at=now,
    )
    document.current_version = version
    document.version_count = number
    document.save(update_fields=["current_version", "version_count", "updated_at"])
    return version


def add_version(*, by, document: Document, uploaded_file, request=None) -> DocumentVersion:
    """Upload a new file to a document; the old versions stay. Same guarantees as upload_document;
    `by` must be cleared to read the document. Caller checks documents.change_document."""
    policy = selectors.current_policy()
    if not selectors.can_read(by, document, policy=policy):
        raise DomainError(DocumentError.NOT_ALLOWED)
    incoming = inspect_upload(uploaded_file, policy=policy)
    customer = document.customer
    blob = _store(by, customer, uploaded_file, incoming)
    with transaction.atomic():
        _after_store(blob, uploaded_file, incoming)
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        locked = Document.objects.select_for_update().get(pk=document.pk)
        dup = _duplicate_error(by, customer, incoming.sha256)
        if dup:
            raise dup
        version = _create_version(by, locked, incoming, blob, timezone.now())
        record_event(
            "document.version_added",
            actor=by,
            request=request,
            obj=locked,
            data={"customer_id": customer.pk, **_version_event_data(version)},
        )
    document.refresh_from_db()
    return version


@transaction.atomic
def update_document(*, by, document: Document, request=None, **changes) -> Document:
    """Correct a document's metadata (title, category, level, retention, dates, location…). The content
    is changed only by add_version. `by` must be cleared to read the document before and after."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown document fields: {sorted(unknown)}")
    policy = selectors.current_policy()
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if not selectors.can_read(by, locked, policy=policy):
        raise DomainError(DocumentError.NOT_ALLOWED)
    before = {f: _plain(getattr(locked, f)) for f in changes}
    for field, value in changes.items():
        if value is None and field in _TEXT_FIELDS:
            value = ""
        setattr(locked, field, value)
    if "confidentiality" in changes:
        locked.confidentiality = int(locked.confidentiality)
    metadata = {f: getattr(locked, f) for f in ("valid_from", "valid_until")}
    _check_metadata(
        title=locked.title,
        confidentiality=locked.confidentiality,
        retention_class=locked.retention_class,
        metadata=metadata,
        policy=policy,
    )
    if "category" in changes and not locked.category.is_active and locked.category_id != document.category_id:
        raise DomainError(DocumentError.CATEGORY_INACTIVE, field="category")
    if not selectors.can_read(by, locked, policy=policy):
        # Nobody raises a level beyond their own clearance (they would lose the document).
        raise DomainError(DocumentError.NOT_ALLOWED, field="confidentiality")
    diff = {
        f: [before[f], _plain(getattr(locked, f))] for f in changes if before[f] != _plain(getattr(locked, f))
    }
    if not diff:
        return locked
    try:
        locked.full_clean(exclude=["current_version"], validate_constraints=False)
    except ValidationError as exc:
        raise _domain_from_validation(exc) from exc
    locked.save()
    record_event("document.change", actor=by, request=request, obj=locked, data={"changes": diff})
    return locked


def _plain(value):
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


@transaction.atomic
def start_retention_clock(
    *, by, customer: Customer, event: str, on: date, documents=None, request=None
) -> int:
    """Record the business event (contract ended, debt settled) that starts the retention clock of the
    documents whose class counts from it; documents already started keep their date. Returns how many
    were started. For the contracts and ledger modules (trade ended comes from the file's status)."""
    if event not in (rules.CONTRACT_ENDED, rules.DEBT_SETTLED):
        raise ValueError(f"clock event {event!r} is not recorded on documents")
    docs_policy = selectors.documents_policy()
    codes = [c.code for c in docs_policy.retention_classes() if c.clock == event]
    qs = Document.objects.filter(customer=customer, retention_class__in=codes, clock_started_on__isnull=True)
    if documents is not None:
        qs = qs.filter(pk__in=[d.pk if hasattr(d, "pk") else d for d in documents])
    ids = list(qs.values_list("pk", flat=True))
    if not ids:
        return 0
    for doc in Document.objects.filter(pk__in=ids):  # through save(): history keeps the change
        doc.clock_started_on = on
        doc.save(update_fields=["clock_started_on", "updated_at"])
    record_event(
        "document.clock_started",
        actor=by,
        request=request,
        obj=customer,
        data={"event": event, "on": on.isoformat(), "documents": ids},
    )
    return len(ids)


# --- Reading, audited ------------------------------------------------------------------------------
@dataclass
class ReadCopy:
    """What a reader gets: the watermarked bytes, or a stream of the verified original."""

    content: bytes | None
    stream: object | None
    watermarked: bool


# The audit action of each use of a version (documents.grants.USES).
USE_ACTIONS = {
    "view": "document.preview",
    "download": "document.download",
    "print": "document.print",
    "export": "document.export",
}


def read_version(
    *,
    by,
    version: DocumentVersion,
    inline: bool = False,
    purpose: str = "",
    request=None,
    use: str | None = None,
) -> ReadCopy:
    """Hand a version to a reader (download, or preview when `inline`). Guarantees: the reader is cleared
    for the level (else document.not_allowed, recorded as document.download_denied); the stored bytes
    match the checksum (else document.altered / document.missing, recorded as
    document.integrity_failed, nothing sent); level 1/2 PDFs and images are a watermarked copy naming
    the reader and the time, and a copy that cannot be marked is refused (fail closed); every read is
    recorded as document.download / document.preview, with the lookup request it happens under and
    its purpose (grants.read_context) or the purpose the reader stated. A level 1/2 file that cannot be
    marked (Office files, archives) is handed out only where the registered gates allow it (custody:
    under an approved lookup request), never as an untraceable original otherwise.
    `use`: view (the default when inline), download (otherwise), print or export — separate rights: a
    use the registered checks refuse (custody: a right the reader's lookup request does not grant) is
    refused as document.use_not_granted and recorded as document.download_denied naming the use."""

    document = version.document
    use = use or ("view" if inline else "download")
    action = USE_ACTIONS[use]
    if not selectors.can_read(by, document):
        record_denied(by=by, document=document, action=action, request=request)
        raise DomainError(DocumentError.NOT_ALLOWED)
    if not may_use(by, document, use):
        record_denied(by=by, document=document, action=f"use_{use}", request=request)
        raise DomainError(DocumentError.USE_NOT_GRANTED, use=use)
    if version.erased_at is not None:
        raise DomainError(DocumentError.ERASED)
    context = read_context(by, document)
    purpose = (purpose or "").strip() or context.get("purpose", "")
    docs_policy = selectors.documents_policy()
    marked_level = document.confidentiality in set(docs_policy.watermark_levels)
    if marked_level and not rules.can_watermark(version.mime_type) and not may_release_original(by, document):
        record_denied(by=by, document=document, action="original_refused", request=request)
        raise DomainError(DocumentError.ORIGINAL_NEEDS_REQUEST, level=document.confidentiality)
    if rules.needs_watermark(document.confidentiality, docs_policy.watermark_levels, version.mime_type):
        data = storage.read_blob(version.storage_name)
        actual = hashlib.sha256(data).hexdigest() if data is not None else None
        if actual != version.sha256:
            record_integrity_failure(by=by, version=version, actual=actual, request=request)
            raise DomainError(DocumentError.MISSING if data is None else DocumentError.ALTERED)
        try:
            marked = watermark(data, version.mime_type, reader=by, at=timezone.now())
        except WatermarkError as exc:
            record_denied(by=by, document=document, action="watermark_failed", request=request)
            raise DomainError(DocumentError.NOT_WATERMARKABLE) from exc
        record_read(
            by=by, version=version, action=action, request=request, watermarked=True,
            purpose=purpose, context=context,
        )  # fmt: skip
        return ReadCopy(content=marked, stream=None, watermarked=True)
    result = storage.stored_checksum(version.storage_name)
    if result != (version.sha256, version.size):
        record_integrity_failure(
            by=by, version=version, actual=result[0] if result else None, request=request
        )
        raise DomainError(DocumentError.MISSING if result is None else DocumentError.ALTERED)
    record_read(by=by, version=version, action=action, request=request, purpose=purpose, context=context)
    return ReadCopy(content=None, stream=storage.open_blob(version.storage_name), watermarked=False)


def record_read(
    *,
    by,
    version: DocumentVersion,
    action: str,
    request=None,
    watermarked: bool = False,
    purpose: str = "",
    context: dict | None = None,
):
    """document.download / document.preview — who saw which version, whether the copy was marked,
    why (the purpose) and under which lookup request (context)."""
    return record_event(
        action,
        actor=by,
        request=request,
        obj=version.document,
        purpose=(purpose or "")[:255],
        data={
            "customer_id": version.document.customer_id,
            "version": version.number,
            "sha256": version.sha256,
            "confidentiality": version.document.confidentiality,
            "watermarked": watermarked,
            **{k: v for k, v in (context or {}).items() if k != "purpose"},
        },
    )


def record_view(*, by, document: Document, request=None) -> None:
    """document.view — opening a document's page under a lookup request (the read context names it),
    with the request's purpose (003 篇一 二.4: every use records its purpose). Standing readers' page
    views are not recorded (their downloads are)."""
    context = read_context(by, document)
    if not context:
        return
    record_event(
        "document.view",
        actor=by,
        request=request,
        obj=document,
        purpose=str(context.get("purpose", ""))[:255],
        data={
            "customer_id": document.customer_id,
            "confidentiality": document.confidentiality,
            **{k: v for k, v in context.items() if k != "purpose"},
        },
    )


def record_denied(*, by, document: Document, action: str, request=None):
    return record_event(
        "document.download_denied",
        actor=by,
        request=request,
        obj=document,
        data={
            "customer_id": document.customer_id,
            "confidentiality": document.confidentiality,
            "tried": action,
        },
    )


def record_integrity_failure(*, by, version: DocumentVersion, actual: str | None, request=None):
    return record_event(
        "document.integrity_failed",
        actor=by,
        request=request,
        obj=version.document,
        data={"version": version.number, "expected": version.sha256, "actual": actual or "missing"},
    )

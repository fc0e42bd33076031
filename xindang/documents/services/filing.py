"""Filing documents: a new document with its first version (upload_document), a new version of one
(add_version), corrections of its metadata (update_document). Each is atomic and audited; a refused
or failed upload leaves neither a row nor a stored file."""

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

from .. import content, rules, selectors, storage
from ..errors import DocumentError
from ..models import Document, DocumentCategory, DocumentVersion

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

"""Reading documents, audited: a verified (and, at levels 1 and 2, watermarked) copy for the reader,
and the audit records of views, reads, refusals and integrity failures."""

import hashlib
from dataclasses import dataclass

from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError

from .. import rules, selectors, storage
from ..errors import DocumentError
from ..grants import may_release_original, may_use, read_context
from ..models import Document, DocumentVersion
from ..watermark import WatermarkError, watermark


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

"""Talking about a pending request: comments and attachments (checked, stored, their downloads
audited), and the audit record of an export of the approval lists."""

import os

from django.db import transaction

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.core.files import guard_until_commit
from xindang.policy.selectors import current_policy

from ..errors import ApprovalError
from ..models import (
    ApprovalAttachment,
    ApprovalComment,
    ApprovalRequest,
    ApprovalStatus,
)

# Files a browser or the desktop would run; nothing an approval needs.
from .decisions import (
    BLOCKED_EXTENSIONS,
    lock_request,
)


def _open_for_discussion(locked: ApprovalRequest, by) -> None:
    from ..selectors import can_see  # selectors import nothing from here; kept local to avoid a cycle

    if not can_see(by, locked):
        raise DomainError(ApprovalError.NOT_VISIBLE)
    if locked.status not in (ApprovalStatus.PENDING, ApprovalStatus.RETURNED):
        raise DomainError(ApprovalError.CLOSED)


@transaction.atomic
def add_comment(*, approval, by, body: str, request=None) -> ApprovalComment:
    body = (body or "").strip()
    if not body:
        raise DomainError(ApprovalError.COMMENT_REQUIRED, field="body")
    locked = lock_request(approval)
    _open_for_discussion(locked, by)
    comment = ApprovalComment.objects.create(request=locked, round=locked.round, author=by, body=body)
    record_event("approval.comment", actor=by, request=request, obj=locked, data={"comment": body[:500]})
    return comment


@transaction.atomic
def add_attachment(*, approval, by, file, request=None) -> ApprovalAttachment:
    """Attach a file (default storage). At most the policy's upload limit (core.upload_limit_mb)."""
    if file is None:
        raise DomainError(ApprovalError.ATTACHMENT_MISSING, field="file")
    name = os.path.basename(getattr(file, "name", "") or "file")[:255]
    size = getattr(file, "size", None) or 0
    limit_mb = current_policy().core.upload_limit_mb
    if size <= 0:
        raise DomainError(ApprovalError.ATTACHMENT_EMPTY, field="file")
    if size > limit_mb * 1024 * 1024:
        raise DomainError(
            ApprovalError.ATTACHMENT_TOO_LARGE,
            mb=limit_mb,
            field="file",
        )
    if os.path.splitext(name)[1].lower() in BLOCKED_EXTENSIONS:
        raise DomainError(ApprovalError.ATTACHMENT_TYPE, field="file")
    locked = lock_request(approval)
    _open_for_discussion(locked, by)
    attachment = ApprovalAttachment(
        request=locked,
        name=name,
        size=size,
        content_type=(getattr(file, "content_type", "") or "")[:100],
        uploaded_by=by,
    )
    attachment.file.save(name, file, save=False)
    guard_until_commit(attachment.file.name, attachment.file.storage)  # removed if this rolls back
    attachment.save()
    record_event(
        "approval.attachment",
        actor=by,
        request=request,
        obj=locked,
        data={"attachment": attachment.pk, "name": name, "size": size},
    )
    return attachment


def record_attachment_download(*, attachment: ApprovalAttachment, by, request=None) -> None:
    record_event(
        "approval.attachment_download",
        actor=by,
        request=request,
        obj=attachment.request,
        data={"attachment": attachment.pk, "name": attachment.name},
    )


def record_export(*, by, filters: dict, count: int, request=None) -> None:
    record_event("approval.export", actor=by, request=request, data={"filters": filters, "rows": count})

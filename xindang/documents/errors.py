from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


class DocumentError(models.TextChoices):
    EMPTY_FILE = "document.empty_file", _("The file is empty.")
    TOO_LARGE = "document.too_large", _("The file is larger than the limit of %(limit)s MB.")
    BAD_FILE_NAME = (
        "document.bad_file_name",
        _("The file name may not contain path separators or control characters."),
    )
    EXECUTABLE = "document.executable", _("Programs and scripts cannot be filed.")
    PDF_NOT_WHOLE = (
        "document.pdf_not_whole",
        _(
            "This PDF carries other data after its end (such as an archive or a program) or is also an "
            "archive; it cannot be filed. Save it again as a plain PDF."
        ),
    )
    UNKNOWN_TYPE = (
        "document.unknown_type",
        _("The type of this file could not be recognised from its content."),
    )
    TYPE_NOT_ALLOWED = "document.type_not_allowed", _("Files of type %(mime)s are not accepted.")
    EXTENSION_MISMATCH = (
        "document.extension_mismatch",
        _("The file name ends in .%(ext)s but the content is %(mime)s."),
    )
    DUPLICATE = "document.duplicate", _("This file is already in the customer's file (%(where)s).")
    INVALID_DATES = "document.invalid_dates", _("“Valid until” cannot be before “valid from”.")
    INVALID_LEVEL = "document.invalid_level", _("Confidentiality must be level 1, 2 or 3.")
    UNKNOWN_RETENTION = "document.unknown_retention", _("Unknown retention class “%(name)s”.")
    CATEGORY_INACTIVE = "document.category_inactive", _("This category is no longer in use.")
    TITLE_REQUIRED = "document.title_required", _("Give the document a title.")
    NOT_ALLOWED = "document.not_allowed", _("You may not file or change documents here.")
    STORAGE_FAILED = "document.storage_failed", _("The file could not be stored safely; nothing was saved.")
    STORAGE_FULL = (
        "document.storage_full",
        _(
            "The document storage is full, so the file could not be stored; nothing was saved. "
            "Tell the system administrator."
        ),
    )
    ALTERED = (
        "document.altered",
        _("The stored file does not match its checksum; it was not sent. The archivist has been notified."),
    )
    MISSING = "document.missing", _("The stored file is missing; it was not sent.")
    ERASED = (
        "document.erased",
        _("The content of this version was destroyed after an approved disposal; only its record remains."),
    )
    NOT_WATERMARKABLE = (
        "document.not_watermarkable",
        _("A marked copy of this file could not be made, so it cannot be handed out. Ask the archivist."),
    )
    USE_NOT_GRANTED = (
        "document.use_not_granted",
        _("Your lookup request does not grant this use of the document (view, download, print, export)."),
    )
    ORIGINAL_NEEDS_REQUEST = (
        "document.original_needs_request",
        _(
            "This level-%(level)s file cannot carry your name as a watermark; its original is handed out "
            "only under an approved lookup request."
        ),
    )
    PURPOSE_REQUIRED = "document.purpose_required", _("State the purpose of this use.")
    # the model's own validation messages (translated where they are made), joined
    INVALID = "document.invalid", "%(detail)s"


register_statuses(
    {
        DocumentError.NOT_ALLOWED: 403,
        DocumentError.ALTERED: 409,
        DocumentError.MISSING: 409,
        DocumentError.DUPLICATE: 409,
        DocumentError.TOO_LARGE: 413,
        DocumentError.STORAGE_FULL: 507,  # Insufficient Storage (RFC 4918)
    }
)

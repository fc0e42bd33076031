"""Every write to documents: filing a document, adding a version, editing metadata, starting retention
clocks; and every read of one, audited. Each write is atomic and audited; a refused or failed upload
leaves neither a row nor a stored file.

One module per concept: filing (uploads, versions, metadata corrections), clocks (retention clocks
started by a business event) and reading (verified, watermarked copies and the read records).

For other apps (contracts…): upload_document(), add_version(), and selectors.visible_documents() /
selectors.can_read(). They work for every category, the contract group included.
"""

from .clocks import start_retention_clock
from .filing import (
    EDITABLE_FIELDS,
    METADATA_FIELDS,
    IncomingFile,
    add_version,
    default_retention_class,
    inspect_upload,
    update_document,
    upload_document,
)
from .reading import (
    USE_ACTIONS,
    ReadCopy,
    read_version,
    record_denied,
    record_integrity_failure,
    record_read,
    record_view,
)

__all__ = [
    "EDITABLE_FIELDS",
    "METADATA_FIELDS",
    "USE_ACTIONS",
    "IncomingFile",
    "ReadCopy",
    "add_version",
    "default_retention_class",
    "inspect_upload",
    "read_version",
    "record_denied",
    "record_integrity_failure",
    "record_read",
    "record_view",
    "start_retention_clock",
    "update_document",
    "upload_document",
]

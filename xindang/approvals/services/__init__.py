"""The approval engine's writes, by sub-domain: `decisions` (submit, approve, reject, return,
resubmit, withdraw — step order, four eyes, the domain callbacks in the deciding transaction) and
`discussion` (comments, attachments). Callers import from here: `from xindang.approvals import services`."""

from .decisions import (  # noqa: F401 - the package's interface
    BLOCKED_EXTENSIONS,
    approve_step,
    reject,
    resubmit,
    return_for_changes,
    submit_request,
    withdraw,
)
from .discussion import (  # noqa: F401 - the package's interface
    add_attachment,
    add_comment,
    record_attachment_download,
    record_export,
)
from .transfers import assign_steps, transfer_requests  # noqa: F401 - the package's interface

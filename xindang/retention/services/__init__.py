"""Every write of retention: placing and lifting holds, appraising documents, asking for a destruction,
the GM's decision (approvals callbacks), witnessing and carrying it out. Each is atomic and audited and
checks the actor's capability itself.

One module per concept: `holds`, `appraisal`, `disposal` (the request, the decision, the witnesses and
the destruction itself); `checks` holds what they share (the capability, a required reason, a
document's retention snapshot, holds and open disposal)."""

from .appraisal import (  # noqa: F401
    appraise_document,
    latest_appraisal,
)
from .disposal import (  # noqa: F401
    APPROVAL_KIND,
    approval_panel,
    approval_title,
    carry_out_disposal,
    describe_approval_data,
    logger,
    on_approved,
    on_rejected,
    on_withdrawn,
    register_approval_kind,
    request_disposal,
    witness_disposal,
)
from .holds import (  # noqa: F401
    lift_hold,
    place_hold,
)

"""The credit check's writes, by sub-domain: `checking` (check_credit — the decision under the
exposure lock, reservations, the recorded CreditCheck) and `over_limit` (超额审批 requests and their
approval callbacks). Callers import from here: `from xindang.credit.control import services`."""

from .checking import (  # noqa: F401 - the package's interface
    OVER_LIMIT_KIND,
    CreditDecision,
    _section,
    check_credit,
)
from .over_limit import (  # noqa: F401 - the package's interface
    on_approved,
    on_resubmitted,
    register_approval_kind,
    request_over_limit,
)

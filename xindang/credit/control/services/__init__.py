"""The credit check's writes, by sub-domain: `checking` (check_credit — the decision, under the
exposure lock when it holds an amount), `question` (who asks what, checked before anything is
read), `inputs` (the policy section and the facts it decides on, read through ..fastpath),
`recording` (the CreditCheck record), `group` (the related-party step), `over_limit` (超额审批
requests and their approval callbacks) and `stops` (emergency stops of shipments).
Callers import from here: `from xindang.credit.control import services`."""

from .checking import CreditDecision, check_credit  # noqa: F401 - the package's interface
from .inputs import section_in_force  # noqa: F401 - the package's interface
from .over_limit import (  # noqa: F401 - the package's interface
    OVER_LIMIT_KIND,
    on_approved,
    on_resubmitted,
    register_approval_kind,
    request_over_limit,
)

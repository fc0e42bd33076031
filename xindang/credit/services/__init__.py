"""Every write to investigations and ratings, by sub-domain: `investigations` (draft, sign, review),
`ratings` (propose, override, submit through the approval engine, callbacks) and `rerating`
(manage.py rerate). Callers import from here: `from xindang.credit import services`."""

from .investigations import (  # noqa: F401 - the package's interface
    INVESTIGATION_FIELDS,
    YEAR_FIELDS,
    create_investigation,
    file_investigation,
    review_investigation,
    reviewer_problem,
    sign_investigation,
    update_investigation,
)
from .ratings import (  # noqa: F401 - the package's interface
    APPROVAL_KIND,
    make_effective,
    on_rating_approved,
    on_rating_rejected,
    on_rating_returned,
    on_rating_withdrawn,
    propose_rating,
    register_approval_kind,
    salesperson_pending,
    scheme_grades,
    sign_rating_as_salesperson,
    submit_rating,
)
from .rerating import (  # noqa: F401 - the package's interface
    GRADE_VALUES,
    RateChange,
    rerate,
)

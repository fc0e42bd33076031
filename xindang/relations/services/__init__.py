"""Every write to relationship records: one function per business operation, atomic and audited.
Each checks the actor's capability and the object's state itself (views only show buttons).

One module per concept: complaints (000 7), visits and development plans (002 篇三), satisfaction
surveys (000 6), their approval kinds; `checks` holds the small checks they share."""

from .complaints import (  # noqa: F401
    COMPLAINT_KIND,
    close_complaint,
    describe_complaint,
    feed_back_complaint,
    investigate_complaint,
    on_complaint_approved,
    on_complaint_rejected,
    propose_resolution,
    receive_complaint,
)
from .registration import (  # noqa: F401
    register_approval_kinds,
)
from .surveys import (  # noqa: F401
    SURVEY_KIND,
    close_action,
    describe_survey,
    enter_response,
    import_responses,
    on_survey_approved,
    on_survey_rejected,
    open_campaign,
    raise_action,
    save_questionnaire,
    submit_survey_report,
)
from .visits import (  # noqa: F401
    cancel_visit,
    create_development_plan,
    plan_visit,
    record_visit,
    report_visit,
    review_visit,
)

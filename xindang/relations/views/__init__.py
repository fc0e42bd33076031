"""Relationship screens: complaints, visits, surveys and the customer file's section. Thin: capability
check → access helper → form → one service → message and redirect; DomainError becomes a form error."""

from .complaints import (  # noqa: F401
    complaint_close,
    complaint_create,
    complaint_detail,
    complaint_feedback,
    complaint_investigate,
    complaint_propose,
    complaint_statistics,
    complaints,
    customer_section,
    evidence_panel,
)
from .surveys import (  # noqa: F401
    action_close,
    action_create,
    campaign_answer,
    campaign_detail,
    campaign_import,
    campaign_report,
    import_template,
    questionnaire_edit,
    surveys,
)
from .visits import (  # noqa: F401
    plan_create,
    visit_cancel,
    visit_create,
    visit_detail,
    visit_pdf,
    visit_record,
    visit_report,
    visit_review,
    visits,
)

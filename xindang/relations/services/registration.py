"""The relations approval kinds, registered with the approvals engine at start-up."""

from .complaints import COMPLAINT_KIND, describe_complaint, on_complaint_approved, on_complaint_rejected
from .surveys import SURVEY_KIND, describe_survey, on_survey_approved, on_survey_rejected


def register_approval_kinds() -> None:
    from django.utils.translation import gettext_lazy

    from xindang.approvals import register
    from xindang.approvals.registry import register_panel

    from ..panels import complaint_panel, survey_panel

    register(
        COMPLAINT_KIND,
        on_approved=on_complaint_approved,
        on_rejected=on_complaint_rejected,
        on_withdrawn=on_complaint_rejected,
        label=gettext_lazy("Complaint resolution"),
        describe=describe_complaint,
    )
    register(
        SURVEY_KIND,
        on_approved=on_survey_approved,
        on_rejected=on_survey_rejected,
        on_withdrawn=on_survey_rejected,
        label=gettext_lazy("Satisfaction survey report"),
        describe=describe_survey,
    )
    register_panel(COMPLAINT_KIND, complaint_panel)
    register_panel(SURVEY_KIND, survey_panel)

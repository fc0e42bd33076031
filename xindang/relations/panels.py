"""What the approver sees on the approval page of a complaint resolution or a survey report (registered
with the approvals engine, which knows no domain app)."""

from django.template.loader import render_to_string

from .models import Complaint, SurveyCampaign


def _int(value) -> int | None:
    return int(value) if str(value).isdigit() else None


def complaint_panel(approval, request) -> str:
    complaint = (
        Complaint.objects.select_related("customer", "department").filter(pk=_int(approval.object_id)).first()
    )
    if complaint is None:
        return ""
    return render_to_string("relations/_complaint_panel.html", {"c": complaint}, request=request)


def survey_panel(approval, request) -> str:
    from .selectors import campaign_scores

    campaign = (
        SurveyCampaign.objects.select_related("questionnaire").filter(pk=_int(approval.object_id)).first()
    )
    if campaign is None:
        return ""
    return render_to_string(
        "relations/_survey_panel.html",
        {
            "campaign": campaign,
            "scores": campaign_scores(campaign),
            "actions": list(campaign.actions.select_related("owner")),
        },
        request=request,
    )

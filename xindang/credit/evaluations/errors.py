from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationError(models.TextChoices):
    ALREADY_SIGNED = "evaluation.already_signed", _("The figures of this evaluation are already signed.")
    ALREADY_REPORTED = "evaluation.already_reported", _("The salesperson's report is already given.")
    ALREADY_REVIEWED = (
        "evaluation.already_reviewed",
        _("This evaluation is reviewed; it can no longer change."),
    )
    NOT_READY_FOR_REVIEW = (
        "evaluation.not_ready_for_review",
        _("The review needs the signed figures and the salesperson's report first (第四十一条)."),
    )
    NOT_REVIEWED = (
        "evaluation.not_reviewed",
        _(
            "The VP marketing gives an opinion on the marketing manager's review (第四十一条); "
            "it is not reviewed yet."
        ),
    )
    ALREADY_VP = "evaluation.already_vp", _("The VP marketing's opinion is already given.")
    NOT_SUPERVISOR = (
        "evaluation.not_supervisor",
        _(
            "The written report is the business supervisor's (业务主管, 第三十九条): the manager of the "
            "customer's department (%(user)s)."
        ),
    )
    NOT_SALESPERSON = (
        "evaluation.not_salesperson",
        _("Only the salesperson responsible for this customer, %(user)s, writes the report (第三十九条)."),
    )
    NOT_CONFIRMED = (
        "evaluation.not_confirmed",
        _("Confirm that the report is true; the salesperson answers for it (第三十九条)."),
    )
    TEXT_REQUIRED = "evaluation.text_required", _("This field is required.")
    NOT_REVIEWER = (
        "evaluation.not_reviewer",
        _("A department manager reviews only the evaluations of the department's customers."),
    )
    OWN_REPORT = "evaluation.own_report", _("You wrote the report; someone else must review it.")
    NEGATIVE_LIMIT = "evaluation.negative_limit", _("A credit limit cannot be negative.")
    SAME_LIMIT = "evaluation.same_limit", _("The proposed limit is the current limit; leave it empty.")
    REASON_REQUIRED = "evaluation.reason_required", _("Give the reason for the adjustment.")
    GRANT_NOT_ACTIVE = (
        "evaluation.grant_not_active",
        _("The grant is no longer in force; propose the adjustment from the customer's current grant."),
    )

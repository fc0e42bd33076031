from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


class RelationsError(models.TextChoices):
    INVALID = "relations.invalid", _("Please correct the errors below.")
    REQUIRED = "relations.required", _("This field is required.")
    BAD_TRANSITION = (
        "relations.bad_transition",
        _("This cannot be done now: it is “%(status)s”."),
    )
    PRODUCTION_REQUIRED = (
        "relations.production_required",
        _(
            "A quality complaint is resolved with production (000 7 5.4.2): "
            "enter production's opinion on the resolution."
        ),
    )
    NOT_FED_BACK = (
        "relations.not_fed_back",
        _("The result has not been fed back to the customer yet; a complaint closes only after feedback."),
    )
    IN_FUTURE = "relations.in_future", _("The date cannot be in the future.")
    BEFORE_RECEIPT = "relations.before_receipt", _("The date cannot be before the complaint was received.")
    VISIT_NOT_DONE = (
        "relations.visit_not_done",
        _("The visit has not been recorded as done yet; its report comes after the visit."),
    )
    REPORT_BEFORE_VISIT = (
        "relations.report_before_visit",
        _("The report cannot be dated before the visit."),
    )
    OWN_REPORT = (
        "relations.own_report",
        _("You wrote this report; the service supervisor reviews it, not its author."),
    )
    AGENT_CANNOT_SEE = (
        "relations.agent_cannot_see",
        _("%(user)s may not see this customer file and so cannot be given its visits."),
    )
    SCORE_OUT_OF_SCALE = (
        "relations.score_out_of_scale",
        _("“%(question)s”: the score must be a whole number from 1 to %(max)s."),
    )
    SCORE_REQUIRED = "relations.score_required", _("“%(question)s”: enter a score.")
    IMPORT_ROW = "relations.import_row", _("Row %(row)s: %(problem)s Nothing was imported.")
    IMPORT_FILE = "relations.import_file", _("The file is not an .xlsx workbook that can be read.")
    NO_QUESTIONS = "relations.no_questions", _("A questionnaire needs at least one question.")
    CAMPAIGN_CLOSED = "relations.campaign_closed", _("This survey campaign no longer takes answers.")
    NO_ANSWERS = "relations.no_answers", _("The campaign has no answers yet; there is nothing to report.")
    ALREADY_ANSWERED = (
        "relations.already_answered",
        _("%(customer)s has already answered this campaign."),
    )
    ACTION_REQUIRED = (
        "relations.action_required",
        _("Satisfaction is below the target: raise at least one corrective action before the report."),
    )
    ACTION_DONE = "relations.action_done", _("This action is already closed.")


register_statuses(
    {
        RelationsError.BAD_TRANSITION: 409,
        RelationsError.NOT_FED_BACK: 409,
        RelationsError.VISIT_NOT_DONE: 409,
        RelationsError.OWN_REPORT: 403,
        RelationsError.CAMPAIGN_CLOSED: 409,
        RelationsError.ACTION_DONE: 409,
    }
)

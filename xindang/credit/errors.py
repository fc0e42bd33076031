"""Error codes of investigations and ratings with their messages (raised as core.errors.DomainError)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditError(models.TextChoices):
    REVIEWER_NOT_MANAGER = (
        "investigation.reviewer_not_manager",
        _("The department manager reviews the investigation form (002 第十条): %(roles)s."),
    )
    REVIEWER_OTHER_DEPARTMENT = (
        "investigation.reviewer_other_department",
        _("A department manager reviews the forms of their own department's customers (002 第十条)."),
    )
    NOT_REVIEWED = "investigation.not_reviewed", _("Only a reviewed investigation is filed.")
    ALREADY_FILED = "investigation.already_filed", _("The finance department has already filed this form.")
    NOT_FINANCE = (
        "investigation.not_finance",
        _("The finance department files the form (002 第十条 财务部门备案)."),
    )
    NOT_SALESPERSON = (
        "rating.not_salesperson",
        _("Only the salesperson in charge of this customer (%(name)s) gives this opinion (002 第十九条)."),
    )
    SALESPERSON_SIGNED = (
        "rating.salesperson_signed",
        _("The salesperson in charge has already given an opinion."),
    )
    OPINION_REQUIRED = (
        "rating.opinion_required",
        _("Say why you do not agree with the proposed grade."),
    )
    SALESPERSON_PENDING = (
        "rating.salesperson_pending",
        _(
            "The salesperson in charge (%(name)s) has not yet given an opinion on this rating "
            "(002 第十九条); it is sent for approval after that."
        ),
    )

    UNKNOWN_SOURCE = "investigation.unknown_source", _("Unknown source.")
    FUTURE_DATE = "investigation.future_date", _("The investigation date cannot be in the future.")
    DUPLICATE_YEAR = "investigation.duplicate_year", _("Year %(year)s is given twice.")
    INVESTIGATION_NOT_FOUND = "investigation.not_found", _("Investigation not found.")
    # one code, two messages (a variant after #: see core.errors)
    NOT_DRAFT = "investigation.not_draft", _("Only a draft investigation can be changed.")
    ALREADY_SIGNED = "investigation.not_draft#signed", _("This investigation is already signed.")
    INVESTIGATION_STALE = (
        "investigation.stale",
        _("Someone else changed this investigation meanwhile. Reload and try again."),
    )
    NOT_AUTHOR = (
        "investigation.not_author",
        _("Only the person who filled in the form signs it (002 第十条)."),
    )
    TOO_FEW_YEARS = "investigation.too_few_years", _("Give the financial figures of at least %(n)s years.")
    NO_SOURCES = "investigation.no_sources", _("Tick the sources used (002 第九条).")
    NO_CONCLUSION = "investigation.no_conclusion", _("Write the conclusion.")
    NOT_SIGNED = "investigation.not_signed", _("Only a signed investigation can be reviewed.")
    SELF_REVIEW = (
        "investigation.self_review",
        _("The author cannot review their own investigation (002 第十一条)."),
    )
    NOTES_REQUIRED = (
        "investigation.notes_required",
        _("The system found contradictions: write in the notes how they were checked."),
    )
    NO_INVESTIGATION = (
        "rating.no_investigation",
        _("The customer has no valid reviewed investigation: investigate first."),
    )
    RATING_PENDING_EXISTS = (
        "rating.pending_exists",
        _("A rating of this customer is already awaiting approval."),
    )
    INVALID_GRADE = "rating.invalid_grade", _("This grade does not belong to the policy's scheme.")
    OVERRIDE_FORBIDDEN = "rating.override_forbidden", _("You may not override the computed grade.")
    OVERRIDE_REASON_REQUIRED = (
        "rating.override_reason_required",
        _("Overriding the computed grade needs a written reason."),
    )
    NOT_PROPOSED = "rating.not_proposed", _("Only a proposed rating can be submitted.")
    INVESTIGATION_EXPIRED = (
        "rating.investigation_expired",
        _("The investigation this proposal rests on is no longer valid: investigate and propose again."),
    )
    RATING_NOT_FOUND = "rating.not_found", _("The rating of this approval no longer exists.")
    RATING_NOT_PENDING = "rating.not_pending", _("This rating is no longer awaiting approval.")

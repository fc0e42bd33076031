"""Error codes of collection work with their messages (raised as core.errors.DomainError)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


class CollectionError(models.TextChoices):
    SIGN_LINE_UNKNOWN = "collection.sign_line_unknown", _("This report has no such signature line.")
    SIGN_NOT_COMPLETED = (
        "collection.sign_not_completed",
        _("The report is signed once the salesperson has completed it."),
    )
    SIGN_ALREADY = "collection.sign_already", _("This line is already signed.")
    SIGN_OUT_OF_ORDER = (
        "collection.sign_out_of_order",
        _("The lines are signed in order: salesperson, department manager, credit manager."),
    )
    SIGN_TWICE = "collection.sign_twice", _("You have already signed another line of this report.")
    SIGN_NOT_YOURS = "collection.sign_not_yours", _("This line is for %(who)s.")
    STATEMENT_FUTURE = "collection.statement_future", _("A statement can only be of today or an earlier day.")
    STATEMENT_EXISTS = (
        "collection.statement_exists",
        _("A statement of this customer for %(day)s already exists."),
    )
    STATEMENT_REPLIED = (
        "collection.statement_replied",
        _("The customer's answer to this statement is already recorded (%(status)s)."),
    )
    STATEMENT_NOT_DISPUTED = (
        "collection.statement_not_disputed",
        _("Only a disputed statement is resolved."),
    )
    STATED_REQUIRED = "collection.stated_required", _("Enter the balance the customer states.")
    STATED_NOT_A_NUMBER = (
        "collection.stated_not_a_number",
        _("The stated balance must be an amount in yuan, such as 12500.00."),
    )
    STATED_NEGATIVE = (
        "collection.stated_negative",
        _("The stated balance cannot be negative: enter 0 and say in the note what the customer holds."),
    )
    RESOLUTION_REQUIRED = "collection.resolution_required", _("Say how the difference was resolved.")
    STATEMENT_NOT_ALLOWED = (
        "collection.statement_not_allowed",
        _("You may not do this with balance statements."),
    )
    # --- collection records and payment promises ---
    SUMMARY_REQUIRED = "collection.summary_required", _("Say what was said.")
    FUTURE_DATE = "collection.future_date", _("The contact cannot be in the future.")
    NEXT_STEP_BEFORE_CONTACT = (
        "collection.next_step_before_contact",
        _("The next step cannot be before the contact."),
    )
    NEXT_STEP_REQUIRED = "collection.next_step_required", _("Say what the next step is.")
    AMOUNT_POSITIVE = "collection.amount_positive", _("The promised amount must be positive.")
    PROMISE_BEFORE_MADE = (
        "collection.promise_before_made",
        _("The promised date cannot be before the day the promise was made."),
    )
    RECORD_MISMATCH = "collection.record_mismatch", _("The collection record is of another customer.")
    REASON_REQUIRED = "collection.reason_required", _("Give a reason.")
    PROMISE_NOT_OPEN = "collection.promise_not_open", _("Only an open promise can be cancelled.")
    # --- the reports people complete (one code, several messages: variants after #) ---
    NOT_ASSIGNED = "collection.not_assigned", _("This report is for the customer's salesperson.")
    REPORT_COMPLETED = "collection.report_done", _("This report has already been completed.")
    REPORT_REVIEWED = "collection.report_done#reviewed", _("This report has already been reviewed.")
    DELAY_REASON_REQUIRED = "collection.reason_required#delay", _("Give the reason for the delay.")
    MEASURES_REQUIRED = "collection.measures_required", _("Propose the measures.")
    FACTS_REQUIRED = "collection.facts_required", _("State the facts.")
    CAUSE_REQUIRED = "collection.cause_required", _("State the cause.")
    OPINION_FORBIDDEN = "collection.forbidden", _("Only a manager gives the opinion.")
    MEASURES_FORBIDDEN = "collection.forbidden#measures", _("Only a manager decides the measures.")
    SUSPEND_FORBIDDEN = "collection.forbidden#suspend", _("Only a manager may suspend trade.")
    RESUME_FORBIDDEN = "collection.forbidden#resume", _("Only a manager may resume trade.")
    NOT_SUBMITTED = "collection.not_submitted", _("The salesperson has not submitted this report yet.")
    OWN_REPORT = "collection.own_report", _("You cannot review a report you wrote.")
    OWN_MEASURES = "collection.own_report#measures", _("The measures need your superior's instruction.")
    OPINION_REQUIRED = "collection.opinion_required", _("Give your opinion.")
    SITUATION_REQUIRED = "collection.situation_required", _("Describe what has changed.")
    ALREADY_DECIDED = "collection.already_decided", _("The measures have already been decided.")
    DECISION_REQUIRED = "collection.decision_required", _("Write the instruction.")
    ALREADY_SUSPENDED = "collection.already_suspended", _("Trade with this customer is already suspended.")
    NOT_SUSPENDED = "collection.not_suspended", _("Trade with this customer is not suspended.")


register_statuses(
    {
        CollectionError.STATEMENT_REPLIED: 409,
        CollectionError.STATEMENT_EXISTS: 409,
        CollectionError.STATEMENT_NOT_DISPUTED: 409,
        CollectionError.STATEMENT_NOT_ALLOWED: 403,
    }
)

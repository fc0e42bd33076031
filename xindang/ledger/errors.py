"""The ledger's error codes with their messages (raised as core.errors.DomainError). The pure rules
(ledger.rules) name problems by these codes as strings; `member` turns one back into its enum member."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses
from xindang.onboarding.errors import OnboardingError


class LedgerError(models.TextChoices):
    UNKNOWN_KIND = "ledger.unknown_kind", _("Unknown entry kind: %(kind)s.")
    INVALID_AMOUNT = (
        "ledger.invalid_amount",
        _("The amount must be a number of yuan with at most two decimals."),
    )
    AMOUNT_NOT_POSITIVE = "ledger.amount_not_positive", _("The amount must be greater than zero.")
    AMOUNT_TOO_LARGE = (
        "ledger.amount_too_large",
        _("The amount is above the largest amount of one entry (%(max)s yuan, company policy)."),
    )
    TOTAL_TOO_LARGE = (
        "ledger.total_too_large",
        _("This entry would take the customer's totals past what the ledger can hold. Nothing was saved."),
    )
    DATE_OUT_OF_RANGE = "ledger.date_out_of_range", _("Dates must lie between %(first)s and %(last)s.")
    INVALID_TERM = "ledger.invalid_term", _("The term must be a whole number of days from 0 to %(max)s.")
    INVALID_TEXT = "ledger.invalid_text", _("The field %(field)s holds a control character (NUL).")
    INVALID_LINE = "ledger.invalid_line", _("An entry line's %(field)s is not a number the ledger can hold.")
    UNKNOWN_CURRENCY = "ledger.unknown_currency", _("Currency %(currency)s is not accepted.")
    ENTRY_DATE_REQUIRED = "ledger.entry_date_required", _("The entry date is required.")
    DUE_BEFORE_ENTRY = "ledger.due_before_entry", _("The due date cannot be before the entry date.")
    UNKNOWN_CUSTOMER = "ledger.unknown_customer", _("Unknown customer: %(customer)s.")
    CONFLICTING_REPOST = (
        "ledger.conflicting_repost",
        _("External id %(external_id)s of %(source_system)s was already posted with different data."),
    )
    WRITE_OFF_NEEDS_APPROVAL = (
        "ledger.write_off_needs_approval",
        _("A write-off needs the general manager's approval."),
    )
    WRITE_OFF_EXCEEDS_OPEN = "ledger.write_off_exceeds_open", _("A write-off cannot exceed the open debt.")
    REVERSAL_TARGET_REQUIRED = "ledger.reversal_target_required", _("Say which entry this reverses.")
    REVERSAL_UNKNOWN_TARGET = "ledger.reversal_unknown_target", _("The entry to reverse does not exist.")
    ALREADY_REVERSED = "ledger.already_reversed", _("This entry has already been reversed.")
    CANNOT_REVERSE_REVERSAL = (
        "ledger.cannot_reverse_reversal",
        _("A reversal cannot be reversed; post the entry again."),
    )
    REVERSE_SETTLED_NOTE = "ledger.reverse_settled_note", _("Reverse the note's settlement first.")
    WRONG_CUSTOMER = "ledger.wrong_customer", _("The referenced entry belongs to another customer.")
    NOTE_REQUIRED = "ledger.note_required", _("Say which note is settled.")
    SHIPMENT_REQUIRED = "ledger.shipment_required", _("An invoice can only bill a credit sale / shipment.")
    SHIPMENT_ALREADY_BILLED = (
        "ledger.shipment_already_billed",
        _("This shipment is already billed by another invoice."),
    )
    BILLED_SHIPMENT_REVERSED = (
        "ledger.billed_shipment_reversed",
        _("This shipment was reversed; it cannot be billed."),
    )
    REVERSE_BILLED_SHIPMENT = (
        "ledger.reverse_billed_shipment",
        _("The shipment is billed: reverse its invoice first."),
    )
    NOTE_EXCEEDS_OPEN = "ledger.note_exceeds_open", _("The settlement exceeds what is left of the note.")
    RESERVATION_NOT_HELD = (
        "ledger.reservation_not_held",
        _("The reservation is not held (consumed, released or expired)."),
    )
    RESERVATION_KIND = "ledger.reservation_kind", _("Only a shipment or a prepayment consumes a reservation.")
    BATCH_TOO_LARGE = "ledger.batch_too_large", _("At most %(max)s entries in one batch.")
    BATCH_INVALID = (
        "ledger.batch_invalid",
        _("The batch was refused: %(count)s rows have errors. Nothing was saved."),
    )
    BATCH_EMPTY = "ledger.batch_empty", _("The batch holds no entries.")
    INVALID_REFERENCE = "ledger.invalid_reference", _("Unknown %(field)s: %(value)s.")
    PERMISSION_DENIED = "ledger.permission_denied", _("You do not have the permission for this operation.")
    IMPORT_UNREADABLE = "ledger.import_unreadable", _("The workbook is damaged.")
    IMPORT_TOO_MANY_ROWS = "ledger.import_too_many_rows", _("At most %(n)s rows.")
    IMPORT_NO_ROWS = "ledger.import_no_rows", _("The file holds no entries.")
    IMPORT_WRONG_COLUMNS = (
        "ledger.import_wrong_columns",
        _("No header row with a customer (ID, code, file number or name), kind, date and amount."),
    )
    IMPORT_TOO_LARGE = "ledger.import_too_large", _("The file is larger than %(n)s MB.")
    IMPORT_DONE = "ledger.import_done", _("This import was already confirmed.")
    IMPORT_CHECKING = "ledger.import_checking", _("The file is still being checked.")
    IMPORT_HAS_ERRORS = "ledger.import_has_errors", _("Correct the rows with errors and upload again.")
    REASON_REQUIRED = "ledger.reason_required", _("Give a reason.")


register_statuses(
    {
        LedgerError.CONFLICTING_REPOST: 409,
        LedgerError.ALREADY_REVERSED: 409,
        LedgerError.RESERVATION_NOT_HELD: 409,
        LedgerError.BATCH_TOO_LARGE: 413,
    }
)


def member(code: str) -> "LedgerError | OnboardingError":
    """The enum member of a code the rules or a row carry as a string."""
    if code == OnboardingError.CARD_NOT_APPROVED:
        return OnboardingError.CARD_NOT_APPROVED
    return LedgerError(code)

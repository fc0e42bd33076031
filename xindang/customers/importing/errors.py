"""Error codes of the spreadsheet import: refusals of a whole file (raised as DomainError) and
problems of single rows (listed in the preview)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import DomainError


class ImportErrorCode(models.TextChoices):
    """Refusals of a whole file (raised as DomainError) and problems of single rows (listed)."""

    # --- the file ---
    TOO_LARGE = "import.too_large", _("The file is larger than the upload limit of %(limit)s MB.")
    WRONG_TYPE = (
        "import.wrong_type",
        _(
            "This file is not an Excel workbook (.xlsx) or a CSV text file, whatever its name says. "
            "%(detail)s"
        ),
    )
    UNREADABLE = "import.unreadable", _("The file could not be read: %(detail)s")
    WRONG_COLUMNS = "import.wrong_columns", _("The columns do not fit the template: %(detail)s")
    TOO_MANY_ROWS = (
        "import.too_many_rows",
        _("The file has more than %(limit)s rows, the most one import accepts. Split it into smaller files."),
    )
    NO_ROWS = "import.no_rows", _("The file has no data rows under its header.")
    NOT_PREVIEWED = (
        "import.not_previewed",
        _(
            "This import has already been confirmed (status: %(status)s). "
            "Upload the file again to start over."
        ),
    )
    NOTHING_TO_IMPORT = (
        "import.nothing_to_import",
        _("The preview shows no row to import: nothing was imported. Correct the file and upload it again."),
    )
    CHANGED_SINCE_PREVIEW = (
        "import.changed_since_preview",
        _(
            "Since the preview, the check of rows %(rows)s came out differently (the customer files "
            "changed meanwhile). Nothing was imported; upload the file again to see a new preview."
        ),
    )
    # --- a row ---
    FORMULA = "import.formula", _("Formulas are not allowed; paste values instead.")
    NAME_REQUIRED = "import.name_required", _("The registered name is required.")
    CREDIT_CODE_INVALID = "import.credit_code_invalid", _("The unified social credit code is not valid.")
    DUPLICATE_CREDIT_CODE = (
        "import.duplicate_credit_code",
        _("A customer file with this unified social credit code already exists: %(file_no)s."),
    )
    DUPLICATE_IN_FILE = (
        "import.duplicate_in_file",
        _("The same unified social credit code is already on row %(row)s of this file."),
    )
    SIMILAR_NAME = "import.similar_name", _("A very similar name exists: %(other)s.")
    DEPARTMENT_REQUIRED = "import.department_required", _("The department is required.")
    DEPARTMENT_UNKNOWN = "import.department_unknown", _("Unknown or inactive department “%(value)s”.")
    OWNER_REQUIRED = (
        "import.owner_required",
        _(
            "Name the salesperson: you are not a member of this department, "
            "so the file cannot default to you."
        ),
    )
    OWNER_UNKNOWN = "import.owner_unknown", _("Unknown or inactive user “%(value)s”.")
    OWNER_AMBIGUOUS = (
        "import.owner_ambiguous",
        _("Several users are called “%(value)s”; use the user name instead."),
    )
    OWNER_NOT_IN_DEPARTMENT = (
        "import.owner_not_in_department",
        _("“%(value)s” is not a member of the department of this file."),
    )
    NOT_ALLOWED = "import.not_allowed", _("Not allowed: %(detail)s")
    CHOICE_UNKNOWN = "import.choice_unknown", _("“%(value)s” is not one of the allowed values.")
    NUMBER_INVALID = "import.number_invalid", _("“%(value)s” is not a number.")
    NUMBER_NEGATIVE = "import.number_negative", _("The amount cannot be negative.")
    CAPITAL_UNIT_UNKNOWN = (
        "import.capital_unit_unknown",
        _("Unknown unit or currency “%(unit)s” in the registered capital “%(value)s”."),
    )
    POSTAL_CODE_INVALID = "import.postal_code_invalid", _("“%(value)s” is not a postal code (six digits).")
    DATE_INVALID = "import.date_invalid", _("“%(value)s” is not a date (use YYYY-MM-DD).")
    INVALID = "import.invalid", _("Invalid value: %(detail)s")


def refuse(code: ImportErrorCode, **params) -> DomainError:
    return DomainError(code, **params)

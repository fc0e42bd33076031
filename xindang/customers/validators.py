from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .rules import credit_code_problem, id_number_problem, is_postal_code, normalize_credit_code

CREDIT_CODE_MESSAGES = {
    "length": _("A unified social credit code has 18 characters."),
    "characters": _(
        "The unified social credit code contains characters that are not allowed "
        "(digits and capital letters except I, O, S, V, Z; positions 3–8 are digits)."
    ),
    "check_digit": _("The check digit of the unified social credit code is wrong (GB 32100-2015)."),
}


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if not code:
        return
    problem = credit_code_problem(code)
    if problem:
        raise ValidationError(CREDIT_CODE_MESSAGES[problem], code=f"credit_code_{problem}")


def validate_postal_code(value: str) -> None:
    """A mainland postal code (邮政编码) has six digits."""
    if value and not is_postal_code(value):
        raise ValidationError(_("A postal code has six digits."), code="postal_code")


ID_NUMBER_MESSAGES = {
    "kind": _("Say whether the number is an identity card or a passport number."),
    "length": _("An identity card number has 18 characters; a passport number 5 to 20."),
    "characters": _(
        "The number contains characters that are not allowed (an identity card number: 17 digits and a "
        "digit or X; a passport number: letters and digits)."
    ),
    "birth_date": _("The birth date inside the identity card number (characters 7–14) is not a date."),
    "check_digit": _("The check digit of the identity card number is wrong (GB 11643-1999)."),
}


def validate_id_number(kind: str, number: str) -> None:
    """Identity card (GB 11643-1999 check digit) or passport number; raises ValidationError."""
    problem = id_number_problem(kind, number)
    if problem:
        raise ValidationError(
            {"id_number": ValidationError(ID_NUMBER_MESSAGES[problem], code=f"id_{problem}")}
        )

"""DomainError: the one exception that services raise for a refused business operation.

A view turns it into a form error or a message; the API turns it into a 4xx answer with its code
(api.api.domain_error, the one place). Codes are stable strings (tests assert codes, never message
text); messages are translated.

The house convention: each app's `errors.py` holds one `TextChoices` enum whose value is the code and
whose label is the message (with `%(name)s` placeholders filled from the keyword arguments), and
registers the codes that are not 422 with `register_statuses`. A service then raises
`DomainError(AppError.SOMETHING, field=…, **params)`: the message and the HTTP status come from the
enum, never from a string at the raise.

One code, one message. Where an older code is kept (API clients and tests know it) but was raised with
several messages, each message is a member of its own whose value is the code with a variant after
`#` ("collection.forbidden#suspend"): `DomainError.code` is the part before the `#`.

Anything else (a plain string, a message argument) is a TypeError, and
core/tests/test_error_convention.py scans the code for raw strings.
"""

import enum

_STATUS: dict[str, int] = {}


def code_of(code) -> str:
    """The stable code of an enum member (its value without a `#variant`)."""
    return str(code).split("#", 1)[0]


def register_statuses(mapping: dict) -> None:
    """HTTP status of codes other than 422 (409 for conflicts, 403 for refusals, 404 …), by code."""
    _STATUS.update({code_of(code): status for code, status in mapping.items()})


def http_status(code) -> int:
    return _STATUS.get(code_of(code), 422)


def _check(code) -> None:
    if not isinstance(code, enum.Enum) or not hasattr(code, "label"):
        raise TypeError(
            f"DomainError takes a member of an app's errors.py enum, not {code!r}: "
            "the message and the status come from the enum."
        )


def message_of(code: enum.Enum, **params) -> str:
    """The message of an enum member with its placeholders filled (for a list of problems that are
    shown, not raised, such as the rows of a batch)."""
    _check(code)
    return _fill(str(code.label), params)


class DomainError(Exception):
    def __init__(self, code: enum.Enum, *, field: str | None = None, **params):
        _check(code)
        self.code = code_of(code)
        self.message = _fill(str(code.label), params) or self.code
        self.field = field
        self.params = params
        super().__init__(f"{self.code}: {self.message}")

    @property
    def status(self) -> int:
        return http_status(self.code)

    def __str__(self) -> str:
        return self.message


def form_error(form, exc: DomainError) -> None:
    """The one way a page shows a refused operation on a form: the message next to its field when the
    form has that field, else at the top of the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _fill(label: str, params: dict) -> str:
    if "%(" not in label:
        return label
    try:
        return label % params
    except (KeyError, ValueError, TypeError):
        return label

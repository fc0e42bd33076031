"""DomainError: the one exception that services raise for a refused business operation.

A view turns it into a form error or a message; the API turns it into a 4xx answer with its code.
Codes are stable strings (tests assert codes, never message text); messages are translated.

The house convention: each app's `errors.py` holds one `TextChoices` enum whose value is the code and
whose label is the message (with `%(name)s` placeholders filled from the keyword arguments), and
registers the codes that are not 422 with `register_statuses`. A service then raises
`DomainError(AppError.SOMETHING, field=…, **params)`: the message and the HTTP status come from the
enum, never from a string at the raise.
"""

_STATUS: dict[str, int] = {}


def register_statuses(mapping: dict) -> None:
    """HTTP status of codes other than 422 (409 for conflicts, 403 for refusals, 404 …), by code."""
    _STATUS.update({str(code): status for code, status in mapping.items()})


def http_status(code) -> int:
    return _STATUS.get(str(code), 422)


class DomainError(Exception):
    def __init__(self, code: str, message: str = "", *, field: str | None = None, **params):
        self.code = str(code)
        if not message and hasattr(code, "label"):
            message = _fill(str(code.label), params)
        self.message = str(message) if message else self.code
        self.field = field
        self.params = params
        super().__init__(f"{self.code}: {self.message}")

    @property
    def status(self) -> int:
        return http_status(self.code)

    def __str__(self) -> str:
        return self.message


def _fill(label: str, params: dict) -> str:
    if "%(" not in label:
        return label
    try:
        return label % params
    except (KeyError, ValueError, TypeError):
        return label

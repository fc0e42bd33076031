"""DomainError: the one exception that services raise for a refused business operation.

A view turns it into a form error or a message; the API turns it into a 4xx answer with its code.
Codes are stable strings (tests assert codes, never message text); messages are translated.
"""


class DomainError(Exception):
    def __init__(self, code: str, message: str = "", *, field: str | None = None, **params):
        self.code = str(code)
        self.message = str(message) if message else self.code
        self.field = field
        self.params = params
        super().__init__(f"{self.code}: {self.message}")

    def __str__(self) -> str:
        return self.message

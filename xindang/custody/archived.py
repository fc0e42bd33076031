"""Whether a customer file has been transferred to the archive room (移交档案室归档). The lifecycle app
knows; it registers fn(customer) -> bool here (wired by the integrator). Default: nothing archived.
An archived file is read only through a lookup request that the office director signs (000 4.5)."""

from collections.abc import Callable

_CHECKS: list[Callable[[object], bool]] = []


def register_archived_check(fn: Callable[[object], bool]) -> None:
    if fn not in _CHECKS:
        _CHECKS.append(fn)


def is_archived(customer) -> bool:
    return any(check(customer) for check in _CHECKS)

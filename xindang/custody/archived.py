"""Whether a customer file has been transferred to the archive room (移交档案室归档). The lifecycle app
knows; it registers fn(customer) -> bool here (wired by the integrator). Default: nothing archived.
An archived file is read only through a lookup request that the office director signs (000 4.5).

`archived_filter`, optional: a function () -> Q over Customer selecting the archived files, so that
lists leave them out of everyone's standing access (the archivist keeps them); without it only the
approval chain of a lookup changes."""

from collections.abc import Callable

from xindang.customers.selectors import visibility_changed

_CHECKS: list[Callable[[object], bool]] = []
_FILTERS: list[Callable[[], object]] = []


def register_archived_check(
    fn: Callable[[object], bool], *, archived_filter: Callable[[], object] | None = None
) -> None:
    if fn not in _CHECKS:
        _CHECKS.append(fn)
    if archived_filter is not None and archived_filter not in _FILTERS:
        _FILTERS.append(archived_filter)
        visibility_changed()  # the files' visibility statements leave the archived files out from now


def unregister_archived_check(fn: Callable[[object], bool], archived_filter=None) -> None:
    """Take back a register_archived_check (tests)."""
    if fn in _CHECKS:
        _CHECKS.remove(fn)
    if archived_filter in _FILTERS:
        _FILTERS.remove(archived_filter)
        visibility_changed()


def archived_condition():
    """Q over Customer of the archived files, or None when no module says which."""
    cond = None
    for fn in _FILTERS:
        q = fn()
        if q is not None:
            cond = q if cond is None else cond | q
    return cond


def is_archived(customer) -> bool:
    return any(check(customer) for check in _CHECKS)

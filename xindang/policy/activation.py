"""Checks a draft must pass before it is put in force, registered by the apps above the policy.

The policy app sits low in the layers and knows no domain app; an app that must look at a draft
before it applies (credit: a back-test of the draft against every customer, 002 客户信用管理制度)
registers a function in its AppConfig.ready():

    register_activation_check(backtest_check)   # fn(version) -> ActivationCheck | None

put_in_force() refuses a draft with a required check not done, unless a written reason to skip it
is given (audited with the put-in-force event); the policy page shows each check's summary beside
the button.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ActivationCheck:
    name: str  # stable code, e.g. "grants.backtest" (stored in the audit event)
    title: str  # translatable, shown as the heading
    required: bool  # this draft needs it (False: shown for information only)
    done: bool  # completed for the draft as it stands
    summary: tuple[tuple[str, str], ...] = field(default=())  # (label, value) rows
    url: str = ""  # where to run it or read it in full
    note: str = ""  # what is missing or why it is not needed
    ref: dict = field(default_factory=dict)  # what the audit event records (e.g. the run's id)


_CHECKS: list[Callable] = []


def register_activation_check(fn: Callable) -> None:
    """fn(version: PolicyVersion) -> ActivationCheck | None (None: nothing to check for this draft)."""
    if fn not in _CHECKS:
        _CHECKS.append(fn)


def activation_checks(version) -> list[ActivationCheck]:
    return [check for fn in _CHECKS if (check := fn(version)) is not None]


def missing_checks(version) -> list[ActivationCheck]:
    return [check for check in activation_checks(version) if check.required and not check.done]

"""Holds (保管冻结): what keeps a customer's file and documents from being destroyed or a person's data
from being erased — open receivables, an unsettled dispute or complaint, litigation, a manual hold.

The accounting-archive rule that papers of unsettled debts are not destroyed (SPEC §8) reaches across
apps: the ledger knows the receivables, relations the complaints, retention the manual holds. Each
registers a source in its AppConfig.ready(); disposal and erasure ask `holds_on(customer)` without
knowing who answers (the sources sit above core in the layers)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Hold:
    source: str  # a stable code, e.g. "ledger.receivables", "relations.complaint", "retention.manual"
    reason: str  # in the reader's language: "未结应收款 ¥12,000.00"
    until: date | None = None  # None: while the cause lasts
    url: str = ""  # where the cause is seen


_SOURCES: list[Callable[[object], list[Hold]]] = []


def register_hold_source(source: Callable[[object], list[Hold]]) -> None:
    """source(customer) -> the holds it puts on that customer's file now."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def holds_on(customer) -> list[Hold]:
    """Every hold on the customer's file now, from every registered source."""
    return [hold for source in _SOURCES for hold in source(customer)]

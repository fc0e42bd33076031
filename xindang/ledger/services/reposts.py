"""Idempotency: a row whose (source system, external id) is already posted — or is posted by an earlier
row of the same batch — is a repost: it gets that entry back if the data agree, or the
conflicting-repost error."""

from collections import defaultdict

from ..models import TradeEntry
from .preparing import PreparedRow

_COMPARED = ("customer_id", "kind", "original_amount", "currency", "entry_on")


def _same(existing: TradeEntry, new: TradeEntry, explicit_due: bool) -> bool:
    if any(getattr(existing, f) != getattr(new, f) for f in _COMPARED):
        return False
    return not explicit_due or existing.due_on == new.due_on


def find_reposts(prepared: list[PreparedRow]) -> None:
    """Idempotency: a row whose (source system, external id) is already posted gets that entry back
    if the data agree, or the conflicting-repost error."""
    by_source = defaultdict(set)
    for row in prepared:
        if row.entry is not None and row.entry.external_id:
            by_source[row.entry.source_system].add(row.entry.external_id)
    found = {}
    for source, ext_ids in by_source.items():
        ext_ids = sorted(ext_ids)
        for i in range(0, len(ext_ids), 1000):
            for e in TradeEntry.objects.filter(source_system=source, external_id__in=ext_ids[i : i + 1000]):
                found[(source, e.external_id)] = e
    seen: dict = {}
    for row in prepared:
        e = row.entry
        if e is None or not e.external_id:
            continue
        key = (e.source_system, e.external_id)
        explicit_due = row.data.get("due_on") not in (None, "")
        other = found.get(key)
        if other is None and key in seen:
            first = seen[key]
            if _same(first.entry, e, explicit_due):
                row.duplicate_of = first
            else:
                row.fail(
                    "ledger.conflicting_repost",
                    "external_id",
                    external_id=e.external_id,
                    source_system=e.source_system,
                )
            continue
        if other is not None:
            if _same(other, e, explicit_due):
                row.existing = other
            else:
                row.fail(
                    "ledger.conflicting_repost",
                    "external_id",
                    external_id=e.external_id,
                    source_system=e.source_system,
                )
            continue
        seen[key] = row

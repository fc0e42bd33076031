"""Comparing two policy versions (pure): which setting changed from what to what."""

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldChange:
    section: str
    field: str
    old: object
    new: object


def _ordered_union(first: Mapping, second: Mapping) -> list:
    return [*first, *(key for key in second if key not in first)]


def _same(a, b) -> bool:
    # JSON tells true from 1 even though Python does not.
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def diff_sections(old: Mapping[str, Mapping], new: Mapping[str, Mapping]) -> list[FieldChange]:
    """Every field whose value differs, in the new version's order; a field absent on one side is None.
    (Values are plain JSON, so 1 and 1.0 are equal and True is not 1.)"""
    changes = []
    for section in _ordered_union(new, old):
        before, after = old.get(section) or {}, new.get(section) or {}
        for field in _ordered_union(after, before):
            a, b = before.get(field), after.get(field)
            if not _same(a, b):
                changes.append(FieldChange(section, field, a, b))
    return changes

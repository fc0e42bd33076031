"""One shape for every analysis: a document of titled tables whose columns say what their cells are
(text, money, share …). The screen, the .xlsx and the PDF all render the same document, so an export
holds exactly the figures on the screen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from xindang.core.money import format_yuan

TEXT, MONEY, SHARE, PERCENT, RATIO, INT = "text", "money", "share", "percent", "ratio", "int"


class LazyRows(Sequence):
    """Rows read a slice at a time (a list of every customer of the company): len() is known at once,
    [lo:hi] reads that slice (the screen's page), iteration reads chunk by chunk (the export).
    `fetch(lo, hi)` returns the rows lo..hi-1; the last slice read is kept (a page reads its cells and
    their links)."""

    CHUNK = 5000

    def __init__(self, count: int, fetch: Callable[[int, int], list]):
        self.count, self.fetch_slice = count, fetch
        self._last: tuple[int, int, list] | None = None

    def _fetch(self, lo: int, hi: int) -> list:
        if self._last is None or self._last[:2] != (lo, hi):
            self._last = (lo, hi, list(self.fetch_slice(lo, hi)) if hi > lo else [])
        return self._last[2]

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        if isinstance(index, slice):
            lo, hi, step = index.indices(self.count)
            rows = self._fetch(lo, max(lo, hi))
            return rows[::step] if step != 1 else list(rows)
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(index)
        return self._fetch(index, index + 1)[0]

    def __iter__(self):
        for lo in range(0, self.count, self.CHUNK):
            yield from self.fetch_slice(lo, min(self.count, lo + self.CHUNK))

    def map(self, fn: Callable) -> LazyRows:
        """The same rows through `fn`, read as lazily."""
        return LazyRows(self.count, lambda lo, hi: [fn(r) for r in self._fetch(lo, hi)])


def each(source, fn: Callable):
    """`fn` over the rows of `source`: a list for a list, lazily for LazyRows."""
    return source.map(fn) if isinstance(source, LazyRows) else [fn(r) for r in source]


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # per row: a drill-down URL or ""
    note: str = ""
    empty: str = ""
    link_column: int = 0  # the cell that carries the row's link


@dataclass
class Document:
    slug: str  # names the export file and the audit event
    title: str
    subtitle: str = ""
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)  # the query that made it (kept in the audit event)
    data: dict = field(default_factory=dict)  # what the screen needs beside the tables (stock inputs)


def show(value, kind: str) -> str:
    """A cell as the screen and the PDF print it: ¥1,250.00, 25.0 %, 1.2345, "—" for no figure."""
    if value is None or value == "":
        return "—"
    if kind == MONEY:
        return format_yuan(value)
    if kind == SHARE:
        return f"{Decimal(value) * 100:.1f} %"
    if kind == PERCENT:
        return f"{Decimal(value):.1f} %"
    if kind == RATIO:
        return f"{Decimal(value):.2f}"
    if kind == INT:
        return f"{int(value):,}"
    return str(value)

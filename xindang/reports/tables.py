"""One shape for every analysis: a document of titled tables whose columns say what their cells are
(text, money, share …). The screen, the .xlsx and the PDF all render the same document, so an export
holds exactly the figures on the screen."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from xindang.core.money import format_yuan

TEXT, MONEY, SHARE, PERCENT, RATIO, INT = "text", "money", "share", "percent", "ratio", "int"


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

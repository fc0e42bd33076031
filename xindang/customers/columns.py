"""Columns of the customer list and its export: the file's own and those the higher modules register.

`customers` sits below the ledger and credit in the layers, so it cannot read exposure, limits or
grades itself. Those modules register the columns they own here, in their AppConfig.ready() (like the
workbench providers and the approval callbacks): each column brings the SQL expression that computes
its value per customer row (a correlated subquery), so the list stays one query however many columns
are shown, and sorting by a credit figure happens in the database. docs/architecture.md.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

MONEY, DATE, DAYS, PERCENT, GRADE, TEXT = "money", "date", "days", "percent", "grade", "text"


@dataclass(frozen=True)
class ListColumn:
    key: str
    label: object  # lazy text
    # The annotation: today → {name: expression}; None for the file's own fields.
    annotate: Callable[[date], dict] | None = None
    kind: str = TEXT
    permission: str = ""  # who may see it (besides seeing the file)
    sort: str = ""  # the field or annotation to order by; "" = not sortable
    param: str = ""  # the sort's name in the URL (?sort=…), the key unless said otherwise
    # Sorting by "days since" is sorting by the date the other way round.
    sort_reversed: bool = False
    default: bool = False  # shown until the user chooses
    order: int = 100
    value: Callable | None = field(default=None, compare=False)  # (customer row, today) → value

    @property
    def is_number(self) -> bool:
        return self.kind in (MONEY, DAYS, PERCENT)

    @property
    def sort_param(self) -> str:
        return (self.param or self.key) if self.sort else ""

    def value_of(self, row, today: date):
        if self.value is not None:
            return self.value(row, today)
        return getattr(row, self.key, None)

    def is_available(self, user) -> bool:
        return not self.permission or user.has_perm(self.permission)


_REGISTRY: dict[str, ListColumn] = {}


def register_list_column(column: ListColumn) -> None:
    """Called by the modules above customers in their AppConfig.ready()."""
    _REGISTRY[column.key] = column


def _display(name):
    """The choice's label, as row.get_<name>_display() gives it (which builds the field's dict of
    choices again for every call: 50 rows a page)."""
    labels = {}

    def label(row, today):
        if not labels:
            labels.update(row._meta.get_field(name).flatchoices)
        value = getattr(row, name)
        return str(labels.get(value, value) or "")

    return label


# The file's own columns (no annotation needed).
OWN_COLUMNS = [
    ListColumn("file_no", _("File number"), sort="file_no", default=True, order=0),
    ListColumn("name", _("Registered name"), sort="name_pinyin", default=True, order=1),
    ListColumn("credit_code", _("Unified social credit code"), order=2),
    ListColumn(
        "department", _("Department"), default=True, order=3, value=lambda row, today: row.department.name
    ),
    ListColumn("owner", _("Salesperson"), default=True, order=4, value=lambda row, today: str(row.owner)),
    ListColumn("status", _("Status"), sort="status", default=True, order=5, value=_display("status")),
    ListColumn("tier", _("Tier"), order=6, value=_display("tier")),
    ListColumn("importance", _("Importance"), order=7, value=_display("importance")),
    ListColumn("region", _("Region"), order=8, value=lambda row, today: row.region_label() or ""),
    ListColumn(
        "registered_capital",
        _("Registered capital"),
        kind=MONEY,
        sort="registered_capital",
        param="capital",
        order=9,
    ),
    ListColumn(
        "updated_at", _("Updated"), kind=DATE, sort="updated_at", param="updated", default=True, order=900
    ),
]
ALWAYS_SHOWN = ("file_no", "name")  # a row must say which file it is


def all_columns() -> list[ListColumn]:
    return sorted([*OWN_COLUMNS, *_REGISTRY.values()], key=lambda c: (c.order, c.key))


def registered_columns() -> list[ListColumn]:
    return sorted(_REGISTRY.values(), key=lambda c: (c.order, c.key))


def available_columns(user) -> list[ListColumn]:
    return [c for c in all_columns() if c.is_available(user)]


def chosen_columns(user, keys: list[str] | None) -> list[ListColumn]:
    """The columns the user chose (in the list's order), or the defaults; never one they may not see."""
    available = available_columns(user)
    if not keys:
        return [c for c in available if c.default or c.key in ALWAYS_SHOWN]
    wanted = set(keys) | set(ALWAYS_SHOWN)
    return [c for c in available if c.key in wanted]


def annotations(columns, today: date) -> dict:
    out = {}
    for column in columns:
        if column.annotate is not None:
            out.update(column.annotate(today))
    return out

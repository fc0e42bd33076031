"""What the credit check decides on, as both reads of the fast path answer it (sql.py, orm.py)."""

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class OverdueRow:
    """An open debit the check names (the oldest overdue one, the oldest of a previous month)."""

    entry_id: int
    kind: str
    entry_on: date
    due_on: date | None
    amount: Decimal
    open_amount: Decimal


@dataclass(frozen=True)
class Facts:
    exposure: dict  # the ledger Exposure row's figures: Exposure.FIGURES name → Decimal
    grant_limit_amount: Decimal | None
    grant_valid_until: date | None
    grant_kind: str | None
    grade: str | None
    oldest_overdue: OverdueRow | None
    expired_reservations: int
    trade_suspended: bool
    # An emergency stop of shipments not yet lifted (004 客户信息管理制度 第十一条1(3)).
    shipments_stopped: bool = False
    # The oldest open debit entered before this month began (002 第三十五条, month period).
    previous_month_debt: OverdueRow | None = None
    # "id|number|in force from" of the policy version in force, None before any is stored.
    policy_key: str | None = None
    # The id the check's record will have, drawn from its sequence (PostgreSQL, when asked).
    next_check_id: int | None = None
    # A new customer whose transaction card is not approved (004 客户信息管理制度 第十条1(8)), and the
    # conditions attached to its trade at the approval (第十条2(3)), as codes.
    card_pending: bool = False
    conditions: tuple = ()

    def comparable(self) -> dict:
        """Every fact, for holding the two reads equal: the policy version by id (the key's text
        renders its date per engine), without the record's id (drawn only by the SQL read)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out.pop("next_check_id")
        out["policy_key"] = policy_version_id(self.policy_key)
        return out


def policy_version_id(policy_key: str | None) -> int | None:
    """The PolicyVersion id of a key "id|number|in force from" (None: no version stored yet)."""
    return int(policy_key.split("|", 1)[0]) if policy_key is not None else None


CENT = Decimal("0.01")
CENT_ZERO = Decimal("0.00")


def as_money(field, value) -> Decimal:
    """A money column as Decimal with two places (SQLite hands back int or float, joined columns
    text)."""
    if value is None:
        return CENT_ZERO
    if type(value) is not Decimal:
        value = field.to_python(value)
    return value.quantize(CENT)


def as_date(value) -> date | None:
    if value is None or type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])

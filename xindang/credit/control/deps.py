"""What the credit check reads from its neighbours (ledger, grants, ratings, collection), in one place.

Each is a thin call into the owning app's public selector/service, so the check's service reads
like the rule it applies and the tests see one seam.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import connection

from xindang.core.db import fetchone
from xindang.credit import selectors as credit_selectors
from xindang.credit.grants import selectors as grant_selectors
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.credit.models import Rating, RatingStatus
from xindang.customers.choices import Onboarding
from xindang.customers.models import Customer
from xindang.ledger import rules as ledger_rules
from xindang.ledger import selectors as ledger_selectors
from xindang.ledger import services as ledger_services
from xindang.ledger.collection import selectors as collection_selectors
from xindang.ledger.collection.models import TradeSuspension
from xindang.ledger.models import Exposure, Reservation, TradeEntry
from xindang.onboarding import selectors as onboarding_selectors
from xindang.onboarding.models import TransactionCard
from xindang.policy.models import PolicyVersion

from .models import CreditCheck, ShipmentStop


def lock_exposure(customer_id: int):
    return ledger_services.lock_exposure(customer_id)


def release_expired(customer) -> int:
    """Expired reservations of the customer released (the caller holds the exposure lock)."""
    return ledger_services.release_expired(customer) or 0


def reserve(*, customer, amount, kind, expires_at, reference="", by=None):
    return ledger_services.reserve(
        customer=customer, amount=amount, kind=kind, expires_at=expires_at, reference=reference, by=by
    )


def exposure_of(customer):
    return ledger_selectors.exposure_of(customer)


def exposures_for(customer_ids) -> dict:
    return ledger_selectors.exposures_for(list(customer_ids))


def oldest_overdue_item(customer, on: date):
    return ledger_selectors.oldest_overdue_item(customer, on)


def active_grant(customer, on: date):
    return grant_selectors.active_grant(customer, on)


def limit_in_force(grant, on: date):
    """The grant's limit on `on`, following its reduction schedule (002 第二十六条2、第二十七条)."""
    return grant_selectors.limit_in_force(grant, on)


def active_grants_for(customer_ids, on: date) -> dict:
    return grant_selectors.active_grants_for(customer_ids, on)


def latest_grant(customer):
    return grant_selectors.latest_grant(customer)


def current_grade(customer) -> str | None:
    rating = credit_selectors.current_rating(customer)
    return rating.grade if rating is not None else None


def current_grades(customer_ids) -> dict:
    return credit_selectors.current_grades(list(customer_ids))


def oldest_unsettled_before(customer, before: date):
    return ledger_selectors.oldest_unsettled_before(customer, before)


def is_trade_suspended(customer) -> bool:
    return bool(collection_selectors.is_trade_suspended(customer))


def is_card_pending(customer) -> bool:
    """A new customer whose transaction card is not approved yet (the onboarding app's answer)."""
    return not onboarding_selectors.is_onboarded(Customer.objects.only("onboarding").get(pk=customer.pk))


def card_conditions(customer) -> list[str]:
    """The conditions attached to the customer's trade at its card's approval, by code."""
    return onboarding_selectors.conditions_of(customer.pk)


# --- The check's hot path: everything in one statement --------------------------------------------
#
# The service could ask each neighbour in turn (lock_exposure, active_grant, current_rating,
# oldest_overdue_item, is_trade_suspended, release_expired: six ORM queries, most of the check's
# time spent compiling them). locked_facts() asks the same questions in ONE SELECT … FOR UPDATE on
# the customer's exposure row, with a scalar subquery per neighbour; table and column names come
# from the models, and tests/test_facts.py holds it equal to the selectors above on every case.
# FOR UPDATE locks only the exposure row (PostgreSQL: FROM-clause rows; MariaDB/MySQL: subqueries
# without their own locking clause take no locks) — the same lock posting takes.


@dataclass(frozen=True)
class OverdueRow:
    """The oldest open debit past its due date (the fields the check shows)."""

    entry_id: int
    kind: str
    entry_on: date
    due_on: date | None
    amount: Decimal
    open_amount: Decimal


OVERDUE_FIELDS = ("kind", "entry_on", "due_on", "amount", "open_amount")


def _joined(vendor: str, exprs: list[str]) -> str:
    """Several columns of one row as one '|'-separated text (a scalar subquery returns one column)."""
    if vendor == "sqlite":  # SQLite 3.40 has no concat_ws
        return " || '|' || ".join(f"CAST({e} AS TEXT)" for e in exprs)
    return f"CONCAT_WS('|', {', '.join(exprs)})"


@dataclass(frozen=True)
class Facts:
    exposure: dict  # the ledger Exposure row's figures: Exposure.FIGURES name → Decimal
    grant_limit_amount: Decimal | None
    grant_valid_until: date | None
    grant_kind: str | None
    grade: str | None
    oldest_overdue: "OverdueRow | None"
    expired_reservations: int
    trade_suspended: bool
    # An emergency stop of shipments not yet lifted (004 客户信息管理制度 第十一条1(3)).
    shipments_stopped: bool = False
    # The oldest open debit entered before this month began (002 第三十五条, month period).
    previous_month_debt: "OverdueRow | None" = None
    # "id|number|in force from" of the policy version in force, None before any is stored.
    policy_key: str | None = None
    # The id the check's record will have, drawn from its sequence (PostgreSQL, when asked).
    next_check_id: int | None = None
    # A new customer whose transaction card is not approved (004 客户信息管理制度 第十条1(8)), and the
    # conditions attached to its trade at the approval (第十条2(3)), as codes.
    card_pending: bool = False
    conditions: tuple = ()


_SQL: dict[str, str] = {}


def _facts_sql(vendor: str, lock: bool, next_check_id: bool = False) -> str:
    key = f"{vendor}:{lock}:{next_check_id}"
    if key in _SQL:
        return _SQL[key]

    def t(model):
        return model._meta.db_table

    def c(model, name):
        return model._meta.get_field(name).column

    figures = ", ".join(f"e.{c(Exposure, f)}" for f in Exposure.FIGURES)
    cust = c(Exposure, "customer")
    grant_where = (
        f"FROM {t(CreditGrant)} g WHERE g.{c(CreditGrant, 'customer')} = e.{cust} "
        f"AND g.{c(CreditGrant, 'status')} = '{GrantStatus.ACTIVE}' "
        f"AND (g.{c(CreditGrant, 'valid_until')} IS NULL OR g.{c(CreditGrant, 'valid_until')} >= %s) "
        f"ORDER BY g.{c(CreditGrant, 'valid_from')} DESC, g.id DESC LIMIT 1"
    )
    debit = ", ".join(f"'{k}'" for k in sorted(ledger_rules.DEBIT_KINDS))
    overdue_where = (
        f"FROM {t(TradeEntry)} x WHERE x.{c(TradeEntry, 'customer')} = e.{cust} "
        f"AND x.{c(TradeEntry, 'kind')} IN ({debit}) AND x.{c(TradeEntry, 'open_amount')} > 0 "
        f"AND x.{c(TradeEntry, 'due_on')} < %s "
        f"ORDER BY x.{c(TradeEntry, 'due_on')}, x.{c(TradeEntry, 'entry_on')}, x.id LIMIT 1"
    )
    x_cols = ["x.id"] + [f"x.{c(TradeEntry, f)}" for f in OVERDUE_FIELDS]
    overdue = f"(SELECT {_joined(vendor, x_cols)} {overdue_where}), "  # one index descent, every field
    # 002 第三十五条 (month period): the oldest open debit entered before this month began.
    previous_where = (
        f"FROM {t(TradeEntry)} x WHERE x.{c(TradeEntry, 'customer')} = e.{cust} "
        f"AND x.{c(TradeEntry, 'kind')} IN ({debit}) AND x.{c(TradeEntry, 'open_amount')} > 0 "
        f"AND x.{c(TradeEntry, 'entry_on')} < %s "
        f"ORDER BY x.{c(TradeEntry, 'entry_on')}, x.id LIMIT 1"
    )
    text = "CHAR" if vendor == "mysql" else "TEXT"
    due = f"COALESCE(CAST(x.{c(TradeEntry, 'due_on')} AS {text}), '')"  # may be empty here; keep its place
    p_cols = [due if col.endswith(f".{c(TradeEntry, 'due_on')}") else col for col in x_cols]
    previous = f"(SELECT {_joined(vendor, p_cols)} {previous_where}), "
    stop_t, stop_c = t(ShipmentStop), c(ShipmentStop, "customer")
    stopped = (
        f"(SELECT COUNT(*) FROM {stop_t} q WHERE q.{stop_c} = e.{cust} "  # noqa: S608
        f"AND q.{c(ShipmentStop, 'lifted_at')} IS NULL), "
    )
    # 004 客户信息管理制度 第十条: the customer's onboarding and the conditions attached to its trade.
    onboarding = (
        f"(SELECT COUNT(*) FROM {t(Customer)} k WHERE k.id = e.{cust} "  # noqa: S608
        f"AND k.{c(Customer, 'onboarding')} <> '{Onboarding.APPROVED}'), "
        f"(SELECT z.{c(TransactionCard, 'conditions')} FROM {t(TransactionCard)} z "
        f"WHERE z.{c(TransactionCard, 'customer')} = e.{cust}), "
    )
    # Identifiers come from the models, literals from code constants; every value is a bound parameter.
    sql = (
        f"SELECT {figures}, "  # noqa: S608
        f"(SELECT {grant_selectors.limit_in_force_sql('g')} {grant_where}), "  # the reduction schedule's step
        f"(SELECT g.{c(CreditGrant, 'valid_until')} {grant_where}), "
        f"(SELECT g.{c(CreditGrant, 'kind')} {grant_where}), "
        f"(SELECT r.{c(Rating, 'grade')} FROM {t(Rating)} r WHERE r.{c(Rating, 'customer')} = e.{cust} "
        f"AND r.{c(Rating, 'status')} = '{RatingStatus.APPROVED}' "
        f"ORDER BY r.{c(Rating, 'effective_at')} DESC, r.id DESC LIMIT 1), "
        + overdue
        + previous
        + f"(SELECT COUNT(*) FROM {t(Reservation)} v WHERE v.{c(Reservation, 'customer')} = e.{cust} "  # noqa: S608
        f"AND v.{c(Reservation, 'status')} = '{Reservation.Status.HELD}' "
        f"AND v.{c(Reservation, 'expires_at')} <= %s), "
        f"(SELECT COUNT(*) FROM {t(TradeSuspension)} s WHERE s.{c(TradeSuspension, 'customer')} = e.{cust} "
        f"AND s.{c(TradeSuspension, 'lifted_at')} IS NULL), "
        + stopped
        + onboarding
        + _version_sql(vendor)
        + (_next_check_id_sql() if next_check_id else "")
        + f" FROM {t(Exposure)} e WHERE e.{cust} = %s"
    )
    if lock and vendor != "sqlite":
        sql += " FOR UPDATE"
    _SQL[key] = sql
    return sql


def _version_sql(vendor: str) -> str:
    """The policy version in force now, as "id|number|in force from" (policy.selectors.version_in_force
    asks the same; here it rides along in the check's one statement)."""

    def col(n):
        return PolicyVersion._meta.get_field(n).column

    skip = ", ".join(f"'{s}'" for s in (PolicyVersion.Status.DRAFT, PolicyVersion.Status.DISCARDED))
    key = _joined(vendor, ["p.id", f"p.{col('number')}", f"p.{col('effective_from')}"])
    return (
        f"(SELECT {key} FROM {PolicyVersion._meta.db_table} p "  # noqa: S608 - model metadata
        f"WHERE p.{col('effective_from')} <= %s "
        f"AND (p.{col('effective_to')} IS NULL OR p.{col('effective_to')} > %s) "
        f"AND p.{col('status')} NOT IN ({skip}) ORDER BY p.{col('effective_from')} DESC LIMIT 1)"
    )


def _next_check_id_sql() -> str:
    return f", nextval(pg_get_serial_sequence('{CreditCheck._meta.db_table}', 'id'))"


def locked_facts(
    customer_id: int, *, on: date, now, lock: bool = True, create: bool = True, next_check_id: bool = False
) -> Facts | None:
    """The exposure row (locked) and what the check decides on, in one statement. A customer without
    an exposure row gets one first (through the ledger's lock_exposure) — or, with create=False,
    None comes back (a check that only reads does not write). next_check_id (PostgreSQL) also draws
    the id of the check's record from its sequence."""

    ops = connection.ops
    day, moment = ops.adapt_datefield_value(on), ops.adapt_datetimefield_value(now)
    month_start = ops.adapt_datefield_value(on.replace(day=1))
    params = [day] * 5 + [month_start] + [moment] * 3 + [customer_id]
    sql = _facts_sql(connection.vendor, lock, next_check_id)
    row = fetchone(sql, params)
    if row is None:
        if not create:
            return None
        lock_exposure(customer_id)
        row = fetchone(sql, params)
    n = len(Exposure.FIGURES)
    dec = Exposure._meta.get_field("open_shipments_amount")
    exposure = {name: _money(dec, v) for name, v in zip(Exposure.FIGURES, row[:n], strict=True)}
    (limit, valid_until, kind, grade, overdue, previous, expired, suspended, stopped, pending, conditions) = (
        row[n : n + 11]
    )
    policy_key, *check_id = row[n + 11 :]
    return Facts(
        exposure=exposure,
        grant_limit_amount=_money(dec, limit) if limit is not None else None,
        grant_valid_until=_date(valid_until),
        grant_kind=kind,
        grade=grade,
        oldest_overdue=_overdue_row(dec, overdue),
        previous_month_debt=_overdue_row(dec, previous),
        expired_reservations=int(expired or 0),
        trade_suspended=bool(suspended),
        shipments_stopped=bool(stopped),
        card_pending=bool(pending),
        conditions=tuple(c for c in str(conditions or "").split(",") if c),
        policy_key=str(policy_key) if policy_key is not None else None,
        next_check_id=check_id[0] if check_id else None,
    )


def _overdue_row(dec, joined) -> "OverdueRow | None":
    """An entry's fields joined by '|' in one scalar subquery, as an OverdueRow (None for none)."""
    if joined is None:
        return None
    entry_id, o_kind, entry_on, due_on, o_amount, o_open = str(joined).split("|")
    return OverdueRow(
        entry_id=int(entry_id),
        kind=o_kind,
        entry_on=_date(entry_on),
        due_on=_date(due_on) if due_on else None,
        amount=_money(dec, o_amount),
        open_amount=_money(dec, o_open),
    )


def _date(value) -> date | None:
    if value is None or type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def _money(field, value) -> Decimal:
    """A money column as Decimal with two places (SQLite hands back int or float, the joined
    columns text)."""
    if value is None:
        return _CENT_ZERO
    if type(value) is not Decimal:
        value = field.to_python(value)
    return value.quantize(_CENT)


_CENT = Decimal("0.01")
_CENT_ZERO = Decimal("0.00")


def limits_in_force_for(customer_ids, on: date) -> dict:
    """Customer id → the limit in force on `on` of its grant in force (reduction schedule followed),
    None without one; one query (the related-party group's limits)."""
    ids = list(customer_ids)
    grants = {g.pk: cid for cid, g in grant_selectors.active_grants_for(ids, on).items()}
    out = dict.fromkeys(ids)
    rows = CreditGrant.objects.filter(pk__in=list(grants)).annotate(
        limit_of_day=grant_selectors.limit_in_force_expression(on)
    )
    for pk, limit in rows.values_list("pk", "limit_of_day"):
        out[grants[pk]] = limit
    return out

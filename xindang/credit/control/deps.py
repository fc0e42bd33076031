"""What the credit check reads from its neighbours (ledger, grants, ratings, collection), in one place.

Each is a thin call into the owning app's public selector/service, so the check's service reads
like the rule it applies and the tests see one seam.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


def lock_exposure(customer_id: int):
    from xindang.ledger.services import lock_exposure as lock

    return lock(customer_id)


def release_expired(customer) -> int:
    """Expired reservations of the customer released (the caller holds the exposure lock)."""
    from xindang.ledger.services import release_expired as release

    return release(customer) or 0


def reserve(*, customer, amount, kind, expires_at, reference="", by=None):
    from xindang.ledger.services import reserve as hold

    return hold(
        customer=customer, amount=amount, kind=kind, expires_at=expires_at, reference=reference, by=by
    )


def exposure_of(customer):
    from xindang.ledger.selectors import exposure_of as exposure

    return exposure(customer)


def exposures_for(customer_ids) -> dict:
    from xindang.ledger.selectors import exposures_for as bulk

    return bulk(list(customer_ids))


def oldest_overdue_item(customer, on: date):
    from xindang.ledger.selectors import oldest_overdue_item as oldest

    return oldest(customer, on)


def active_grant(customer, on: date):
    from xindang.credit.grants.selectors import active_grant as grant

    return grant(customer, on)


def active_grants_for(customer_ids, on: date) -> dict:
    from xindang.credit.grants.selectors import active_grants_for as grants

    return grants(customer_ids, on)


def latest_grant(customer):
    from xindang.credit.grants.selectors import latest_grant as latest

    return latest(customer)


def current_grade(customer) -> str | None:
    from xindang.credit.selectors import current_rating

    rating = current_rating(customer)
    return rating.grade if rating is not None else None


def current_grades(customer_ids) -> dict:
    from xindang.credit.selectors import current_grades as grades

    return grades(list(customer_ids))


def is_trade_suspended(customer) -> bool:
    from xindang.ledger.collection.selectors import is_trade_suspended as suspended

    return bool(suspended(customer))


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
    due_on: date
    amount: Decimal
    open_amount: Decimal


OVERDUE_FIELDS = ("kind", "entry_on", "due_on", "amount", "open_amount")


def _overdue_sql() -> str:
    from xindang.ledger.models import TradeEntry

    cols = ", ".join(TradeEntry._meta.get_field(f).column for f in OVERDUE_FIELDS)
    return f"SELECT {cols} FROM {TradeEntry._meta.db_table} WHERE id = %s"  # noqa: S608 - model metadata


@dataclass(frozen=True)
class Facts:
    exposure: object  # an unsaved ledger Exposure carrying the figures
    grant_limit_amount: Decimal | None
    grant_valid_until: date | None
    grant_kind: str | None
    grade: str | None
    oldest_overdue: "OverdueRow | None"
    expired_reservations: int
    trade_suspended: bool


_SQL: dict[str, str] = {}


def _facts_sql(vendor: str, lock: bool) -> str:
    key = f"{vendor}:{lock}"
    if key in _SQL:
        return _SQL[key]
    from xindang.credit.grants.models import CreditGrant, GrantStatus
    from xindang.credit.models import Rating, RatingStatus
    from xindang.ledger import rules as ledger_rules
    from xindang.ledger.collection.models import TradeSuspension
    from xindang.ledger.models import Exposure, Reservation, TradeEntry

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
    overdue = f"(SELECT x.id {overdue_where}), "  # one scan; the row's fields by id after
    # Identifiers come from the models, literals from code constants; every value is a bound parameter.
    sql = (
        f"SELECT {figures}, "  # noqa: S608
        f"(SELECT g.{c(CreditGrant, 'limit_amount')} {grant_where}), "
        f"(SELECT g.{c(CreditGrant, 'valid_until')} {grant_where}), "
        f"(SELECT g.{c(CreditGrant, 'kind')} {grant_where}), "
        f"(SELECT r.{c(Rating, 'grade')} FROM {t(Rating)} r WHERE r.{c(Rating, 'customer')} = e.{cust} "
        f"AND r.{c(Rating, 'status')} = '{RatingStatus.APPROVED}' "
        f"ORDER BY r.{c(Rating, 'effective_at')} DESC, r.id DESC LIMIT 1), "
        + overdue
        + f"(SELECT COUNT(*) FROM {t(Reservation)} v WHERE v.{c(Reservation, 'customer')} = e.{cust} "  # noqa: S608
        f"AND v.{c(Reservation, 'status')} = '{Reservation.Status.HELD}' "
        f"AND v.{c(Reservation, 'expires_at')} <= %s), "
        f"(SELECT COUNT(*) FROM {t(TradeSuspension)} s WHERE s.{c(TradeSuspension, 'customer')} = e.{cust} "
        f"AND s.{c(TradeSuspension, 'lifted_at')} IS NULL) "
        f"FROM {t(Exposure)} e WHERE e.{cust} = %s"
    )
    if lock and vendor != "sqlite":
        sql += " FOR UPDATE"
    _SQL[key] = sql
    return sql


def locked_facts(customer_id: int, *, on: date, now, lock: bool = True) -> Facts:
    """The exposure row (locked) and what the check decides on, in one statement; creates the
    exposure row first when the customer has none (through the ledger's lock_exposure)."""
    from django.db import connection

    from xindang.ledger.models import Exposure

    ops = connection.ops
    day = ops.adapt_datefield_value(on)
    params = [day] * 4 + [ops.adapt_datetimefield_value(now), customer_id]
    sql = _facts_sql(connection.vendor, lock)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
        if row is None:
            lock_exposure(customer_id)
            cursor.execute(sql, params)
            row = cursor.fetchone()
    n = len(Exposure.FIGURES)
    dec = Exposure._meta.get_field("open_shipments_amount")
    values = [_money(dec, v) for v in row[:n]]
    exposure = Exposure(customer_id=customer_id, **dict(zip(Exposure.FIGURES, values, strict=True)))
    limit, valid_until, kind, grade, overdue_id, expired, suspended = row[n:]
    oldest = None
    if overdue_id is not None:
        with connection.cursor() as cursor:
            cursor.execute(_overdue_sql(), [overdue_id])
            o = cursor.fetchone()
        oldest = OverdueRow(
            entry_id=overdue_id,
            kind=o[0],
            entry_on=_date(o[1]),
            due_on=_date(o[2]),
            amount=_money(dec, o[3]),
            open_amount=_money(dec, o[4]),
        )
    return Facts(
        exposure=exposure,
        grant_limit_amount=_money(dec, limit) if limit is not None else None,
        grant_valid_until=_date(valid_until),
        grant_kind=kind,
        grade=grade,
        oldest_overdue=oldest,
        expired_reservations=int(expired or 0),
        trade_suspended=bool(suspended),
    )


def _date(value) -> date | None:
    if value is None or type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def _money(field, value) -> Decimal:
    """A money column as Decimal with two places (SQLite hands back int or float)."""
    if value is None:
        return Decimal("0.00")
    return field.to_python(value).quantize(Decimal("0.01"))

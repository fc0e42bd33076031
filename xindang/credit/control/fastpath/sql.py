"""The credit check's hand-written statements: the one read of everything a check decides on, the
policy version in force, and the INSERT of the check's record.

The service could ask each neighbour in turn (lock_exposure, active_grant, current_rating,
oldest_overdue_item, is_trade_suspended, release_expired: six ORM queries, most of the check's
time spent compiling them). read_facts() asks the same questions in ONE SELECT … FOR UPDATE on the
customer's exposure row, with a scalar subquery per neighbour; table and column names come from the
models, literals from code constants, every value is a bound parameter. orm.py asks the same through
the neighbours' selectors, and tests/test_fastpath.py holds the two equal on every case and engine.
FOR UPDATE locks only the exposure row (PostgreSQL: FROM-clause rows; MariaDB/MySQL: subqueries
without their own locking clause take no locks) — the same lock posting takes.

Statements run through xindang.core.db.fetchone: on PostgreSQL bound on the server and prepared once
per connection.
"""

import functools
from datetime import date

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from psycopg.types.json import Jsonb

from xindang.core.db import fetchone
from xindang.credit.grants import selectors as grant_selectors
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.credit.models import Rating, RatingStatus
from xindang.customers.choices import Onboarding
from xindang.customers.models import Customer
from xindang.ledger import rules as ledger_rules
from xindang.ledger import services as ledger_services
from xindang.ledger.collection.models import TradeSuspension
from xindang.ledger.models import Exposure, Reservation, TradeEntry
from xindang.onboarding.models import TransactionCard
from xindang.policy.models import PolicyVersion

from ..models import CreditCheck, ShipmentStop
from ..recorder import COLUMNS
from .facts import Facts, OverdueRow, as_date, as_money

OVERDUE_FIELDS = ("kind", "entry_on", "due_on", "amount", "open_amount")


def joined(vendor: str, exprs: list[str]) -> str:
    """Several columns of one row as one '|'-separated text (a scalar subquery returns one column)."""
    if vendor == "sqlite":  # SQLite 3.40 has no concat_ws
        return " || '|' || ".join(f"CAST({e} AS TEXT)" for e in exprs)
    return f"CONCAT_WS('|', {', '.join(exprs)})"


_SQL: dict[str, str] = {}


def _t(model) -> str:
    return model._meta.db_table


def _c(model, name) -> str:
    return model._meta.get_field(name).column


def facts_sql(vendor: str, lock: bool, next_check_id: bool = False) -> str:
    """The read's text (built once per process and shape: psycopg recognises it to prepare it)."""
    key = f"{vendor}:{lock}:{next_check_id}"
    if key in _SQL:
        return _SQL[key]
    t, c = _t, _c
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
    overdue = f"(SELECT {joined(vendor, x_cols)} {overdue_where}), "  # one index descent, every field
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
    previous = f"(SELECT {joined(vendor, p_cols)} {previous_where}), "
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
        + version_sql(vendor)
        + (f", nextval(pg_get_serial_sequence('{t(CreditCheck)}', 'id'))" if next_check_id else "")
        + f" FROM {t(Exposure)} e WHERE e.{cust} = %s"
    )
    if lock and vendor != "sqlite":
        sql += " FOR UPDATE"
    _SQL[key] = sql
    return sql


def version_sql(vendor: str) -> str:
    """The policy version in force now, as "id|number|in force from" (policy.selectors.version_in_force
    asks the same): a scalar subquery, riding along in the check's one statement."""

    def col(n):
        return _c(PolicyVersion, n)

    skip = ", ".join(f"'{s}'" for s in (PolicyVersion.Status.DRAFT, PolicyVersion.Status.DISCARDED))
    key = joined(vendor, ["p.id", f"p.{col('number')}", f"p.{col('effective_from')}"])
    return (
        f"(SELECT {key} FROM {_t(PolicyVersion)} p "  # noqa: S608 - model metadata
        f"WHERE p.{col('effective_from')} <= %s "
        f"AND (p.{col('effective_to')} IS NULL OR p.{col('effective_to')} > %s) "
        f"AND p.{col('status')} NOT IN ({skip}) ORDER BY p.{col('effective_from')} DESC LIMIT 1)"
    )


def read_facts(
    customer_id: int, *, on: date, now, lock: bool = True, create: bool = True, next_check_id: bool = False
) -> Facts | None:
    """The exposure row (locked when `lock`) and what the check decides on, in one statement. A
    customer without an exposure row gets one first (through the ledger's lock_exposure) — or, with
    create=False, None comes back (a check that only reads does not write); an id that names no
    customer raises Customer.DoesNotExist. next_check_id
    (PostgreSQL) also draws the id of the check's record from its sequence."""

    db = connections[DEFAULT_DB_ALIAS]  # once: django.db.connection looks it up at every attribute
    ops = db.ops
    day, moment = ops.adapt_datefield_value(on), ops.adapt_datetimefield_value(now)
    month_start = ops.adapt_datefield_value(on.replace(day=1))
    params = [day] * 5 + [month_start] + [moment] * 3 + [customer_id]
    sql = facts_sql(db.vendor, lock, next_check_id)
    row = fetchone(sql, params)
    if row is None:
        if not create:
            return None
        no_such_customer(customer_id)
        ledger_services.lock_exposure(customer_id)
        row = fetchone(sql, params)
    n = len(Exposure.FIGURES)
    dec = Exposure._meta.get_field("open_shipments_amount")
    exposure = {name: as_money(dec, v) for name, v in zip(Exposure.FIGURES, row[:n], strict=True)}
    (limit, valid_until, kind, grade, overdue, previous, expired, suspended, stopped, pending, conditions) = (
        row[n : n + 11]
    )
    policy_key, *check_id = row[n + 11 :]
    return Facts(
        exposure=exposure,
        grant_limit_amount=as_money(dec, limit) if limit is not None else None,
        grant_valid_until=as_date(valid_until),
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


def no_such_customer(customer_id: int) -> None:
    """Customer.DoesNotExist for an id that names no customer. Asked only when the customer has no
    exposure row yet (a row, read with the facts, says the customer exists): a caller may hand the
    check a customer it did not look up."""
    if not Customer.objects.filter(pk=customer_id).exists():
        raise Customer.DoesNotExist(customer_id)


def _overdue_row(dec, text) -> OverdueRow | None:
    """An entry's fields joined by '|' in one scalar subquery, as an OverdueRow (None for none)."""
    if text is None:
        return None
    entry_id, o_kind, entry_on, due_on, o_amount, o_open = str(text).split("|")
    return OverdueRow(
        entry_id=int(entry_id),
        kind=o_kind,
        entry_on=as_date(entry_on),
        due_on=as_date(due_on) if due_on else None,
        amount=as_money(dec, o_amount),
        open_amount=as_money(dec, o_open),
    )


def policy_key(now) -> str | None:
    """ "id|number|in force from" of the policy version in force at `now` (None before any)."""
    moment = connection.ops.adapt_datetimefield_value(now)
    (key,) = fetchone("SELECT " + version_sql(connection.vendor), [moment, moment])
    return str(key) if key is not None else None


def record_params(values: dict, wrap=None) -> list:
    """The record's values in recorder.COLUMNS order, as psycopg parameters (the JSON fields
    wrapped by `wrap`: psycopg's Jsonb by default; json.dumps gives text, for COPY)."""
    if wrap is None:
        wrap = Jsonb
    return [wrap(values[c]) if c in JSON_COLUMNS else values[attname] for c, attname in _attnames()]


JSON_COLUMNS = ("reasons", "inputs")


@functools.cache
def _attnames() -> tuple[tuple[str, str], ...]:
    """(column, attname) of the record's columns in recorder.COLUMNS order, looked up once."""
    meta = CreditCheck._meta
    return tuple((c, meta.get_field(c).attname) for c in COLUMNS)


_INSERT_SQL: dict[bool, str] = {}


def insert_check(values: dict) -> int:
    """INSERT the check's record (CreditCheck field attname → value); its id. On PostgreSQL one
    hand-written statement (planned once per connection), committed synchronously by default; only
    with the opt-in CREDIT_CHECK_ASYNC_COMMIT, outside a transaction, does it commit without waiting
    for the WAL flush (synchronous_commit off for this one-statement transaction): then a server crash
    in the next fraction of a second can lose the record of an answer, never make the data
    inconsistent. Inside a caller's transaction (routing to approval, reserving) the caller's commit
    decides. Other engines: the ORM's create()."""

    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql":
        return CreditCheck.objects.create(**values).pk
    relaxed = not db.in_atomic_block and getattr(settings, "CREDIT_CHECK_ASYNC_COMMIT", False)
    sql = _INSERT_SQL.get(relaxed)
    if sql is None:
        quote = db.ops.quote_name
        cols = ", ".join(quote(_c(CreditCheck, c)) for c in COLUMNS)
        marks = ", ".join(["%s"] * len(COLUMNS))
        # set_config(…, true) lasts to the end of the statement's own transaction: its commit.
        returning = "id, set_config('synchronous_commit', 'off', true)" if relaxed else "id"
        sql = _INSERT_SQL[relaxed] = (
            f"INSERT INTO {quote(_t(CreditCheck))} ({cols}) VALUES ({marks}) RETURNING {returning}"  # noqa: S608
        )
    return fetchone(sql, record_params(values))[0]

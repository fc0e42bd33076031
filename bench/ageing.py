"""Ageing benchmark (not a test): the ageing report for every customer at today and at a past
as-of date, and ledger_facts_bulk for every customer, on a generated ledger.

    make bench-ageing                    # = .venv/bin/python bench/ageing.py --customers 100000 --per 50

Seeds a throwaway PostgreSQL database `xindang_bench_ageing` (dropped unless --keep; --reuse keeps a
seeded one): 1,000 generated customer files cloned in SQL to `--customers`, and `--per` ledger rows
per customer (shipments due after 30 days; four in five paid by a later payment, with its
allocation; the rest open), all inserted with INSERT … SELECT generate_series.

Measured 2026-11-23 on the shared 2-core machine (load average 4–5 from other work), PostgreSQL 15,
100,000 customers, 5,000,000 entries, 2,000,000 allocations, median of 3:
  ageing today, by customer (100,000 rows, labelled and sorted) 5.0 s; by salesperson 1.2 s;
  by department 1.1 s; company 0.85 s.
  ageing at a past date (2026-04-02; allocations after it counted back) by customer 9.2 s;
  by salesperson 2.9 s; by department 2.6 s; company 1.8 s.
  ledger_facts_bulk for all 100,000 customers: 82 s (five aggregate queries per 2,000 customers).
Re-measured later (another machine of the same size, load ~1): today 4.35 s / 0.84 / 0.94 /
  0.64 s; past date 6.15 s / 1.59 / 1.61 / 1.16 s.
"""

# SQL from model metadata and integers, no user input
import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

DB = "xindang_bench_ageing"


def admin(sql):
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as c:
        cur = c.execute(sql)
        return cur.fetchall() if cur.description else None


def setup(args) -> bool:
    exists = bool(admin(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'"))
    fresh = not (args.reuse and exists)
    if fresh:
        admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        admin(f"CREATE DATABASE {DB} ENCODING 'UTF8' TEMPLATE template0")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ["XINDANG_DEV"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xindang.settings")
    import django

    django.setup()
    return fresh


def _columns(model, overrides: dict) -> tuple[str, str]:
    cols, exprs = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f'"{f.column}"')
        exprs.append(overrides.get(f.column, f't."{f.column}"'))
    return ", ".join(cols), ", ".join(exprs)


def seed(args, start: date) -> None:
    from django.core.management import call_command
    from django.db import connection

    from xindang.customers.demo import organisation, seeding
    from xindang.customers.demo.generator import DemoGenerator
    from xindang.customers.models import Customer
    from xindang.ledger.models import Allocation, TradeEntry

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    departments = organisation.ensure_departments()
    users = organisation.ensure_users(departments)
    base = min(1000, args.customers)
    seeding.seed_customers(
        base,
        generator=DemoGenerator("ageing"),
        departments=departments,
        users=users,
        history=False,
        children=False,
    )
    copies = (args.customers + base - 1) // base - 1
    unique = {
        f.column: "NULL" if f.null else f"""t."{f.column}" || '~' || g"""
        for f in Customer._meta.concrete_fields
        if f.unique and not f.primary_key
    }
    cols, exprs = _columns(Customer, unique)
    with connection.cursor() as cur:
        if copies > 0:
            cur.execute(
                f"INSERT INTO {Customer._meta.db_table} ({cols}) SELECT {exprs} "
                f"FROM {Customer._meta.db_table} t CROSS JOIN generate_series(1, {copies}) g"
            )
        print(f"  customers: {Customer.objects.count():,} ({time.perf_counter() - t0:.0f} s)")
        # Entries: per customer `per` rows; odd i a shipment every 7 days, even i a payment of the
        # shipment before it (4 in 5 of them), dated 10–50 days after the shipment.
        te = TradeEntry._meta.db_table
        ov = {
            "customer_id": "c.id",
            "kind": "CASE WHEN g % 2 = 1 OR (c.id + g) % 5 = 0 THEN 'shipment' ELSE 'payment' END",
            "entry_on": f"DATE '{start}' + (g * 7 + CASE WHEN g % 2 = 0 THEN c.id % 40 + 3 ELSE 0 END)::int",
            "due_on": f"CASE WHEN g % 2 = 1 OR (c.id + g) % 5 = 0 THEN DATE '{start}' + (g * 7 + 30)::int END",  # noqa: E501
            "amount": "(1000 + (c.id * 37 + (g - g % 2) * 101) % 9000)::numeric(18,2)",
            "original_amount": "(1000 + (c.id * 37 + (g - g % 2) * 101) % 9000)::numeric(18,2)",
            "open_amount": "0",
            "currency": "'CNY'",
            "fx_rate": "1",
            "source_system": "'bench'",
            "external_id": "c.id || '-' || g",
            "created_at": "now()",
        }
        for f in TradeEntry._meta.concrete_fields:
            if f.primary_key or f.column in ov:
                continue
            if f.null:
                ov[f.column] = "NULL"
            elif f.get_internal_type() == "BooleanField":
                ov[f.column] = "false"
            else:
                ov[f.column] = "''"
        cols, exprs = _columns(TradeEntry, ov)
        exprs = exprs.replace('t."', 'c."')
        t1 = time.perf_counter()
        cur.execute(f"ALTER TABLE {te} SET UNLOGGED") if args.unlogged else None
        cur.execute(
            f"INSERT INTO {te} ({cols}) SELECT {exprs} FROM {Customer._meta.db_table} c "
            f"CROSS JOIN generate_series(1, {args.per}) g"
        )
        # Shipments without a payment stay open; the others are paid by the next row's payment.
        cur.execute(
            f"""INSERT INTO {Allocation._meta.db_table}
            (debit_entry_id, credit_entry_id, amount, allocated_on,
             customer_id, debit_kind, debit_entry_on, debit_due_on)
            SELECT d.id, p.id, d.amount, p.entry_on, d.customer_id, d.kind, d.entry_on, d.due_on
            FROM {te} d JOIN {te} p
              ON p.customer_id = d.customer_id AND p.kind = 'payment'
             AND p.external_id = d.customer_id || '-' || (split_part(d.external_id, '-', 2)::int + 1)
            WHERE d.kind = 'shipment'"""
        )
        cur.execute(
            f"""UPDATE {te} d SET open_amount = d.amount WHERE d.kind = 'shipment'
            AND NOT EXISTS (SELECT 1 FROM {Allocation._meta.db_table} a WHERE a.debit_entry_id = d.id)"""
        )
        cur.execute("VACUUM ANALYZE")
        print(
            f"  entries: {TradeEntry.objects.count():,}, allocations: {Allocation.objects.count():,} "
            f"({time.perf_counter() - t1:.0f} s)"
        )


def timed(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return times, result


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--customers", type=int, default=100_000)
    p.add_argument("--per", type=int, default=50)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--keep", action="store_true")
    p.add_argument("--reuse", action="store_true")
    p.add_argument("--unlogged", action="store_true")
    args = p.parse_args()
    today = date.today()
    start = today - timedelta(days=args.per * 7 + 60)  # the last payments fall before today
    fresh = setup(args)
    try:
        if fresh:
            seed(args, start)
        from xindang.customers.models import Customer
        from xindang.ledger import ageing
        from xindang.ledger.facts import ledger_facts_bulk

        end = today
        cases = [("today", today), ("past", start + timedelta(days=args.per * 7 // 2))]
        for label, on in cases:
            for dim in ("customer", "salesperson", "department", "company"):
                times, report = timed(
                    lambda on=on, dim=dim: ageing.ageing_report(on=on, dimension=dim), args.runs
                )
                print(
                    f"ageing {label:5} {on} by {dim:11}: median {statistics.median(times):6.2f} s "
                    f"(min {min(times):.2f}), {len(report.rows):,} rows, total {report.totals.total:,.2f}, "
                    f"overdue {report.totals.overdue:,.2f}"
                )
        ids = list(Customer.objects.values_list("pk", flat=True))
        times, facts = timed(lambda: ledger_facts_bulk(ids, on=end), 1)
        print(f"ledger_facts_bulk for {len(ids):,} customers: {times[0]:.1f} s")
    finally:
        if not args.keep:
            admin(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()

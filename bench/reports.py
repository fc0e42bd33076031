#!/usr/bin/env python
"""XinDang analyses benchmark (not a test): each analysis page and the credit dashboard, through
Django's test client (session, permissions, selectors, template), beside the bare SQL aggregate that
the same figures cannot do without (the floor), on the ledger bench's data set (bench/ledger.py:
100,000 customers, 5,000,000 entries on PostgreSQL).

    python bench/reports.py                                   # PostgreSQL, the ledger bench's kept database
    python bench/reports.py --database xd_mine_bench          # another kept database (built if missing)
    python bench/reports.py --customers 20000 --entries 1000000 --build   # a smaller set, built now

The data set is the ledger bench's (`python bench/ledger.py --engine postgresql --keep` builds it, or
`--build` here); the dashboard's monthly facts, the credit snapshot and the ABC ranking of the day
are refreshed first when missing (as the daily run does) and those refreshes are timed too. Page and
floor take turns on every iteration, so a busy machine slows both alike; `ratio p95` = page p95 /
floor p95. Users: the credit manager (every file) and a department manager (the department's files).
Results: stdout (a Markdown table) and bench/results/reports-<engine>.json.
"""

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from contextlib import nullcontext
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (str(ROOT), str(ROOT / "bench")):
    if p not in sys.path:
        sys.path.insert(0, p)

import ledger  # noqa: E402

TARGET_MS = {"dashboard": 300, "page": 1000}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", choices=["postgresql", "sqlite", "mysql"], default="postgresql")
    p.add_argument("--database", default=ledger.BENCH_DB, help=f"kept database (default {ledger.BENCH_DB})")
    p.add_argument("--customers", type=int)
    p.add_argument("--entries", type=int)
    p.add_argument("--build", action="store_true", help="build the data set when the database lacks it")
    p.add_argument("--iterations", type=int, default=20, help="timed requests per operation (default 20)")
    p.add_argument("--warmup", type=int, default=2, help="untimed requests first (default 2)")
    p.add_argument("--ops", help="only the operations whose name contains one of these (comma-separated)")
    p.add_argument("--users", default="cm,dm", help="cm: credit manager, dm: department manager")
    p.add_argument("--refresh", action="store_true", help="refresh the monthly facts even if stored (timed)")
    p.add_argument("--today", type=date.fromisoformat, help="the day the pages are opened (default: today)")
    return p.parse_args(argv)


def pct(times, q):
    return ledger.pct(times, q)


def main(argv=None) -> int:
    args = parse_args(argv)
    ledger.BENCH_DB = args.database
    largv = ["--engine", args.engine, "--keep", "--reuse"]
    if args.customers:
        largv += ["--customers", str(args.customers)]
    if args.entries:
        largv += ["--entries", str(args.entries)]
    largs = ledger.parse_args(largv)
    url, fresh, _cleanup = ledger.prepare_database(largs)
    var_dir = Path(tempfile.mkdtemp(prefix="xindang-reports-bench-var-"))
    try:
        ledger.setup_django(url, var_dir)
        from django.core.management import call_command
        from django.db import connection

        from xindang.customers.models import Customer
        from xindang.ledger.models import TradeEntry

        build = {}
        if not fresh:
            call_command("migrate", verbosity=0)  # tables added since the data set was built
            fresh = not Customer.objects.exists()  # kept, but an earlier run stopped before building
        if fresh:
            if not args.build:
                print(f"no data set in {args.database}: build it (--build, or bench/ledger.py --keep)")
                return 2
            build = ledger.build_dataset(customers=largs.customers, entries=largs.entries)
        held_c, held_e = Customer.objects.count(), TradeEntry.objects.count()
        print(f"XinDang analyses bench: {connection.vendor}, {held_c:,} customers, {held_e:,} entries")
        return _run(args, connection, held_c, held_e, build)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)


def _run(args, connection, held_c, held_e, build) -> int:
    from unittest import mock

    from django.test import Client
    from django.utils import timezone

    from xindang.accounts.models import User
    from xindang.accounts.roles import Role
    from xindang.reports import services
    from xindang.reports.models import MonthlyFact

    today = args.today or timezone.localdate()
    closed = [date(y, m, 1) for y, m in services.closed_months(today)]
    stored = MonthlyFact.objects.filter(
        customer__isnull=True, department__isnull=True, month__in=closed
    ).count()
    refresh_s = None
    if args.refresh or stored < len(closed):
        t = time.perf_counter()
        rows = services.refresh_monthly_facts(today=today)
        refresh_s = time.perf_counter() - t
        print(f"  monthly facts refreshed (the daily run's step): {refresh_s:.1f} s, {rows:,} rows")
    else:
        rows = MonthlyFact.objects.filter(month__in=closed).count()
        print(f"  monthly facts of {len(closed)} months already stored ({rows:,} rows; --refresh to time it)")
    from xindang.reports.models import SalesFact

    sales_s = None
    if (
        args.refresh
        or not SalesFact.objects.filter(
            customer__isnull=True, department__isnull=True, month=closed[-1]
        ).exists()
    ):
        t = time.perf_counter()
        sales_rows = services.refresh_sales_facts(today=today)
        sales_s = time.perf_counter() - t
        print(f"  sales facts stored (the daily run's step): {sales_s:.1f} s, {sales_rows:,} rows")
    else:
        print("  sales facts already stored (--refresh to time them)")
    from xindang.reports.selectors import snapshot

    snap_s = None
    if args.refresh or snapshot.for_day(today) is None:
        t = time.perf_counter()
        snap_rows = services.refresh_credit_snapshot(today=today)
        snap_s = time.perf_counter() - t
        print(
            f"  credit snapshot of {today} stored (the daily run's step): {snap_s:.1f} s, {snap_rows:,} rows"
        )
    else:
        print(f"  credit snapshot of {today} already stored (--refresh to time it)")
    from xindang.reports.models import AbcRank

    abc_s = None
    if args.refresh or not AbcRank.objects.filter(kind="core", customer__isnull=True, on=today).exists():
        t = time.perf_counter()
        abc_rows = services.refresh_abc_ranking(today=today)
        abc_s = time.perf_counter() - t
        print(
            f"  ABC ranking and the two ends of {today} stored (the daily run's step): "
            f"{abc_s:.1f} s, {abc_rows:,} rows"
        )
    else:
        print(f"  ABC ranking of {today} already stored (--refresh to time it)")
    with connection.cursor() as cur:
        cur.execute("ANALYZE reports_monthlyfact")
        cur.execute("ANALYZE reports_creditsnapshot")
        cur.execute("ANALYZE reports_abcrank")
        cur.execute("ANALYZE reports_salesfact")

    cm = User.objects.filter(groups__name=Role.CREDIT_MANAGER.value, is_active=True).order_by("pk").first()
    dm = (
        User.objects.filter(
            groups__name=Role.DEPARTMENT_MANAGER.value, is_active=True, department__isnull=False
        )
        .order_by("pk")
        .first()
    )
    year = today.year if today.month > 1 else today.year - 1
    start, end = date(year, 1, 1), min(date(year, 12, 31), today)
    cid_dept = dm.department_id if dm else None
    ops = [
        ("dashboard", "/reports/credit/", "dashboard", _floor_dashboard),
        ("dashboard (API)", "/api/reports/dashboard", "dashboard", _floor_dashboard),
        ("composition", f"/reports/composition/?year={year}&dimension=industry", "page", _floor_composition),
        ("ABC and the two ends", f"/reports/abc/?year={year}", "page", _floor_abc),
        ("ABC and the two ends, last year", f"/reports/abc/?year={year - 1}", "page", _floor_abc),
        ("seasonal and products", f"/reports/sales/?year={year - 1}", "page", _floor_seasonal),
        ("ABC (API)", f"/api/reports/abc?year={year}", "page", _floor_abc),
        ("core customers (API)", f"/api/reports/core-customers?year={year}", "page", _floor_abc),
        ("tail customers (API)", f"/api/reports/tail-customers?year={year}", "page", _floor_abc),
        ("yearly report", f"/reports/yearly/?year={year}", "page", _floor_abc),
        ("yearly report, last year", f"/reports/yearly/?year={year - 1}", "page", _floor_abc),
    ]
    if args.ops:
        wanted = [w.strip().lower() for w in args.ops.split(",") if w.strip()]
        ops = [op for op in ops if any(w in op[0].lower() for w in wanted)]
    users = [u for key, u in (("cm", cm), ("dm", dm)) if u and key in args.users.split(",")]
    results = []
    load_before = os.getloadavg()[0]
    frozen = (
        mock.patch("django.utils.timezone.localdate", return_value=today) if args.today else nullcontext()
    )
    with frozen:
        for user in users:
            client = Client()
            client.force_login(user)
            dept = None if user is cm else cid_dept
            for name, url, kind, floor in ops:
                if client.get(url).status_code == 403:  # e.g. the yearly report: not a department manager's
                    print(
                        f"  {name:24} {'department manager' if dept else 'credit manager':18} (not allowed)"
                    )
                    continue
                page_t, floor_t = [], []
                for i in range(args.warmup + args.iterations):
                    pair = [
                        ("page", lambda url=url, c=client: _get(c, url)),
                        ("floor", lambda f=floor, d=dept: f(connection, today, start, end, d)),
                    ]
                    if i % 2:
                        pair.reverse()
                    for which, fn in pair:
                        t0 = time.perf_counter()
                        fn()
                        ms = (time.perf_counter() - t0) * 1000
                        if i >= args.warmup:
                            (page_t if which == "page" else floor_t).append(ms)
                row = {
                    "operation": name,
                    "user": "credit manager" if user is cm else "department manager",
                    "p50": pct(page_t, 0.5),
                    "p95": pct(page_t, 0.95),
                    "floor_p50": pct(floor_t, 0.5),
                    "floor_p95": pct(floor_t, 0.95),
                    "target": TARGET_MS[kind],
                }
                row["ratio_p95"] = row["p95"] / max(row["floor_p95"], 1e-6)
                results.append(row)
                print(
                    f"  {name:24} {row['user']:18} p50 {row['p50']:8.0f} p95 {row['p95']:8.0f}  "
                    f"floor {row['floor_p50']:7.1f}/{row['floor_p95']:7.1f}  target {row['target']}",
                    flush=True,
                )
    print()
    print(_table(results))
    out = {
        "engine": connection.vendor,
        "customers": held_c,
        "entries": held_e,
        "today": today.isoformat(),
        "iterations": args.iterations,
        "facts_refresh_s": round(refresh_s, 1) if refresh_s is not None else None,
        "facts_rows": rows,
        "snapshot_refresh_s": round(snap_s, 1) if snap_s is not None else None,
        "abc_refresh_s": round(abc_s, 1) if abc_s is not None else None,
        "sales_facts_refresh_s": round(sales_s, 1) if sales_s is not None else None,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load": [load_before, os.getloadavg()[0]],
        },
        "build": build,
        "results": results,
    }
    ledger.RESULTS.mkdir(parents=True, exist_ok=True)
    (ledger.RESULTS / f"reports-{connection.vendor}.json").write_text(json.dumps(out, indent=2, default=str))
    print(f"\n  results: bench/results/reports-{connection.vendor}.json")
    return 0


def _get(client, url):
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code)
    return r


def _fmt(ms: float) -> str:
    return f"{ms:.0f}" if ms >= 10 else f"{ms:.1f}"


def _table(results) -> str:
    lines = [
        "| operation | user | p50 ms | p95 ms | floor p50 | floor p95 | ratio p95 | target p95 |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ok = "✓" if r["p95"] < r["target"] else "✗"
        lines.append(
            f"| {r['operation']} | {r['user']} | {_fmt(r['p50'])} | {_fmt(r['p95'])} | "
            f"{_fmt(r['floor_p50'])} | {_fmt(r['floor_p95'])} | {r['ratio_p95']:.1f}× "
            f"| < {r['target']} {ok} |"
        )
    return "\n".join(lines)


# --- Floors: the bare aggregate each page's figures need --------------------------------------------
SALES = "e.kind IN ('shipment', 'invoice')"


def _scope(dept) -> tuple[str, list]:
    if dept is None:
        return "", []
    return " AND e.customer_id IN (SELECT id FROM customers_customer WHERE department_id = %s)", [dept]


def _q(connection, sql, params):
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _floor_dashboard(connection, today, start, end, dept):
    """The closed months' stored facts and the receivables open now, by due date (the running month)."""
    where, p = _scope(dept)
    if dept is None:
        facts = "SELECT month, receivable, current, sales FROM reports_monthlyfact WHERE customer_id IS NULL"
        fp = []
    else:
        facts = (
            "SELECT month, SUM(receivable), SUM(current), SUM(sales) FROM reports_monthlyfact "
            "WHERE customer_id IN (SELECT id FROM customers_customer WHERE department_id = %s) GROUP BY month"
        )
        fp = [dept]
    _q(connection, facts, fp)
    return _q(
        connection,
        f"SELECT SUM(CASE WHEN e.due_on < %s THEN e.open_amount ELSE 0 END), SUM(e.open_amount) "
        f"FROM ledger_tradeentry e WHERE {SALES} AND e.open_amount > 0{where}",
        [today, *p],
    )


def _floor_composition(connection, today, start, end, dept):
    where, p = _scope(dept)
    return _q(
        connection,
        "SELECT c.industry, SUM(e.amount), COUNT(DISTINCT e.customer_id) FROM ledger_tradeentry e "
        f"JOIN customers_customer c ON c.id = e.customer_id WHERE {SALES} "
        f"AND e.entry_on BETWEEN %s AND %s{where} GROUP BY c.industry",
        [start, end, *p],
    )


def _floor_abc(connection, today, start, end, dept):
    where, p = _scope(dept)
    return _q(
        connection,
        f"SELECT e.customer_id, SUM(e.amount) FROM ledger_tradeentry e WHERE {SALES} "
        f"AND e.entry_on BETWEEN %s AND %s{where} GROUP BY e.customer_id ORDER BY 2 DESC",
        [start, end, *p],
    )


def _floor_seasonal(connection, today, start, end, dept):
    where, p = _scope(dept)
    return _q(
        connection,
        f"SELECT EXTRACT(YEAR FROM e.entry_on), EXTRACT(MONTH FROM e.entry_on), SUM(e.amount) "
        f"FROM ledger_tradeentry e WHERE {SALES} AND e.entry_on BETWEEN %s AND %s{where} GROUP BY 1, 2",
        [date(start.year - 3, 1, 1), date(start.year - 1, 12, 31), *p],
    )


if __name__ == "__main__":
    sys.exit(main())

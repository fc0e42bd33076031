#!/usr/bin/env python
"""XinDang ledger benchmark (not a test): build a throwaway database of customers and trade entries,
then time reading a customer's exposure three ways in the same run —

  * maintained: the Exposure row the ledger keeps per customer (ledger.selectors.exposure_of);
  * naive: the exposure summed over the customer's whole ledger at every call (how ERPNext computes
    the outstanding amount; ledger.selectors.naive_exposure);
  * floor: one indexed primary-key SELECT of the Exposure row (raw SQL, no ORM);

— and the bulk-posting throughput of POST /api/ledger/entries (batches of 1,000, with an API key).

    python bench/ledger.py --engine postgresql                # 100,000 customers, 5,000,000 entries
    python bench/ledger.py                                    # SQLite, 10,000 customers, 500,000 entries
    python bench/ledger.py --engine postgresql --keep         # keep the database …
    python bench/ledger.py --engine postgresql --reuse        # … and measure it again without building

Entries per customer are skewed (a few large accounts hold tens of thousands of entries, the median a
few dozen), as in a real company. Exposure is read for customers drawn two ways: uniformly, and in
proportion to their trade (credit checks come with shipments, so busy accounts are checked most).
The operation, the floor and the naive form take turns on every customer (their order rotating), so
whatever else the machine does at a moment slows all three alike. Besides each sample's percentiles,
the calls of both samples are grouped by the length of the customer's ledger (1–100, 101–1,000,
1,001–10,000, more entries): the naive cost grows with the ledger, the maintained one does not; and
"whole series" is the naive series' total time over the operation's (what a day of checks costs).

Other benchmarks reuse this one (the credit check adds its timing):

    sys.path.insert(0, "bench"); import ledger
    ledger.main(extra=lambda ctx: ctx.measure("credit check", lambda cid: check(cid)))

`ctx.measure(name, fn)` times fn(customer_id) beside the floor and the naive sum; `build_dataset(...)`
builds (or `--reuse`s) the data set. Results: stdout and bench/results/ledger-<engine>.json.
"""

import argparse
import gc
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import deque
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BENCH_DB = "xindang_bench_ledger"
for p in (str(ROOT), str(ROOT / "bench")):
    if p not in sys.path:
        sys.path.insert(0, p)

DEFAULTS = {"postgresql": (100_000, 5_000_000), "sqlite": (10_000, 500_000), "mysql": (10_000, 500_000)}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", choices=["sqlite", "postgresql", "mysql"], default="sqlite")
    p.add_argument("--customers", type=int, help="customers (default 100,000 on PostgreSQL, else 10,000)")
    p.add_argument(
        "--entries", type=int, help="trade entries (default 5,000,000 on PostgreSQL, else 500,000)"
    )
    p.add_argument("--iterations", type=int, default=2000, help="timed reads per operation (default 2000)")
    p.add_argument("--warmup", type=int, default=200, help="untimed reads first (default 200)")
    p.add_argument(
        "--warm",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="warm up on every sampled customer before timing (default; --no-warm: first touch)",
    )
    p.add_argument("--post-batches", type=int, default=10, help="API batches of 1,000 to post (default 10)")
    p.add_argument(
        "--skew", type=float, default=0.7, help="Zipf exponent of entries per customer (default 0.7)"
    )
    p.add_argument("--seed", default="ledger-bench")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards (see --reuse)")
    p.add_argument("--reuse", action="store_true", help="reuse a kept database of the same size")
    args = p.parse_args(argv)
    customers, entries = DEFAULTS[args.engine]
    args.customers = args.customers or customers
    args.entries = args.entries or entries
    return args


# --- The throwaway database ------------------------------------------------------------------------
def prepare_database(args):
    """(DATABASE_URL, needs building, cleanup)."""
    if args.engine == "sqlite":
        if args.keep or args.reuse:
            RESULTS.mkdir(parents=True, exist_ok=True)
            path = RESULTS / f"ledger-{args.customers}-{args.entries}.sqlite3"
            fresh = not (args.reuse and path.exists())
            if fresh:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            return f"sqlite:///{path}", fresh, lambda: None
        tmp = Path(tempfile.mkdtemp(prefix="xindang-ledger-bench-"))
        return f"sqlite:///{tmp / 'bench.sqlite3'}", True, lambda: shutil.rmtree(tmp, ignore_errors=True)
    if args.engine == "postgresql":
        import psycopg

        def admin(sql):
            with psycopg.connect(
                "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True
            ) as c:
                cur = c.execute(sql)
                return cur.fetchall() if cur.description else None

        exists = bool(admin(f"SELECT 1 FROM pg_database WHERE datname = '{BENCH_DB}'"))
        fresh = not (args.reuse and exists)
        if fresh:
            admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
            admin(f"CREATE DATABASE {BENCH_DB} ENCODING 'UTF8' TEMPLATE template0")
        cleanup = (
            (lambda: None)
            if args.keep
            else (lambda: admin(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"))
        )
        return f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}", fresh, cleanup
    import pymysql

    def admin(sql):
        conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()
        finally:
            conn.close()

    exists = bool(admin(f"SHOW DATABASES LIKE '{BENCH_DB}'"))
    fresh = not (args.reuse and exists)
    if fresh:
        admin(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        admin(f"CREATE DATABASE {BENCH_DB} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    cleanup = (lambda: None) if args.keep else (lambda: admin(f"DROP DATABASE IF EXISTS {BENCH_DB}"))
    return f"mysql://root@127.0.0.1:3306/{BENCH_DB}", fresh, cleanup


def setup_django(database_url: str, var_dir: Path) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["XINDANG_DEV"] = "1"
    os.environ["XINDANG_VAR_DIR"] = str(var_dir)
    # Persistent connections, as a production server runs (README, configuration): the HTTP rows then
    # time the request, not a new database connection per request.
    os.environ.setdefault("XINDANG_CONN_MAX_AGE", "300")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xindang.settings")
    import django

    django.setup()


# --- Building the data set ---------------------------------------------------------------------------
START = date(2024, 11, 1)
DAYS = 730


def entry_counts(customers: int, entries: int, skew: float, rng: random.Random) -> list[int]:
    """Entries per customer: Zipf-like (rank^-skew), at least 1 each, summing to `entries`."""
    weights = [(i + 1) ** -skew for i in range(customers)]
    total = sum(weights)
    counts = [max(1, int(entries * w / total)) for w in weights]
    diff = entries - sum(counts)
    i = 0
    while diff != 0:  # spread the rounding over the largest accounts
        step = 1 if diff > 0 else -1
        if counts[i % customers] + step >= 1:
            counts[i % customers] += step
            diff -= step
        i += 1
    rng.shuffle(counts)
    return counts


def customer_entries(cid: int, n: int, rng: random.Random, first_id: int):
    """One customer's entries in date order, with explicit ids from `first_id`, their FIFO
    allocations and final open amounts exactly as posting leaves them, and the exposure figures.
    Debits: shipments (80 %) and invoices; payments settle the oldest open debits (now and then a
    little more: an advance, applied to the next debits)."""
    rows = []  # [id, kind, on, amount, due, external id, open]
    allocations = []  # rows of ALLOCATION_COLUMNS
    debits, credits = deque(), deque()  # indexes of rows still open
    days = sorted(rng.randrange(DAYS) for _ in range(n))

    def settle(idx, queue, as_debit):
        while queue and rows[idx][6] > 0:
            other = queue[0]
            part = min(rows[idx][6], rows[other][6])
            rows[idx][6] -= part
            rows[other][6] -= part
            debit, credit = (rows[idx], rows[other]) if as_debit else (rows[other], rows[idx])
            # (debit, credit, amount, allocated on, and the debit's customer, kind, entry and due dates)
            allocations.append((debit[0], credit[0], part, rows[idx][2], cid, debit[1], debit[2], debit[4]))
            if rows[other][6] == 0:
                queue.popleft()

    for k, day in enumerate(days):
        on = START + timedelta(days=day)
        idx = len(rows)
        if debits and rng.random() < 0.45:
            take = min(len(debits), rng.randint(1, 3))
            amount = sum((rows[debits[j]][6] for j in range(take)), Decimal(0))
            if rng.random() < 0.05:
                amount += Decimal(rng.randint(1, 50)) * 100
            rows.append([first_id + idx, "payment", on, amount, None, f"HK-{cid}-{k}", amount])
            settle(idx, debits, as_debit=False)
            if rows[idx][6] > 0:
                credits.append(idx)
        else:
            amount = Decimal(rng.randint(5, 2000)) * 100
            kind = "shipment" if rng.random() < 0.8 else "invoice"
            rows.append([first_id + idx, kind, on, amount, on + timedelta(days=30), f"XS-{cid}-{k}", amount])
            settle(idx, credits, as_debit=True)
            if rows[idx][6] > 0:
                debits.append(idx)
    figures = {
        "open_shipments_amount": Decimal(0),
        "open_invoices_amount": Decimal(0),
        "credit_balance_amount": Decimal(0),
    }
    for r in rows:
        name = {"shipment": "open_shipments_amount", "invoice": "open_invoices_amount"}.get(
            r[1], "credit_balance_amount"
        )
        figures[name] += r[6]
    return rows, allocations, figures


ENTRY_COLUMNS = [
    "id",
    "customer_id",
    "kind",
    "entry_on",
    "amount",
    "currency",
    "original_amount",
    "fx_rate",
    "due_on",
    "open_amount",
    "source_system",
    "external_id",
    "salesperson_id",
    "department_id",
    "note_no",
    "note_without_recourse",
    "memo",
    "created_at",
]
ALLOCATION_COLUMNS = [
    "debit_entry_id",
    "credit_entry_id",
    "amount",
    "allocated_on",
    "customer_id",
    "debit_kind",
    "debit_entry_on",
    "debit_due_on",
]
EXPOSURE_COLUMNS = [
    "customer_id",
    "open_shipments_amount",
    "open_invoices_amount",
    "prepayments_amount",
    "notes_amount",
    "reservations_amount",
    "credit_balance_amount",
    "updated_at",
]


def _make_customers(n: int, departments, owners) -> list[tuple[int, int, int]]:
    """n bare customer files (bulk insert); returns (id, owner id, department id)."""
    from django.utils import timezone

    from xindang.customers.models import Customer

    now = timezone.now()
    batch = []
    for i in range(n):
        owner = owners[i % len(owners)]
        batch.append(
            Customer(
                file_no=f"BL-{i:07d}",
                name=f"基准贸易{i:07d}有限公司",
                department_id=owner.department_id,
                owner_id=owner.pk,
                status="active",
                created_at=now,
                updated_at=now,
            )
        )
    for i in range(0, n, 5000):
        Customer.objects.bulk_create(batch[i : i + 5000])
    return list(Customer.objects.order_by("id").values_list("id", "owner_id", "department_id"))


def _pg_indexes(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [table],
    )
    return cursor.fetchall()


def build_dataset(*, customers: int, entries: int, skew: float = 0.7, seed: str = "ledger-bench") -> dict:
    """Migrate, then bulk-load `customers` files and `entries` trade entries (COPY on PostgreSQL,
    multi-row inserts elsewhere) with their open amounts and Exposure rows as posting would leave them.
    Returns timings."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from xindang.accounts.models import User
    from xindang.customers.demo import organisation

    rng = random.Random(seed)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    t_migrate = time.perf_counter() - t0
    departments = organisation.ensure_departments()
    users = organisation.ensure_users(departments)
    owners = list(User.objects.filter(groups__name="salesperson").order_by("id")) or list(users.values())
    t1 = time.perf_counter()
    with transaction.atomic():
        cust = _make_customers(customers, departments, owners)
    t_customers = time.perf_counter() - t1
    counts = entry_counts(len(cust), entries, skew, rng)
    now = timezone.now()
    t2 = time.perf_counter()
    exposures = []
    allocations = []
    vendor = connection.vendor

    def rows():
        next_id = 1
        for (cid, owner, dept), n in zip(cust, counts, strict=True):
            entry_rows, allocs, figures = customer_entries(cid, n, rng, next_id)
            next_id += len(entry_rows)
            exposures.append((cid, figures))
            allocations.extend(allocs)
            for eid, kind, on, amount, due, ext, open_amount in entry_rows:
                yield (
                    eid,
                    cid,
                    kind,
                    on,
                    amount,
                    "CNY",
                    amount,
                    Decimal(1),
                    due,
                    open_amount,
                    "bench",
                    ext,
                    owner,
                    dept,
                    "",
                    False,
                    "",
                    now,
                )

    done = 0
    with transaction.atomic(), connection.cursor() as cur:
        if vendor == "postgresql":
            dropped = _pg_indexes(cur, "ledger_tradeentry") + _pg_indexes(cur, "ledger_allocation")
            for name, _def in dropped:
                cur.execute(f'DROP INDEX "{name}"')
            cur.execute("SET LOCAL session_replication_role = replica")  # no FK triggers during the load
            raw = cur.cursor if hasattr(cur, "cursor") else cur
            with raw.copy(f"COPY ledger_tradeentry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN") as copy:
                for row in rows():
                    copy.write_row(row)
                    done += 1
                    if done % 500_000 == 0:
                        print(f"\r  loaded {done:>9,} / {entries:,} entries", end="", flush=True)
            print()
            with raw.copy(f"COPY ledger_exposure ({', '.join(EXPOSURE_COLUMNS)}) FROM STDIN") as copy:
                for cid, f in exposures:
                    copy.write_row(
                        (
                            cid,
                            f["open_shipments_amount"],
                            f["open_invoices_amount"],
                            0,
                            0,
                            0,
                            f["credit_balance_amount"],
                            now,
                        )
                    )
            with raw.copy(f"COPY ledger_allocation ({', '.join(ALLOCATION_COLUMNS)}) FROM STDIN") as copy:
                for row in allocations:
                    copy.write_row(row)
            t_load = time.perf_counter() - t2
            for _name, definition in dropped:
                cur.execute(definition)
        else:
            stamp = connection.ops.adapt_datetimefield_value(now)
            marks = ", ".join(["%s"] * len(ENTRY_COLUMNS))
            sql = f"INSERT INTO ledger_tradeentry ({', '.join(ENTRY_COLUMNS)}) VALUES ({marks})"
            buf = []
            for row in rows():
                buf.append(row)
                if len(buf) >= 5000:
                    cur.executemany(sql, [(*r[:-1], stamp) for r in buf])
                    done += len(buf)
                    buf = []
                    if done % 100_000 == 0:
                        print(f"\r  loaded {done:>9,} / {entries:,} entries", end="", flush=True)
            if buf:
                cur.executemany(sql, [(*r[:-1], stamp) for r in buf])
            print()
            marks = ", ".join(["%s"] * len(EXPOSURE_COLUMNS))
            sql = f"INSERT INTO ledger_exposure ({', '.join(EXPOSURE_COLUMNS)}) VALUES ({marks})"
            data = [
                (
                    cid,
                    f["open_shipments_amount"],
                    f["open_invoices_amount"],
                    0,
                    0,
                    0,
                    f["credit_balance_amount"],
                    stamp,
                )
                for cid, f in exposures
            ]
            for i in range(0, len(data), 5000):
                cur.executemany(sql, data[i : i + 5000])
            marks = ", ".join(["%s"] * len(ALLOCATION_COLUMNS))
            sql = f"INSERT INTO ledger_allocation ({', '.join(ALLOCATION_COLUMNS)}) VALUES ({marks})"
            for i in range(0, len(allocations), 5000):
                cur.executemany(sql, allocations[i : i + 5000])
            t_load = time.perf_counter() - t2
        from django.core.management.color import no_style

        from xindang.ledger.models import Allocation, TradeEntry

        for statement in connection.ops.sequence_reset_sql(no_style(), [TradeEntry, Allocation]):
            cur.execute(statement)
    with connection.cursor() as cur:
        if vendor == "postgresql":
            cur.execute("VACUUM ANALYZE ledger_tradeentry")
            cur.execute("VACUUM ANALYZE ledger_exposure")
            cur.execute("VACUUM ANALYZE ledger_allocation")
            cur.execute("ANALYZE")  # the customers too: their planner statistics decide every visibility join
        elif vendor == "sqlite":
            cur.execute("ANALYZE")
        else:
            cur.execute("ANALYZE TABLE ledger_tradeentry, ledger_exposure, ledger_allocation")
    return {
        "migrate_s": round(t_migrate, 1),
        "customers_s": round(t_customers, 1),
        "entries_load_s": round(t_load, 1),
        "indexes_and_analyze_s": round(time.perf_counter() - t2 - t_load, 1),
        "entries_per_s_load": round(entries / max(t_load, 1e-9)),
        "allocations": len(allocations),
    }


# --- Measuring ---------------------------------------------------------------------------------------
def pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class Context:
    """What extensions get: the samples of customer ids and measure(name, fn)."""

    def __init__(self, args, connection):
        from django.db.models import Count

        from xindang.ledger import selectors
        from xindang.ledger.models import TradeEntry

        self.args = args
        self.connection = connection
        self.results: list[dict] = []
        self.selectors = selectors
        ids_counts = list(
            TradeEntry.objects.values("customer_id").annotate(n=Count("id")).values_list("customer_id", "n")
        )
        rng = random.Random("samples")
        ids = [i for i, _n in ids_counts]
        weights = [n for _i, n in ids_counts]
        n = args.iterations + args.warmup
        self.samples = {
            "uniform": [rng.choice(ids) for _ in range(n)],
            "by activity": rng.choices(ids, weights=weights, k=n),
        }
        self.entries_of = dict(ids_counts)

    def floor(self, cid):
        with self.connection.cursor() as cur:
            cur.execute("SELECT * FROM ledger_exposure WHERE customer_id = %s", [cid])
            return cur.fetchone()

    NAIVE_SQL = (
        "SELECT"
        " COALESCE(SUM(CASE WHEN e.kind IN ('shipment', 'invoice') THEN e.amount"
        " WHEN e.kind IN ('payment', 'note_received', 'credit_note', 'write_off') THEN -e.amount"
        " WHEN e.kind = 'reversal' AND r.kind IN ('shipment', 'invoice') THEN -e.amount"
        " WHEN e.kind = 'reversal' AND r.kind IN ('payment', 'note_received', 'credit_note', 'write_off')"
        " THEN e.amount ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN e.kind = 'prepayment' THEN e.amount WHEN e.kind = 'goods_received'"
        " THEN -e.amount WHEN e.kind = 'reversal' AND r.kind = 'prepayment' THEN -e.amount"
        " WHEN e.kind = 'reversal' AND r.kind = 'goods_received' THEN e.amount ELSE 0 END), 0),"
        " COALESCE(SUM(CASE WHEN e.kind = 'note_received' THEN e.amount WHEN e.kind = 'note_settled'"
        " THEN -e.amount WHEN e.kind = 'reversal' AND r.kind = 'note_received' THEN -e.amount"
        " WHEN e.kind = 'reversal' AND r.kind = 'note_settled' THEN e.amount ELSE 0 END), 0)"
        " FROM ledger_tradeentry e LEFT JOIN ledger_tradeentry r ON r.id = e.reverses_id"
        " WHERE e.customer_id = %s"
    )

    def naive(self, cid):
        """The naive exposure as one hand-written SQL aggregate over the customer's whole ledger
        (what ERPNext does at every check), without ORM overhead: the fairest form of the naive."""
        with self.connection.cursor() as cur:
            cur.execute(self.NAIVE_SQL, [cid])
            receivable, prepaid, notes = cur.fetchone()
        return max(receivable, 0) + max(prepaid, 0) + notes

    def _time(self, fn, ids) -> list[float]:
        """fn timed over ids[warmup:], after an untimed pass over ids[:warmup] — or, with --warm,
        over every id of the sample (steady state: each function finds the customers' pages in
        the cache, as it would for the accounts a company checks every day)."""
        return self._interleaved([fn], ids)[0]

    def _interleaved(self, fns, ids) -> list[list[float]]:
        """Each of fns timed on each customer of ids[warmup:], the functions taking turns on every
        customer (their order rotating), so that whatever else the machine does at a moment — other
        processes, the database's own background work, the check's recorder — falls on all of them
        alike, as bench/run.py times app and floor alternately. Untimed first: ids[:warmup], or with
        --warm every id (each function finds the customers' pages in the cache)."""
        w = self.args.warmup
        for fn in fns:
            for cid in ids if self.args.warm else ids[:w]:
                fn(cid)
        times = [[] for _ in fns]
        order = list(range(len(fns)))
        for cid in ids[w:]:
            order.append(order.pop(0))
            for k in order:
                t = time.perf_counter()
                fns[k](cid)
                times[k].append((time.perf_counter() - t) * 1000)
        return times

    def measure(
        self, name: str, fn, *, samples=("uniform", "by activity"), compare=True, naive=None, after=None
    ) -> list[dict]:
        """Time fn(customer_id) over each sample — with compare, the floor and the naive sum (or
        `naive`, the naive form of the same operation) taking turns with it on the same customers in
        the same run. after() runs untimed after each timed series. Prints and records one row per
        sample and, with compare, one per band of ledger length (both samples' calls together) and
        the ratio of the whole series' time (the workload: what a day of such checks costs)."""
        rows = []
        calls = []  # (entries of the customer, app ms, floor ms, naive ms) of both samples
        for sample in samples:
            ids = self.samples[sample]
            if compare:
                app, floor, naive_times = self._interleaved([fn, self.floor, naive or self.naive], ids)
            else:
                app = self._time(fn, ids)
            if after is not None:
                after()
            row = {
                "operation": name,
                "customers": sample,
                "p50_ms": round(pct(app, 0.5), 3),
                "p95_ms": round(pct(app, 0.95), 3),
                "p99_ms": round(pct(app, 0.99), 3),
                "mean_ms": round(statistics.fmean(app), 3),
                "entries_per_customer_p50": int(pct([self.entries_of.get(c, 0) for c in ids], 0.5)),
            }
            if compare:
                measured = ids[self.args.warmup :]
                calls += [
                    (self.entries_of.get(c, 0), a, f, n)
                    for c, a, f, n in zip(measured, app, floor, naive_times, strict=True)
                ]
                row.update(
                    floor_p50_ms=round(pct(floor, 0.5), 3),
                    floor_p95_ms=round(pct(floor, 0.95), 3),
                    floor_p99_ms=round(pct(floor, 0.99), 3),
                    naive_p50_ms=round(pct(naive_times, 0.5), 3),
                    naive_p95_ms=round(pct(naive_times, 0.95), 3),
                    naive_p99_ms=round(pct(naive_times, 0.99), 3),
                    naive_mean_ms=round(statistics.fmean(naive_times), 3),
                )
                row["x_floor_p50"] = round(row["p50_ms"] / max(row["floor_p50_ms"], 1e-6), 2)
                row["x_floor_p99"] = round(row["p99_ms"] / max(row["floor_p99_ms"], 1e-6), 2)
                row["naive_over_app_p99"] = round(row["naive_p99_ms"] / max(row["p99_ms"], 1e-6), 1)
                row["naive_over_app_p50"] = round(row["naive_p50_ms"] / max(row["p50_ms"], 1e-6), 1)
                row["naive_over_app_total"] = round(sum(naive_times) / max(sum(app), 1e-9), 1)
            self.results.append(row)
            rows.append(row)
            print(
                f"  {name:<34} {sample:<12} p50 {row['p50_ms']:8.3f} p95 {row['p95_ms']:8.3f}"
                f" p99 {row['p99_ms']:8.3f} ms"
                + (
                    f"  | floor p50 {row['floor_p50_ms']:.3f} p99 {row['floor_p99_ms']:.3f}"
                    f" (×{row['x_floor_p50']} / ×{row['x_floor_p99']})"
                    f"  | naive p50 {row['naive_p50_ms']:.2f} p99 {row['naive_p99_ms']:.2f} ms"
                    f" (naive/app {row['naive_over_app_p50']}× / {row['naive_over_app_p99']}×;"
                    f" whole series {row['naive_over_app_total']}×)"
                    if compare
                    else ""
                )
            )
        if calls:
            rows += self._bands(name, calls)
        return rows

    BANDS = ((1, 100), (101, 1_000), (1_001, 10_000), (10_001, None))

    def _bands(self, name: str, calls) -> list[dict]:
        """One row per band of ledger length: the naive cost grows with the ledger, the check's not."""
        rows = []
        for low, high in self.BANDS:
            band = [c for c in calls if c[0] >= low and (high is None or c[0] <= high)]
            if not band:
                continue
            app, floor, naive = ([c[k] for c in band] for k in (1, 2, 3))
            row = {
                "operation": name,
                "entries": f"{low:,}–{high:,}" if high else f"> {low - 1:,}",
                "calls": len(band),
                "p50_ms": round(pct(app, 0.5), 3),
                "p99_ms": round(pct(app, 0.99), 3),
                "floor_p50_ms": round(pct(floor, 0.5), 3),
                "naive_p50_ms": round(pct(naive, 0.5), 3),
                "naive_p99_ms": round(pct(naive, 0.99), 3),
                "naive_over_app_p50": round(pct(naive, 0.5) / max(pct(app, 0.5), 1e-6), 1),
                "naive_over_app_total": round(sum(naive) / max(sum(app), 1e-9), 1),
            }
            self.results.append(row)
            rows.append(row)
            print(
                f"    {row['entries']:>15} entries: {row['calls']:>5} calls  p50 {row['p50_ms']:8.3f}"
                f" p99 {row['p99_ms']:8.3f} ms | floor p50 {row['floor_p50_ms']:.3f}"
                f" | naive p50 {row['naive_p50_ms']:9.2f} p99 {row['naive_p99_ms']:9.2f} ms"
                f" (naive/app {row['naive_over_app_p50']}× at p50, {row['naive_over_app_total']}× in all)"
            )
        return rows


def measure_posting(ctx: Context, batches: int) -> dict:
    """POST /api/ledger/entries with an API key, batches of 1,000 new entries (shipments and
    payments for customers drawn by activity), through the whole HTTP stack in process."""
    from django.test import Client

    from xindang.accounts.models import User
    from xindang.api.auth import create_api_key

    admin = User.objects.filter(is_superuser=True).first() or User.objects.order_by("id").first()
    _key, raw = create_api_key(
        name=f"bench {time.time():.0f}", scopes=["ledger:write", "ledger:read"], by=admin
    )
    client = Client()
    rng = random.Random(f"post:{time.time()}")
    ids = ctx.samples["by activity"]
    stamp = int(time.time())
    times = []
    for b in range(batches):
        rows = [
            {
                "customer_id": rng.choice(ids),
                "kind": "shipment" if rng.random() < 0.7 else "payment",
                "amount": f"{rng.randint(5, 2000) * 100}.00",
                "entry_on": date.today().isoformat(),
                "source_system": "bench-api",
                "external_id": f"API-{stamp}-{b}-{i}",
            }
            for i in range(1000)
        ]
        body = json.dumps({"entries": rows})
        t = time.perf_counter()
        r = client.post("/api/ledger/entries", data=body, content_type="application/json", HTTP_X_API_KEY=raw)
        times.append(time.perf_counter() - t)
        assert r.status_code == 201, r.content[:300]
    row = {
        "operation": "POST /api/ledger/entries (batches of 1,000)",
        "batches": batches,
        "batch_p50_s": round(pct(times, 0.5), 3),
        "entries_per_s": round(1000 * batches / sum(times)),
    }
    print(
        f"  bulk posting via the API: {row['entries_per_s']:,} entries/s"
        f" (batch of 1,000: p50 {row['batch_p50_s']} s)"
    )
    ctx.results.append(row)
    return row


def main(argv=None, extra=None) -> int:
    args = parse_args(argv)
    url, fresh, cleanup = prepare_database(args)
    var_dir = Path(tempfile.mkdtemp(prefix="xindang-ledger-bench-var-"))
    try:
        setup_django(url, var_dir)
        from django.db import connection

        from xindang.customers.models import Customer
        from xindang.ledger.models import TradeEntry

        print(f"XinDang ledger bench: {args.engine}, {args.customers:,} customers, {args.entries:,} entries")
        timings = {}
        if not fresh:
            held_c, held_e = Customer.objects.count(), TradeEntry.objects.count()
            if held_c != args.customers or held_e < args.entries:
                print(
                    f"  the kept database holds {held_c:,} customers / {held_e:,} entries:"
                    " run without --reuse"
                )
                return 2
            print(f"  reusing the kept database ({held_c:,} customers, {held_e:,} entries)")
        else:
            timings = build_dataset(
                customers=args.customers, entries=args.entries, skew=args.skew, seed=args.seed
            )
            print("  built: " + ", ".join(f"{k} {v}" for k, v in timings.items()))
        from xindang.ledger import selectors

        ctx = Context(args, connection)
        gc.collect()
        gc.freeze()  # the data set's long-lived objects are not rescanned by every collection
        load_before = os.getloadavg()[0]
        ctx.measure("exposure (maintained, in-process)", lambda cid: selectors.exposure_of(cid).total_amount)
        from django.test import Client

        from xindang.accounts.models import User
        from xindang.api.auth import create_api_key

        admin = User.objects.order_by("id").first()
        _k, raw = create_api_key(name="bench read", scopes=["ledger:read"], by=admin)
        client = Client()

        def over_http(cid):
            r = client.get(f"/api/ledger/exposure/{cid}", HTTP_X_API_KEY=raw)
            assert r.status_code == 200

        ctx.measure("GET /api/ledger/exposure (HTTP stack)", over_http, compare=False)
        if extra is not None:
            extra(ctx)
        if args.post_batches:
            measure_posting(ctx, args.post_batches)
        t = time.perf_counter()
        diffs = selectors.exposure_differences()
        row = {
            "operation": "reconcile_exposure (all customers)",
            "seconds": round(time.perf_counter() - t, 1),
        }
        row["differences"] = len(diffs)
        print(f"  reconcile_exposure over all customers: {row['seconds']} s, {len(diffs)} differences")
        ctx.results.append(row)
        out = {
            "engine": args.engine,
            "server": connection.vendor,
            "customers": args.customers,
            "entries": args.entries,
            "iterations": args.iterations,
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "load": [load_before, os.getloadavg()[0]],
            },
            "build": timings,
            "results": ctx.results,
        }
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / f"ledger-{args.engine}.json").write_text(json.dumps(out, indent=2, default=str))
        print(f"  results: bench/results/ledger-{args.engine}.json")
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

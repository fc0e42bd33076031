#!/usr/bin/env python
"""XinDang benchmark (not a test): seed N customer files into a throwaway database, then time the
customer list, the search box and the file page — each beside its floor, the bare SQL query for the
same lookup measured in the same run.

    python bench/run.py                              # SQLite, 100,000 customers
    python bench/run.py --engine postgresql          # database xindang_bench on 127.0.0.1:5432
    python bench/run.py --engine mysql               # database xindang_bench on 127.0.0.1:3306
    python bench/run.py --customers 20000 --iterations 30 --queries

Results: a table on stdout and bench/results/<engine>.json. See bench/README.md.
"""

import argparse
import functools
import json
import os
import platform
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BENCH_DB = "xindang_bench"
sys.path.insert(0, str(ROOT))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--engine", choices=["sqlite", "postgresql", "mysql"], default="sqlite")
    p.add_argument("--customers", type=int, default=100_000, help="files to seed (default 100000)")
    p.add_argument("--iterations", type=int, default=50, help="timed runs per operation (default 50)")
    p.add_argument("--warmup", type=int, default=5, help="untimed runs per operation first (default 5)")
    p.add_argument("--batch", type=int, default=2000, help="rows per bulk insert (default 2000)")
    p.add_argument("--seed", default="bench", help="random seed of the generated data")
    p.add_argument("--no-children", action="store_true", help="seed files without contacts, accounts…")
    p.add_argument("--keep", action="store_true", help="keep the database afterwards (see --reuse)")
    p.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a database kept by --keep if it holds the same number of files (and keep it)",
    )
    p.add_argument("--queries", action="store_true", help="print each operation's SQL queries and times")
    p.add_argument(
        "--database",
        default=BENCH_DB,
        help=f"PostgreSQL/MySQL database name (default {BENCH_DB}); for SQLite the kept file's stem",
    )
    return p.parse_args()


# --- The throwaway database ------------------------------------------------------------------------
def prepare_database(args) -> tuple[str, bool, callable]:
    """Returns (DATABASE_URL, needs seeding, cleanup)."""
    if args.engine == "sqlite":
        if args.keep or args.reuse:
            RESULTS.mkdir(parents=True, exist_ok=True)
            stem = "bench" if args.database == BENCH_DB else args.database
            path = RESULTS / f"{stem}-{args.customers}.sqlite3"
            fresh = not (args.reuse and path.exists())
            if fresh:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
            return f"sqlite:///{path}", fresh, lambda: None
        tmp = Path(tempfile.mkdtemp(prefix="xindang-bench-"))
        return f"sqlite:///{tmp / 'bench.sqlite3'}", True, lambda: shutil.rmtree(tmp, ignore_errors=True)
    if args.engine == "postgresql":
        import psycopg

        def admin(sql):
            with psycopg.connect(
                "host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True
            ) as c:
                cur = c.execute(sql)
                return cur.fetchall() if cur.description else None

        exists = bool(admin(f"SELECT 1 FROM pg_database WHERE datname = '{args.database}'"))
        fresh = not (args.reuse and exists)
        if fresh:
            admin(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
            admin(f"CREATE DATABASE {args.database} ENCODING 'UTF8' TEMPLATE template0")
        cleanup = (
            (lambda: None)
            if args.keep or args.reuse  # a reused database is kept: another run may be reusing it too
            else (lambda: admin(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)"))
        )
        return f"postgres://postgres@127.0.0.1:5432/{args.database}", fresh, cleanup
    import pymysql

    def admin(sql):
        conn = pymysql.connect(host="127.0.0.1", port=3306, user="root", autocommit=True)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return cur.fetchall()
        finally:
            conn.close()

    exists = bool(admin(f"SHOW DATABASES LIKE '{args.database}'"))
    fresh = not (args.reuse and exists)
    if fresh:
        admin(f"DROP DATABASE IF EXISTS {args.database}")
        admin(f"CREATE DATABASE {args.database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    drop = f"DROP DATABASE IF EXISTS {args.database}"
    cleanup = (lambda: None) if args.keep or args.reuse else (lambda: admin(drop))
    return f"mysql://root@127.0.0.1:3306/{args.database}", fresh, cleanup


def setup_django(database_url: str, var_dir: Path) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["XINDANG_DEV"] = "1"
    os.environ["XINDANG_VAR_DIR"] = str(var_dir)  # own cache and media: nothing shared with `make run`
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xindang.settings")
    import django

    django.setup()


# --- Seeding ---------------------------------------------------------------------------------------
FILES_PER_SALESPERSON = 2000
SMALL_SALESPERSON = "bench_xiaoshou"


def seed(args) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from xindang.customers import rules
    from xindang.customers.demo import organisation, seeding
    from xindang.customers.demo.generator import DemoGenerator

    # Each name's pinyin is computed twice in a row (search fields, then search text); remember it.
    rules.name_pinyin = functools.lru_cache(maxsize=1024)(rules.name_pinyin)
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    t_migrate = time.perf_counter() - t0
    departments = organisation.ensure_departments()
    users = organisation.ensure_users(departments)
    generator = DemoGenerator(args.seed)
    owners = sales_force(departments, users, args.customers, generator)
    started = time.perf_counter()

    def progress(done, total):
        rate = done / max(time.perf_counter() - started, 1e-9)
        eta = (total - done) / rate if rate else 0
        print(
            f"\r  seeded {done:>7,} / {total:,} files  ({rate:,.0f}/s, {eta:,.0f} s left)  ",
            end="",
            flush=True,
        )

    seeding.seed_customers(
        args.customers,
        generator=generator,
        departments=departments,
        users=users,
        owners=owners,
        history=False,
        children=not args.no_children,
        batch_size=args.batch,
        progress=progress,
    )
    print()
    small_salesperson(departments["XS2"], users["xiaoshou3"].password)
    t_seed = time.perf_counter() - started
    with connection.cursor() as cur:  # fresh planner statistics, as autovacuum/ANALYZE would give
        if connection.vendor == "postgresql":
            cur.execute("VACUUM ANALYZE")
        elif connection.vendor == "sqlite":
            cur.execute("ANALYZE")
        else:
            cur.execute("ANALYZE TABLE customers_customer")
    return {
        "migrate_s": round(t_migrate, 1),
        "seed_s": round(t_seed, 1),
        "analyze_s": round(time.perf_counter() - started - t_seed, 1),
    }


def sales_force(departments, users, customers: int, generator) -> dict:
    """The demo salespeople plus enough others that each owns about 2,000 files, as in a company
    of that size (the planner's statistics then look like a real company's)."""
    from django.contrib.auth.models import Group

    from xindang.accounts.models import User
    from xindang.accounts.roles import Role
    from xindang.customers.demo import organisation

    owners = organisation.sales_owners(departments, users)
    missing = customers // FILES_PER_SALESPERSON - sum(len(v) for v in owners.values())
    codes = [*organisation.SALES_DEPARTMENTS, "CG"]
    group = Group.objects.get(name=Role.SALESPERSON.value)
    for i in range(max(0, missing)):
        code = codes[i % len(codes)]
        user = User.objects.create(
            username=f"bench_{code.lower()}_{i:03d}",
            display_name=generator.person_name(),
            department=departments[code],
            password=users["xiaoshou1"].password,
        )
        user.groups.add(group)
        owners[code].append(user)
    return owners


def small_salesperson(dept, password: str, size: int = 300) -> None:
    """A salesperson who owns only a few hundred files (the typical salesperson's view)."""
    from django.contrib.auth.models import Group
    from django.db import transaction

    from xindang.accounts.models import User
    from xindang.accounts.roles import Role
    from xindang.customers.models import Customer

    with transaction.atomic():
        user = User.objects.create(
            username=SMALL_SALESPERSON, display_name="白晓", department=dept, password=password
        )
        user.groups.add(Group.objects.get(name=Role.SALESPERSON.value))
        ids = list(
            Customer.objects.filter(department=dept).order_by("id").values_list("id", flat=True)[:size]
        )
        Customer.objects.filter(id__in=ids).update(owner=user)


def give_history(customers, editor) -> None:
    """The measured file pages get a realistic history timeline (a few edits through the service)."""
    from django.db import transaction

    from xindang.customers import services

    for c in customers:
        if c.version > 1:
            continue
        with transaction.atomic():
            v = services.update_customer(
                by=editor,
                customer_id=c.pk,
                expected_version=c.version,
                data={"notes": "季度资信复核：经营正常。"},
            ).customer.version
            services.update_customer(
                by=editor,
                customer_id=c.pk,
                expected_version=v,
                data={"phone": c.phone[:-1] + "9"},
                children={"contacts": [{"name": "赵新", "title": "采购专员", "mobile": "13900000001"}]},
            )


def prepare_credit(customers, requester) -> list[int]:
    """The credit pages' data for the measured files: an approved A rating each (the grant request
    page computes its ceiling from it) and, where the rules allow one, a pending grant request (its
    approval page). Returns the approval request ids."""
    from django.db import transaction
    from django.utils import timezone

    from xindang.core.errors import DomainError
    from xindang.credit.grants import services as grants
    from xindang.credit.grants.models import CreditGrant
    from xindang.credit.models import Rating

    approvals = []
    for c in customers:
        if not Rating.objects.filter(customer=c).exists():
            Rating.objects.create(
                customer=c,
                scheme="abc",
                grade="A",
                computed_grade="A",
                status="approved",
                effective_at=timezone.now(),
            )
        grant = CreditGrant.objects.filter(customer=c, approval__isnull=False).order_by("-pk").first()
        if grant is None:
            # files without trade history may have a temporary grant only (002 第二十六条)
            for kind, amount in (("long_term", "50000"), ("temporary", "5000"), ("temporary", "0")):
                try:
                    with transaction.atomic():
                        grant = grants.request_grant(
                            customer=c,
                            by=requester,
                            kind=kind,
                            limit_amount=amount,
                            term_days=30,
                            reason="年度授信",
                        )
                    break
                except DomainError:
                    continue
        if grant is not None and grant.approval_id:
            approvals.append(grant.approval_id)
    return approvals


# --- Measuring -------------------------------------------------------------------------------------
def pick_terms(user, rng: random.Random, n: int = 10) -> dict:
    """Search terms from the files `user` sees: 2–3 character name fragments, pinyin initials of
    a name's distinctive part, full credit codes, file ids."""
    from xindang.customers import rules, selectors

    rows = list(
        selectors.visible_customers(user)
        .order_by("id")
        .values_list("id", "name", "credit_code", "name_initials")[:20000]
    )
    sample = rng.sample(rows, min(n, len(rows)))
    fragments, initials = [], []
    for i, (_pk, name, _code, _ini) in enumerate(sample):
        # a fragment of the distinctive part that does not cross brackets: 杭州华夏电子科技 → 夏电子
        size = 2 if i % 2 == 0 else 3
        pieces = [rules.name_core(p) for p in re.findall(r"[\u4e00-\u9fff]+", rules.normalize_name(name))]
        piece = max(pieces, key=len)
        start = rng.randint(0, max(0, len(piece) - size))
        fragments.append(piece[start : start + size])
        core_ini = rules.name_pinyin(rules.name_core(name))[1]
        start = rng.randint(0, max(0, len(core_ini) - 4))
        initials.append(core_ini[start : start + 4])
    return {
        "fragments": fragments,
        "initials": initials,
        "codes": [r[2] for r in sample],
        "ids": [r[0] for r in sample],
    }


def timed(app, floor, args_list, iterations: int, warmup: int) -> tuple[list[float], list[float]]:
    """Run the app and its floor alternately (a busy machine slows both alike), after a warm-up."""
    for i in range(warmup):
        app(args_list[i % len(args_list)])
        floor(args_list[i % len(args_list)])
    app_times, floor_times = [], []
    for i in range(iterations):
        arg = args_list[i % len(args_list)]
        for fn, times in ((app, app_times), (floor, floor_times)):
            t = time.perf_counter()
            fn(arg)
            times.append((time.perf_counter() - t) * 1000)
    return app_times, floor_times


def pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class Bench:
    def __init__(self, args):
        from django.db import connection
        from django.test import Client
        from django.urls import NoReverseMatch, reverse

        self.args = args
        self.connection = connection
        self.Client = Client
        self.results = []
        self.mode = "pages"
        try:
            reverse("customers:list")
            reverse("customers:detail", args=[1])
        except NoReverseMatch:
            self.mode = "selectors"

    # The app's side, in two layers: the page through the test client (everything a browser waits
    # for: session, permissions, selectors, template), and the selector alone evaluated as the view
    # uses it (a page of 50 rows and the count) — the part the database answers.
    def app_list(self, client, user, params: dict, layer: str):
        if layer == "page":
            response = client.get("/customers/", params)
            assert response.status_code == 200, response.status_code
            return response
        from xindang.core.pagination import CappedPaginator
        from xindang.customers import selectors
        from xindang.customers.views import PAGE_SIZE, SEARCH_COUNT_CAP

        qs = selectors.customer_list(user, params)
        try:  # exactly as the list view pages it (a search's capped count, the browsing estimate)
            from xindang.customers.permissions import CustomerPermission
            from xindang.customers.views.listing import count_mode

            mode = count_mode(params, sees_all=user.has_perm(CustomerPermission.VIEW_ALL))
        except ImportError:  # before the estimate: a search counts up to SEARCH_COUNT_CAP matches
            mode = {"cap": SEARCH_COUNT_CAP if params.get("q") else None}
        paginator = CappedPaginator(qs, PAGE_SIZE, **mode)
        return list(paginator.page(1).object_list), paginator.count

    def app_detail(self, client, user, pk, layer: str):
        if layer == "page":
            response = client.get(f"/customers/{pk}/")
            assert response.status_code == 200, response.status_code
            return response
        from xindang.customers import selectors
        from xindang.customers.permissions import get_customer_for_user

        customer = get_customer_for_user(user, pk)
        if hasattr(selectors, "customer_sections"):  # the sections and tags in one query, as the page
            return customer, selectors.customer_sections(customer)
        return customer, selectors.customer_children(customer)

    # The floor: the bare indexed SQL query for the same lookup (rows of a page plus the count).
    def floor_query(self, where: str, params: list, count_cap: int | None = None):
        with self.connection.cursor() as cur:
            cur.execute(
                f"SELECT id, name, file_no FROM customers_customer WHERE {where} "
                "ORDER BY updated_at DESC, id DESC LIMIT 50",
                params,
            )
            cur.fetchall()
            if count_cap is None:
                cur.execute(f"SELECT COUNT(*) FROM customers_customer WHERE {where}", params)
            else:  # the same question the app asks of a search: how many, up to the cap
                cur.execute(
                    f"SELECT COUNT(*) FROM (SELECT 1 FROM customers_customer WHERE {where} "
                    f"LIMIT {int(count_cap) + 1}) capped",
                    params,
                )
            return cur.fetchone()[0]

    def floor_pk(self, pk):
        with self.connection.cursor() as cur:
            cur.execute("SELECT * FROM customers_customer WHERE id = %s", [pk])
            return cur.fetchone()

    def check_pages(self, client, user, pk) -> None:
        """Use the pages only if they really render files (a stub view would measure nothing)."""
        from xindang.customers.models import Customer

        if self.mode != "pages":
            return
        try:
            file_no = Customer.objects.get(pk=pk).file_no
            ok = (
                file_no in client.get("/customers/", {"q": file_no, "status": "all"}).content.decode()
                and client.get(f"/customers/{pk}/").status_code == 200
            )
        except Exception as exc:  # any failure means: measure the selectors instead
            print(f"  (pages unusable: {exc!r})")
            ok = False
        if not ok:
            self.mode = "selectors"

    def measure(self, label: str, who: str, layer: str, app, floor, args_list, matches=None) -> dict:
        from django.test.utils import CaptureQueriesContext

        n, w = self.args.iterations, self.args.warmup
        app_times, floor_times = timed(app, floor, args_list, n, w)
        row = {
            "operation": label,
            "user": who,
            "layer": layer,
            "p50_ms": round(pct(app_times, 0.5), 2),
            "p95_ms": round(pct(app_times, 0.95), 2),
            "floor_p50_ms": round(pct(floor_times, 0.5), 2),
            "floor_p95_ms": round(pct(floor_times, 0.95), 2),
            "mean_ms": round(statistics.fmean(app_times), 2),
            "matches": matches,
        }
        row["ratio_p95"] = round(row["p95_ms"] / max(row["floor_p95_ms"], 0.01), 1)
        with CaptureQueriesContext(self.connection) as ctx:
            app(args_list[0])
        row["queries"] = len(ctx.captured_queries)
        if self.args.queries:
            print(f"\n  {label} / {who} / {layer}: {len(ctx.captured_queries)} queries")
            for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:6]:
                print(f"    {float(q['time']) * 1000:7.2f} ms  {q['sql'][:220]}")
        self.results.append(row)
        return row

    def run(self, users: dict, approvals: list[int]):
        self.terms = {}
        for who, user in users.items():
            self.run_user(who, user, see_all=(who == "credit manager"))
        if self.mode == "pages":
            for who, user in users.items():
                self.run_credit(who, user, see_all=(who == "credit manager"), approvals=approvals)

    def page(self, client, url: str):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    def run_credit(self, who: str, user, *, see_all: bool, approvals: list[int]) -> None:
        """The credit pages: the grant request form (its ceiling), the approval page of a pending
        grant request, the credit-control page of a file, the ageing report — each beside its floor
        (the primary-key fetch of the file or the approval request; for the ageing, the open items
        summed per customer over the files the user sees)."""
        from django.urls import reverse

        ids = pick_terms(user, random.Random(f"terms:{who}"))["ids"]
        client = self.Client()
        client.force_login(user)

        def floor_approval(pk):
            with self.connection.cursor() as cur:
                cur.execute("SELECT * FROM approvals_approvalrequest WHERE id = %s", [pk])
                return cur.fetchone()

        vis, vis_params = ("", []) if see_all else (" AND c.owner_id = %s", [user.pk])

        def floor_ageing(_arg):
            with self.connection.cursor() as cur:
                cur.execute(
                    "SELECT e.customer_id, SUM(e.open_amount) FROM ledger_tradeentry e "
                    "JOIN customers_customer c ON c.id = e.customer_id "
                    f"WHERE e.open_amount > 0{vis} GROUP BY e.customer_id ORDER BY 2 DESC LIMIT 100",
                    vis_params,
                )
                return cur.fetchall()

        operations = [
            ("grant request", lambda pk: reverse("grants:request", args=[pk]), self.floor_pk, ids),
            ("credit control", lambda pk: reverse("credit_control:customer", args=[pk]), self.floor_pk, ids),
            ("approval", lambda pk: reverse("approvals:detail", args=[pk]), floor_approval, approvals),
            ("ageing", lambda _pk: reverse("collection:ageing"), floor_ageing, [None]),
        ]
        for label, url, floor, args_list in operations:
            if not args_list:
                print(f"  ({label}: nothing to open)")
                continue
            try:
                status = client.get(url(args_list[0])).status_code
            except Exception as exc:  # a page that fails for this user is reported, not measured
                status = repr(exc)
            if status != 200:
                print(f"  ({label} / {who}: answers {status}, not measured)")
                continue
            self.measure(
                label, who, "page", lambda a, u=url: self.page(client, u(a)), floor, args_list, matches=1
            )

    def run_user(self, who: str, user, *, see_all: bool) -> None:
        from xindang.customers import rules

        terms = pick_terms(user, random.Random(f"terms:{who}"))
        self.terms[who] = {k: v for k, v in terms.items() if k != "ids"}
        client = self.Client()
        client.force_login(user)
        self.check_pages(client, user, terms["ids"][0])
        # The visibility rule as bare SQL: everything, or the salesperson's own files.
        vis, vis_params = ("", []) if see_all else (" AND owner_id = %s", [user.pk])

        def count(where, params):
            with self.connection.cursor() as cur:
                cur.execute(
                    f"SELECT COUNT(*) FROM customers_customer WHERE {where}{vis}", params + vis_params
                )
                return cur.fetchone()[0]

        from xindang.customers.views import SEARCH_COUNT_CAP

        def like(term):
            # the same lookup the app makes (two Chinese characters match a bigram word)
            return [f"%{rules.search_pattern(rules.normalize_query(term))[1]}%"]

        def floor_like(term):
            return self.floor_query("search_text LIKE %s" + vis, like(term) + vis_params, SEARCH_COUNT_CAP)

        def floor_code(term):
            return self.floor_query("credit_code = %s" + vis, [term] + vis_params, SEARCH_COUNT_CAP)

        layers = ["page", "query"] if self.mode == "pages" else ["query"]
        open_files = "status IN ('prospective', 'active')"
        for layer in layers:
            self.measure(
                "list",
                who,
                layer,
                lambda _arg, ly=layer: self.app_list(client, user, {}, ly),
                lambda _arg: self.floor_query(open_files + vis, vis_params),
                [None],
                matches=count(open_files, []),
            )
        for label, key, floor in (
            ("search: name fragment", "fragments", floor_like),
            ("search: pinyin initials", "initials", floor_like),
            ("search: credit code", "codes", floor_code),
        ):
            found = [count("search_text LIKE %s", like(t)) for t in terms[key]]
            for layer in layers:
                self.measure(
                    label,
                    who,
                    layer,
                    lambda t, ly=layer: self.app_list(client, user, {"q": t, "status": "all"}, ly),
                    floor,
                    terms[key],
                    matches=f"{min(found)}–{max(found)}",
                )
        for layer in layers:
            self.measure(
                "file",
                who,
                layer,
                lambda pk, ly=layer: self.app_detail(client, user, pk, ly),
                self.floor_pk,
                terms["ids"],
                matches=1,
            )
        from django.urls import NoReverseMatch, reverse

        try:  # the file page's history, loaded into it by a request of its own
            reverse("customers:history", args=[1])
        except NoReverseMatch:
            return
        if self.mode == "pages":
            self.measure(
                "file history",
                who,
                "page",
                lambda pk: self.page(client, reverse("customers:history", args=[pk])),
                self.floor_pk,
                terms["ids"],
                matches=1,
            )


def print_table(rows: list[dict], title: str) -> None:
    head = [
        "operation",
        "user",
        "layer",
        "matches",
        "p50 ms",
        "p95 ms",
        "floor p50",
        "floor p95",
        "ratio p95",
        "queries",
    ]
    lines = [
        [
            r["operation"],
            r["user"],
            r["layer"],
            str(r["matches"]),
            f"{r['p50_ms']:.1f}",
            f"{r['p95_ms']:.1f}",
            f"{r['floor_p50_ms']:.2f}",
            f"{r['floor_p95_ms']:.2f}",
            f"{r['ratio_p95']:.1f}×",
            str(r["queries"]),
        ]
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [head, *lines]) for i in range(len(head))]
    print(f"\n{title}")
    for i, line in enumerate([head, *lines]):
        cells = [v.ljust(widths[j]) if j < 4 else v.rjust(widths[j]) for j, v in enumerate(line)]
        print("  " + "  ".join(cells))
        if i == 0:
            print("  " + "  ".join("-" * w for w in widths))


def main() -> int:
    args = parse_args()
    url, fresh, cleanup = prepare_database(args)
    var_dir = Path(tempfile.mkdtemp(prefix="xindang-bench-var-"))
    try:
        setup_django(url, var_dir)
        from django.db import connection

        from xindang.accounts.models import User
        from xindang.customers.demo.organisation import CREDIT_MANAGER_USERNAME
        from xindang.customers.models import Customer

        print(f"XinDang bench: {args.engine}, {args.customers:,} customer files")
        timings = {}
        if not fresh:
            held = Customer.objects.count()
            if held != args.customers:
                print(
                    f"  the kept database holds {held:,} files, not {args.customers:,}: run without --reuse"
                )
                return 2
            print(f"  reusing the kept database ({held:,} files)")
            from django.core.management import call_command

            call_command("migrate", verbosity=0)  # the code's newer migrations, if any
        else:
            timings = seed(args)
            print("  migrate {migrate_s} s, seed {seed_s} s, analyze {analyze_s} s".format(**timings))
        credit_manager = User.objects.get(username=CREDIT_MANAGER_USERNAME)
        users = {
            "credit manager": credit_manager,
            "salesperson": User.objects.get(username=SMALL_SALESPERSON),
        }
        bench = Bench(args)
        ids = [pick_terms(u, random.Random(f"terms:{w}"))["ids"] for w, u in users.items()]
        give_history(Customer.objects.filter(pk__in=[i for group in ids for i in group]), credit_manager)
        approvals = prepare_credit(Customer.objects.filter(pk__in=ids[1]), users["salesperson"])
        load_before = os.getloadavg()[0]
        bench.run(users, approvals)
        load = [round(load_before, 1), round(os.getloadavg()[0], 1)]
        with connection.cursor() as cur:
            cur.execute(
                {
                    "postgresql": "SELECT version()",
                    "mysql": "SELECT VERSION()",
                    "sqlite": "SELECT 'SQLite ' || sqlite_version()",
                }[connection.vendor]
            )
            db_version = cur.fetchone()[0]
        title = (
            f"{args.engine} ({db_version.split(' on ')[0]}), {args.customers:,} files, "
            f"{args.iterations} runs each; load average {load[0]}–{load[1]} on {os.cpu_count()} CPUs"
        )
        print_table(bench.results, title)
        RESULTS.mkdir(parents=True, exist_ok=True)
        out = RESULTS / f"{args.engine}.json"
        out.write_text(
            json.dumps(
                {
                    "engine": args.engine,
                    "database": db_version,
                    "customers": args.customers,
                    "children": not args.no_children,
                    "iterations": args.iterations,
                    "warmup": args.warmup,
                    "mode": bench.mode,
                    "python": platform.python_version(),
                    "machine": platform.machine(),
                    "cpus": os.cpu_count(),
                    "load_average": load,
                    "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "seeding": timings,
                    "terms": bench.terms,
                    "results": bench.results,
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
        print(f"\n  written to {out.relative_to(ROOT)}")
        return 0
    finally:
        from django.db import connections

        connections.close_all()
        cleanup()
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

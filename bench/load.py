#!/usr/bin/env python
"""XinDang load bench (not a test): one gunicorn on loopback, 32 keep-alive connections, in phases of
the same run against the same server process:

  floor      GET /bench/floor/ — a constant answer through the whole middleware stack, no database:
             the HTTP floor of this server on this machine (routed only with XINDANG_BENCH_FLOOR=1)
  check      POST /api/credit-check (API key), no reservation
  reserve    POST /api/credit-check with "reserve": true (a transaction under the exposure row lock,
             the hold written when the check passes), on 20 customers that reach their limits
  file page  GET /customers/<id>/ (a logged-in salesperson's session; the file view is audited)
  floor      again at the end, so that a change of the machine's load during the run shows

Each phase reports throughput (answers per second), p50/p99 latency, the error rate (any answer
other than 200, or a broken connection) and the app server's CPU time per answer (its gunicorn
processes' user + system time over the phase, from /proc), the database server's CPU per answer
(PostgreSQL on this machine: the backends serving the bench's database, from /proc — the database
shares the cores, so its share counts as much) and the load driver's own CPU per answer.
Afterwards the books are checked: no customer's exposure plus holds passed its limit, every hold is
counted in the exposure, every passed reserving check holds its reservation. The driver is a small
asyncio HTTP/1.1 client (standard library only), in one process on the same machine: it takes CPU
from the server too, the same for every phase.

    python bench/load.py                                    # PostgreSQL, database xindang_bench_load
    python bench/load.py --database-url mysql://root@127.0.0.1:3306/xindang_bench_load
    python bench/load.py --seconds 20 --connections 32 --workers 4 --threads 4 --reuse

Results: stdout (a Markdown table) and bench/results/load-<engine>.json. Exit status 1 when any
error or limit breach was seen.
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CUSTOMERS = 200
LIMIT = Decimal(50_000)  # 1,000–5,000 a reservation: a customer is full after about 17 of them
HOT = 20  # the customers the reserving checks go to: full after about 340 holds


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--database-url",
        default=os.environ.get(
            "XINDANG_BENCH_LOAD_DB", "postgres://postgres@127.0.0.1:5432/xindang_bench_load"
        ),
    )
    p.add_argument("--seconds", type=float, default=20, help="length of each measured phase")
    p.add_argument("--warmup", type=float, default=5)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--reuse", action="store_true", help="keep the database of an earlier run (no migrate)")
    return p.parse_args()


# --- The database: created and migrated, then a department, a salesperson, granted customers -------
def prepare_database(url: str, reuse: bool) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if parsed.scheme.startswith("postgres"):
        import psycopg

        admin = urlunparse(parsed._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as db:
            exists = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if exists and not reuse:
                db.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            if not exists or not reuse:
                db.execute(f'CREATE DATABASE "{name}"')
    elif parsed.scheme.startswith("mysql"):
        import pymysql

        db = pymysql.connect(host=parsed.hostname, port=parsed.port or 3306, user=parsed.username or "root")
        with db.cursor() as cur:
            if not reuse:
                cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cur.execute(f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4")
        db.close()
    elif not reuse:
        Path(name).unlink(missing_ok=True)


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("XINDANG_DEV", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xindang.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(reuse: bool) -> dict:
    """The people, the customers with grants and grades, an API key and one session per connection."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.utils import timezone

    from xindang.accounts.models import Department, User
    from xindang.accounts.roles import Role
    from xindang.accounts.services import create_api_key
    from xindang.credit.grants.models import CreditGrant, GrantStatus
    from xindang.credit.models import Rating, RatingStatus
    from xindang.customers import services as customer_services
    from xindang.customers.models import Customer
    from xindang.customers.rules import credit_code_check_char
    from xindang.ledger.models import Reservation

    if not reuse:
        print("  migrating …", flush=True)
        call_command("migrate", verbosity=0)
    dept, _ = Department.objects.get_or_create(
        code="XS1", defaults={"name": "销售一部", "name_en": "Sales 1"}
    )
    seller = User.objects.filter(username="load_sales").first()
    if seller is None:
        seller = User.objects.create_user(
            username="load_sales", password=None, display_name="压测销售", department=dept
        )
        seller.groups.add(Group.objects.get(name=str(Role.SALESPERSON)))
    admin = User.objects.filter(username="load_admin").first()
    if admin is None:
        admin = User.objects.create_user(username="load_admin", password=None, display_name="压测管理员")
        admin.groups.add(Group.objects.get(name=str(Role.SYSTEM_ADMIN)))
    seller = User.objects.get(pk=seller.pk)
    have = Customer.objects.filter(owner=seller).count()
    today = timezone.localdate()
    for n in range(have, CUSTOMERS):
        body = f"91330000{n:09d}"
        customer = customer_services.create_customer(
            by=seller,
            data={
                "name": f"压测客户{n:03d}号贸易有限公司",
                "department": dept,
                "owner": seller,
                "credit_code": body + credit_code_check_char(body),
            },
            tags=(),
            children=None,
            confirm_similar=True,
        )
        CreditGrant.objects.create(
            customer=customer,
            limit_amount=LIMIT,
            term_days=30,
            status=GrantStatus.ACTIVE,
            valid_from=today - timedelta(days=30),
            valid_until=today + timedelta(days=300),
        )
        Rating.objects.create(
            customer=customer,
            grade="B",
            computed_grade="B",
            status=RatingStatus.APPROVED,
            effective_at=timezone.now(),
        )
    # holds of an earlier run (--reuse) are released, so that every run starts from empty books
    from xindang.ledger.services import release_expired

    Reservation.objects.filter(status="held").update(expires_at=timezone.now() - timedelta(seconds=1))
    release_expired()
    _key, raw = create_api_key(name=f"load {timezone.now():%H%M%S}", scopes=["credit:check"], by=admin)
    return {
        "customers": list(Customer.objects.filter(owner=seller).values_list("pk", flat=True)),
        "api_key": raw,
        "seller": seller,
    }


def sessions(user, n: int) -> list[str]:
    """n logged-in sessions of `user` (as a login makes them; no password hashing needed)."""
    from django.conf import settings
    from django.test import Client

    cookies = []
    for _ in range(n):
        client = Client()
        client.force_login(user)
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    return cookies


# --- The server ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "XINDANG_DEV": "1",
        "XINDANG_BENCH_FLOOR": "1",
        "XINDANG_CONN_MAX_AGE": "60",
    }
    proc = subprocess.Popen(  # our own server, loopback only
        [sys.executable, "-m", "gunicorn", "xindang.wsgi", "-b", f"127.0.0.1:{port}"]
        + ["-w", str(workers), "--threads", str(threads), "--timeout", "60", "--keep-alive", "30"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(b"GET /bench/floor/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return proc
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    stop_server(proc)
    sys.exit("the server did not start:\n" + log.read_text()[-3000:])


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


# --- The client: HTTP/1.1 with keep-alive over asyncio streams ----------------------------------------
class Connection:
    def __init__(self, port: int):
        self.port = port
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: dict, body: bytes = b"") -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            head = (
                f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Length: {len(body)}\r\n"
            )
            head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
            try:
                self.writer.write(head.encode() + body)
                await self.writer.drain()
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()  # a keep-alive connection the server closed meanwhile: once more
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> tuple[int, bytes]:
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value:
                chunked = True
            elif name == "connection" and value == "close":
                close = True
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            body = b"".join(parts)
        elif length is not None:
            body = await self.reader.readexactly(length)
        else:
            body, close = await self.reader.read(), True
        if close:
            self.close()
        return status, body

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (Linux /proc; 0 elsewhere or when gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def server_cpu_seconds(master_pid: int) -> float:
    """User + system CPU time of the server's workers so far (Linux /proc; 0 elsewhere)."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return 0.0
    return sum(cpu_seconds(pid) for pid in [master_pid, *map(int, children)])


class DatabaseCpu:
    """The CPU time of the database server's backends serving this bench's database (PostgreSQL on
    this machine: its client backends' /proc times, found in pg_stat_activity). The database shares
    the machine's cores with the app server, so its share of an answer counts as much. None where it
    cannot be seen (another engine, another host)."""

    def __init__(self, url: str):
        parsed = urlparse(url)
        self.db = None
        if parsed.scheme.startswith("postgres") and parsed.hostname in ("127.0.0.1", "localhost", None):
            import psycopg

            self.db = psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True)

    def snapshot(self) -> dict[int, float] | None:
        if self.db is None:
            return None
        pids = self.db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        ).fetchall()
        return {pid: cpu_seconds(pid) for (pid,) in pids}

    @staticmethod
    def used(before: dict | None, after: dict | None) -> float | None:
        """Seconds used between two snapshots (a backend started meanwhile counts from zero)."""
        if before is None or after is None:
            return None
        return sum(t - before.get(pid, 0.0) for pid, t in after.items())


async def phase(
    name: str, port: int, connections: int, seconds: float, make_request, master=0, db_cpu=None
) -> dict:
    """`connections` clients each sending make_request(i, n) back to back for `seconds`."""
    latencies: list[float] = []
    errors: list[str] = []
    bodies: list[bytes] = []
    end = time.monotonic() + seconds

    async def client(i):
        conn = Connection(port)
        n = 0
        while time.monotonic() < end:
            method, path, headers, body = make_request(i, n)
            t0 = time.perf_counter()
            try:
                status, content = await conn.request(method, path, headers, body)
            except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                conn.close()
                await asyncio.sleep(0.05)
                continue
            latencies.append(time.perf_counter() - t0)
            if status != 200:
                errors.append(f"{status}: {content[:200]!r}")
            elif name == "reserve":
                bodies.append(content)
            n += 1
        conn.close()

    db_before = db_cpu.snapshot() if db_cpu else None
    started, cpu, own = time.monotonic(), server_cpu_seconds(master), time.process_time()
    await asyncio.gather(*(client(i) for i in range(connections)))
    elapsed, cpu = time.monotonic() - started, server_cpu_seconds(master) - cpu
    own = time.process_time() - own
    db = DatabaseCpu.used(db_before, db_cpu.snapshot() if db_cpu else None)
    done = len(latencies)
    ms = sorted(x * 1000 for x in latencies) or [0.0]
    return {
        "phase": name,
        "requests": done,
        "seconds": round(elapsed, 1),
        "throughput": round(done / elapsed, 1),
        "p50_ms": round(statistics.median(ms), 1),
        "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 1),
        "server_cpu_ms_per_answer": round(cpu * 1000 / max(1, done), 2),
        "database_cpu_ms_per_answer": round(db * 1000 / max(1, done), 2) if db is not None else None,
        "client_cpu_ms_per_answer": round(own * 1000 / max(1, done), 2),
        "errors": len(errors),
        "error_rate": round(len(errors) / max(1, done + len(errors)), 4),
        "error_samples": errors[:5],
        "_bodies": bodies,
    }


def _ms(value) -> str:
    return "—" if value is None else f"{value:.2f}"


def requests_for(port: int, data: dict, cookies: list[str]):
    rng = random.Random("load")
    customers = data["customers"]
    key = data["api_key"]

    def floor(i, n):
        return "GET", "/bench/floor/", {}, b""

    hot = customers[:HOT]

    def check(reserve):
        def make(i, n):
            body = {
                # holds go to a hot set of customers, so that they reach their limits within the phase
                "customer_id": rng.choice(hot if reserve else customers),
                "amount": str(rng.randint(10, 50) * 100),
                "reserve": reserve,
                "reference": f"SO-{i}-{n}",
            }
            headers = {"X-API-Key": key, "Content-Type": "application/json"}
            return "POST", "/api/credit-check", headers, json.dumps(body).encode()

        return make

    def file_page(i, n):
        return "GET", f"/customers/{rng.choice(customers)}/", {"Cookie": cookies[i % len(cookies)]}, b""

    return {"floor": floor, "check": check(False), "reserve": check(True), "file page": file_page}


def verify_books(results: list[dict]) -> dict:
    """No exposure + holds above its limit; holds counted in the exposure; every passed reserving
    check holds its reservation."""
    from django.db.models import Sum

    from xindang.credit.grants.models import CreditGrant, GrantStatus
    from xindang.ledger.models import Exposure, Reservation

    limits = dict(
        CreditGrant.objects.filter(status=GrantStatus.ACTIVE).values_list("customer_id", "limit_amount")
    )
    breaches, drift = [], []
    for e in Exposure.objects.filter(customer_id__in=limits):
        if e.committed_amount > limits[e.customer_id]:
            breaches.append((e.customer_id, str(e.committed_amount), str(limits[e.customer_id])))
        held = Reservation.objects.filter(customer_id=e.customer_id, status="held").aggregate(
            s=Sum("amount")
        )["s"]
        if (held or 0) != e.reservations_amount:
            drift.append((e.customer_id, str(held), str(e.reservations_amount)))
    passed_ids = []
    outcomes: dict[str, int] = {}
    for r in results:
        for body in r.pop("_bodies"):
            answer = json.loads(body)
            outcomes[answer["outcome"]] = outcomes.get(answer["outcome"], 0) + 1
            if answer.get("reservation"):
                passed_ids.append(answer["reservation"]["id"])
    held_ids = set(Reservation.objects.filter(pk__in=passed_ids, status="held").values_list("pk", flat=True))
    return {
        "limit_breaches": breaches,
        "reservation_drift": drift,
        "reserving_outcomes": outcomes,
        "reservations_passed": len(passed_ids),
        "reservations_missing": len(set(passed_ids) - held_ids),
    }


def main():
    args = parse_args()
    engine = urlparse(args.database_url).scheme.split("+")[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(f"load bench on {args.database_url}", flush=True)
    prepare_database(args.database_url, args.reuse)
    setup_django(args.database_url)
    data = seed(args.reuse)
    cookies = sessions(data["seller"], args.connections)
    from django.db import connections

    connections.close_all()
    port = free_port()
    log = RESULTS / "load-gunicorn.log"
    server = start_server(args.database_url, port, args.workers, args.threads, log)
    db_cpu = DatabaseCpu(args.database_url)
    try:
        makers = requests_for(port, data, cookies)
        order = ["floor", "check", "reserve", "file page", "floor"]

        async def run():
            if args.warmup:
                for name in ("floor", "check", "file page"):
                    await phase(name, port, args.connections, args.warmup / 3, makers[name])
            out = []
            for name in order:
                r = await phase(name, port, args.connections, args.seconds, makers[name], server.pid, db_cpu)
                print(
                    f"  {name:10} {r['throughput']:8.1f}/s  p50 {r['p50_ms']:7.1f} ms"
                    f"  p99 {r['p99_ms']:7.1f} ms  server CPU {r['server_cpu_ms_per_answer']:6.2f} ms/answer"
                    f"  database CPU {_ms(r['database_cpu_ms_per_answer'])} ms/answer"
                    f"  errors {r['errors']}",
                    flush=True,
                )
                out.append(r)
            return out

        results = asyncio.run(run())
    finally:
        stop_server(server)
        if db_cpu.db is not None:
            db_cpu.db.close()
    books = verify_books(results)
    floor = statistics.mean(r["throughput"] for r in results if r["phase"] == "floor")
    for r in results:
        r["vs_floor"] = round(r["throughput"] / floor, 2)
    load = os.getloadavg()
    report = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "engine": engine,
        "machine": f"{os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
        " at the end",
        "command": "python bench/load.py " + " ".join(sys.argv[1:]),
        "server": f"gunicorn, {args.workers} workers × {args.threads} threads",
        "connections": args.connections,
        "phases": results,
        "books": books,
    }
    (RESULTS / f"load-{engine}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print()
    print(f"{report['date']} · {report['engine']} · {report['machine']} · {report['server']}")
    print(
        "| phase | answers/s | × floor | p50 ms | p99 ms | server CPU ms/answer | database CPU ms/answer"
        " | client CPU ms/answer | answers | errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['phase']} | {r['throughput']:.0f} | {r['vs_floor']:.2f} | {r['p50_ms']:.1f}"
            f" | {r['p99_ms']:.1f} | {r['server_cpu_ms_per_answer']:.2f}"
            f" | {_ms(r['database_cpu_ms_per_answer'])} | {r['client_cpu_ms_per_answer']:.2f}"
            f" | {r['requests']:,} | {r['errors']} |"
        )
    print(
        f"limit breaches: {len(books['limit_breaches'])} · holds not in the exposure: "
        f"{len(books['reservation_drift'])} · reserving checks {books['reserving_outcomes']} · "
        f"passed holds missing: {books['reservations_missing']}"
    )
    failed = (
        any(r["errors"] for r in results)
        or books["limit_breaches"]
        or books["reservation_drift"]
        or books["reservations_missing"]
    )
    for r in results:
        for sample in r["error_samples"]:
            print(f"  {r['phase']}: {sample}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

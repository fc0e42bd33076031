"""PostgreSQL restarted (pg_ctl restart -m fast) in the middle of a load of reserving credit checks and
trade postings through a gunicorn server on loopback: every request answers either normally or 503
with the code unavailable.database, a message and Retry-After — never a bare 500; the service resumes
by itself once the database is back (no restart of the app server); every acknowledged posting is
there, a posting re-sent with the same external id after a 503 counts once; no limit was passed; the
exposure reconciles with the ledger, the audit chain verifies and pg_amcheck finds the tables and
indexes sound.

The machine's shared PostgreSQL is never touched: the test brings a throwaway cluster of its own
(initdb into a temporary folder, a free loopback port, trust authentication; stopped and deleted at
the end), filled with a copy of the test database (pg_dump). So it runs when the suite runs on
PostgreSQL and the PostgreSQL 15 server binaries are installed; otherwise it says why it skips."""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest
import requests
from django.db import connection
from django.utils import timezone

from conftest import make_user
from xindang.accounts.services import create_api_key
from xindang.credit.grants.models import CreditGrant

from .appserver import ROOT, free_port, server_env, start_gunicorn
from .test_app_servers import _granted

pytestmark = [
    pytest.mark.multidb,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'",
        reason="restarts a PostgreSQL cluster of its own, filled from the PostgreSQL test database",
    ),
]

PG_BIN = Path(os.environ.get("XINDANG_PG_BIN", "/usr/lib/postgresql/15/bin"))
DB = "xd_faults_restart"
LIMIT = Decimal(50_000)
CHECK = Decimal(500)  # 100 of them fit under the limit
CLIENTS = 8
SERVER_THREADS = 8  # gunicorn -w 2 --threads 4


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and the server refuse to run as root: as root, run them as the postgres user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class Cluster:
    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self.data = folder / "data"
        self.url = f"postgres://postgres@127.0.0.1:{port}/{DB}"

    def ctl(self, *args, timeout=60):
        """pg_ctl; its output to a file: a server it starts would hold a pipe open for ever."""
        with open(self.folder / "pg_ctl.log", "ab") as out:
            return subprocess.run(
                _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-w", "-t", "50", *args]),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=True,
            )

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


@pytest.fixture
def cluster():
    needed = ("initdb", "pg_ctl", "postgres", "pg_dump", "psql", "pg_amcheck")
    missing = [b for b in needed if not (PG_BIN / b).exists()]
    if missing:
        pytest.skip(f"the PostgreSQL server binaries are not installed ({PG_BIN}: no {', '.join(missing)})")
    folder = Path(tempfile.mkdtemp(prefix="xd-faults-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    c = Cluster(folder, free_port())
    started = False
    try:
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(c.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
                + ["--locale=C.UTF-8", "--no-sync"]
            ),
            capture_output=True,
            check=True,
            timeout=120,
        )
        options = f"-p {c.port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=60"
        c.ctl("start", "-l", str(folder / "server.log"), "-o", options)
        started = True
        yield c
    finally:
        if started:
            with contextlib.suppress(subprocess.SubprocessError):
                c.ctl("stop", "-m", "immediate")
        shutil.rmtree(folder, ignore_errors=True)


def _copy_test_database(c: Cluster) -> None:
    """The test database (migrated, with the test's rows committed) into the throwaway cluster."""
    source = urlparse(os.environ["DATABASE_URL"])
    source_url = urlunparse(source._replace(path="/" + connection.settings_dict["NAME"]))
    admin = f"postgres://postgres@127.0.0.1:{c.port}/postgres"
    subprocess.run([str(PG_BIN / "psql"), admin, "-qc", f"CREATE DATABASE {DB}"], check=True, timeout=60)
    dump = subprocess.Popen(
        [str(PG_BIN / "pg_dump"), "--no-owner", "--no-privileges", source_url], stdout=subprocess.PIPE
    )
    load = subprocess.run(
        [str(PG_BIN / "psql"), c.url, "-q", "-v", "ON_ERROR_STOP=1", "-o", os.devnull],
        stdin=dump.stdout,
        capture_output=True,
        text=True,
        timeout=180,
    )
    dump.stdout.close()
    assert dump.wait(timeout=60) == 0 and load.returncode == 0, load.stderr[-2000:]


@pytest.fixture
def server(cluster, tmp_path):
    """One gunicorn (2 workers × 4 threads, persistent connections) on the throwaway cluster."""
    # connections that outlive a request: all of them go stale at the restart
    env = server_env(tmp_path, cluster.url, XINDANG_CONN_MAX_AGE="60")
    server = start_gunicorn(env, tmp_path / "gunicorn.log", "-w", "2", "--threads", "4", "--timeout", "60")
    try:
        yield server.base, env, server.wait_until_up
    finally:
        server.stop()


def test_a_postgresql_restart_under_load_gives_clear_errors_and_loses_nothing(
    cluster, server, make_customer, dept_xs1
):
    # given two granted customers and an ERP key, copied into the throwaway cluster
    seller = make_user("restart_sales", "salesperson", department=dept_xs1)
    checked = _granted(make_customer(seller, name="重启授信客户"))
    booked = _granted(make_customer(seller, name="重启记账客户"))
    CreditGrant.objects.filter(customer=checked).update(limit_amount=LIMIT)
    admin = make_user("restart_admin", "system_admin")
    _key, raw = create_api_key(name="ERP", scopes=["credit:check", "ledger:write", "ledger:read"], by=admin)
    _copy_test_database(cluster)
    base, env, start = server
    start()
    erp = {"X-API-Key": raw}
    today = timezone.localdate().isoformat()

    def check(n):
        return requests.post(
            base + "/api/credit-check",
            json={"customer_id": checked.pk, "amount": str(CHECK), "reserve": True, "reference": f"SO-{n}"},
            headers=erp,
            timeout=60,
        )

    def post(external_id):
        body = {
            "customer_id": booked.pk,
            "kind": "shipment",
            "amount": "10.00",
            "entry_on": today,
            "external_id": external_id,
            "source_system": "ERP",
        }
        return requests.post(base + "/api/ledger/entries", json=body, headers=erp, timeout=60)

    # when 8 clients send checks and postings while PostgreSQL restarts
    answers: list[tuple[str, str, requests.Response, float]] = []  # kind, id, answer, sent at
    stop = threading.Event()
    lock = threading.Lock()

    broken: list[str] = []

    def client(i):
        n = 0
        while not stop.is_set():
            sent = time.monotonic()
            try:
                if n % 2:
                    ext = f"R-{i}-{n}"
                    answer, kind = post(ext), "post"
                else:
                    ext, answer, kind = f"SO-{i}-{n}", check(f"{i}-{n}"), "check"
            except requests.RequestException as exc:  # the app server itself must not drop a request
                broken.append(repr(exc))
                return
            with lock:
                answers.append((kind, ext, answer, sent))
            n += 1

    clients = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in clients:
        t.start()
    try:
        time.sleep(2)
        restarting = time.monotonic()
        cluster.ctl("restart", "-m", "fast", "-l", str(cluster.folder / "server.log"))
        back = time.monotonic()
        time.sleep(5)  # the load goes on against the restarted server
    finally:
        stop.set()
        for t in clients:
            t.join(timeout=90)
    assert not any(t.is_alive() for t in clients)
    assert not broken, broken

    # then every answer was normal or a clear 503, never a bare 500
    statuses = sorted({a.status_code for _k, _e, a, _t in answers})
    assert set(statuses) <= {200, 201, 503}, [
        (a.status_code, a.text[:200]) for _k, _e, a, _t in answers if a.status_code not in (200, 201, 503)
    ]
    unavailable = [a for _k, _e, a, _t in answers if a.status_code == 503]
    assert unavailable, f"the restart ({back - restarting:.1f} s) was not felt: {len(answers)} answers"
    for a in unavailable:
        assert a.json()["code"] == "unavailable.database" and a.json()["message"]
        assert a.headers["Retry-After"].isdigit()
    # and the service resumed by itself: everything sent well after the database came back succeeded
    # (a server thread whose kept connection went stale unused meets it once, answers 503 and
    # reconnects: at most one such answer per thread)
    late = [a.status_code for _k, _e, a, sent in answers if sent > back + 2]
    assert late and late.count(503) <= SERVER_THREADS, late
    assert all(s in (200, 201) for s in late[-CLIENTS:]), late

    # and a posting re-sent with the same external id after a 503 counts once
    posted = {e for k, e, _a, _t in answers if k == "post"}
    acknowledged = {e for k, e, a, _t in answers if k == "post" and a.status_code in (200, 201)}
    for e in sorted(posted - acknowledged):
        again = post(e)
        assert again.status_code in (200, 201), again.text[:300]
    passed = sum(
        1
        for k, _e, a, _t in answers
        if k == "check" and a.status_code == 200 and a.json()["outcome"] in ("allow", "warn")
    )

    with psycopg.connect(cluster.url) as db:
        stored = {
            r[0]
            for r in db.execute(
                "SELECT external_id FROM ledger_tradeentry WHERE customer_id = %s", [booked.pk]
            ).fetchall()
        }
        assert stored == posted  # nothing acknowledged lost, nothing twice (the ids are unique)
        (count,) = db.execute(
            "SELECT count(*) FROM ledger_tradeentry WHERE customer_id = %s", [booked.pk]
        ).fetchone()
        assert count == len(posted)
        held, n_held = db.execute(
            "SELECT coalesce(sum(amount), 0), count(*) FROM ledger_reservation"
            " WHERE customer_id = %s AND status = 'held'",
            [checked.pk],
        ).fetchone()
        (reserved,) = db.execute(
            "SELECT reservations_amount FROM ledger_exposure WHERE customer_id = %s", [checked.pk]
        ).fetchone()
    # no limit passed; every check that answered "allow" holds its reservation
    assert held <= LIMIT and held == reserved
    assert n_held >= passed

    # and the books and the audit chain are whole; the tables and indexes are sound
    # (both commands in one process started on the cluster: one Django start instead of two)
    script = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'xindang.settings'); "
        "django.setup(); from django.core.management import call_command; "
        "call_command('reconcile_exposure'); call_command('verify_audit')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert "no differences" in done.stdout and "chain intact" in done.stdout, done.stdout + done.stderr
    amcheck = subprocess.run(
        [str(PG_BIN / "pg_amcheck"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres"]
        + ["--install-missing", DB],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert amcheck.returncode == 0, amcheck.stdout[-2000:] + amcheck.stderr[-2000:] + cluster.log()

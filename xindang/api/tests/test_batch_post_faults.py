"""The app server's worker killed (kill -9) in the middle of a 10,000-entry batch post
(POST /api/ledger/entries) — after its transaction wrote every entry, before it committed: nothing of
the batch is saved (no entry, no change of the exposure, no audit event), and the same batch sent
again (the same source system and external ids: the posting's idempotency key) is posted once, whole;
sent a third time it changes nothing. To stop the batch at that point every time, the test holds the
audit chain's head locked, which the batch needs last, and watches for the batch's transaction waiting
for it with its entries written (PostgreSQL: pg_stat_activity and pg_locks; MariaDB:
information_schema.innodb_trx, which counts the rows a transaction has modified, read no more often
than InnoDB refreshes it). Real processes: a
gunicorn on loopback serving the test database of PostgreSQL or MariaDB (an SQLite test database
cannot be shared with a server process this way); its master starts a new worker after the kill."""

import os
import signal
import threading
import time
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import requests
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from conftest import make_user
from xindang.accounts.services import create_api_key
from xindang.audit.models import AuditChainHead, AuditEvent
from xindang.ledger.models import Exposure, TradeEntry

from .appserver import server_env, start_gunicorn, test_database_url

pytestmark = [
    pytest.mark.multidb,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        "connection.vendor == 'sqlite'", reason="an app server process needs a database server"
    ),
]

ENTRIES = 10_000


def _batch_written_and_waiting() -> bool:
    """Another connection's transaction has written the batch's entries and now waits for the audit
    chain's head, which this test holds locked: the batch is all written and not committed (the
    holder's own connection waits for nothing, so it is not counted)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT count(*) FROM pg_stat_activity a WHERE a.datname = current_database()"
                " AND a.pid <> pg_backend_pid() AND a.wait_event_type = 'Lock'"
                " AND a.query LIKE '%%audit_auditchainhead%%' AND EXISTS (SELECT 1 FROM pg_locks l"
                " JOIN pg_class c ON c.oid = l.relation WHERE l.pid = a.pid"
                " AND c.relname = 'ledger_tradeentry' AND l.mode = 'RowExclusiveLock')"
            )
        else:
            # InnoDB shows each open transaction with the rows it has written so far: the batch's
            # waits for a lock (the audit chain's head the test holds, the only lock it can wait for:
            # it takes it last) having written at least every entry
            cur.execute(
                "SELECT count(*) FROM information_schema.innodb_trx"
                " WHERE trx_mysql_thread_id <> CONNECTION_ID() AND trx_state = 'LOCK WAIT'"
                " AND trx_rows_modified >= %s",
                [ENTRIES],
            )
        return cur.fetchone()[0] > 0


def _open_transactions() -> int:
    """Transactions of other connections still open (a killed client's is rolled back by the server)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )
        else:
            cur.execute(
                "SELECT count(*) FROM information_schema.innodb_trx"
                " WHERE trx_mysql_thread_id <> CONNECTION_ID()"
            )
        return cur.fetchone()[0]


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _wait_until(predicate, seconds, what, report=lambda: ""):
    # InnoDB refreshes information_schema.innodb_trx only when it has not been read for 0.1 s: asked
    # more often, it keeps showing the transactions of its last refresh
    pause = 0.25 if connection.vendor == "mysql" else 0.02
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {report()}")
        time.sleep(pause)


def _activity() -> str:
    """What the other connections are doing (for a failure's message)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(
                "SELECT pid, state, wait_event_type, wait_event, left(query, 100) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        else:
            cur.execute(
                "SELECT trx_mysql_thread_id, trx_state, trx_rows_modified, trx_rows_locked,"
                " left(trx_query, 100) FROM information_schema.innodb_trx"
            )
        return repr(cur.fetchall())


@pytest.fixture
def server(tmp_path):
    """One gunicorn master with one sync worker, on the test database."""
    if not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists():
        pytest.skip("finding the gunicorn worker needs /proc/<pid>/task/<pid>/children (Linux)")
    server = start_gunicorn(
        server_env(tmp_path, test_database_url()),
        tmp_path / "gunicorn.log",
        *("-w", "1", "--timeout", "300", "--graceful-timeout", "5"),
    )
    try:
        server.wait_until_up()
        yield server.base, server.proc
    finally:
        server.stop()


def test_kill_9_mid_batch_post_saves_nothing_and_the_same_batch_again_posts_once(
    server, make_customer, dept_xs1
):
    base, master = server
    seller = make_user("batch_sales", "salesperson", department=dept_xs1)
    customers = [make_customer(seller, name=f"批量记账客户{n}号") for n in range(4)]
    admin = make_user("batch_admin", "system_admin")
    _key, raw = create_api_key(name="ERP", scopes=["ledger:write", "ledger:read"], by=admin)
    today = timezone.localdate().isoformat()
    batch = {
        "entries": [
            {
                "customer_id": customers[n % 4].pk,
                "kind": "shipment",
                "amount": "10.00",
                "entry_on": today,
                "external_id": f"DN-{n:05d}",
                "source_system": "ERP",
            }
            for n in range(ENTRIES)
        ]
    }
    events = AuditEvent.objects.count()

    def send():
        url = base + "/api/ledger/entries"
        return requests.post(url, json=batch, headers={"X-API-Key": raw}, timeout=300)

    first: dict = {}

    def send_first():
        try:
            first["answer"] = send()
        except requests.RequestException as exc:
            first["error"] = exc

    (worker,) = _children(master.pid)
    sender = threading.Thread(target=send_first)
    # the audit chain's head held locked on a connection of our own (the watching below runs outside
    # any transaction: PostgreSQL shows pg_stat_activity as of a transaction's first look at it): the
    # batch writes all its entries, then waits to audit them
    assert AuditChainHead.objects.filter(pk=1).exists()
    holder = connection.get_new_connection(connection.get_connection_params())
    try:
        holder.cursor().execute("SELECT id FROM audit_auditchainhead WHERE id = 1 FOR UPDATE")
        sender.start()
        try:
            _wait_until(
                lambda: _batch_written_and_waiting() or not sender.is_alive(), 240, "the batch", _activity
            )
            answered = first.get("answer")
            assert answered is None, f"answered: {answered.status_code} {answered.text[:500]}"
            os.kill(worker, signal.SIGKILL)  # when the worker is killed in the middle of its transaction
        finally:
            sender.join(timeout=60)
    finally:
        holder.rollback()
        holder.close()
    assert isinstance(first.get("error"), requests.ConnectionError), first

    # then nothing of it is there, once the database has rolled the dead worker's transaction back
    _wait_until(lambda: _open_transactions() == 0, 120, "the killed worker's transaction to end", _activity)
    assert TradeEntry.objects.count() == 0
    assert all(e.committed_amount == 0 for e in Exposure.objects.filter(customer__in=customers))
    assert AuditEvent.objects.filter(action="ledger.post_batch").count() == 0
    assert AuditEvent.objects.count() == events

    # when the same batch is sent again (the master has started a new worker), it is posted whole
    _wait_until(lambda: _children(master.pid) not in ([], [worker]), 60, "a new worker")
    again = send()
    assert again.status_code == 201, again.text[:500]
    assert again.json()["count"] == ENTRIES and again.json()["created"] == ENTRIES
    # and a third time it changes nothing
    third = send()
    assert third.status_code == 200, third.text[:500]
    assert third.json()["created"] == 0

    assert TradeEntry.objects.count() == ENTRIES
    for customer in customers:
        assert Exposure.objects.get(customer=customer).open_shipments_amount == Decimal(ENTRIES // 4 * 10)
    assert AuditEvent.objects.filter(action="ledger.post_batch").count() == len(customers)
    out = StringIO()
    call_command("reconcile_exposure", stdout=out)
    assert "no differences" in out.getvalue()

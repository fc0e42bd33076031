"""The hot path of a check that only answers (002 第三十一–三十五条): one read outside any transaction,
its record committed durably before the answer by default — or, opt-in on PostgreSQL, with an
asynchronous commit or just behind the answer by the recorder thread — and the fallbacks when the
read finds something to write first."""

import json
import logging
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xindang import settings as project_settings
from xindang.credit.control import recorder as recorder_module
from xindang.credit.control import rules, services
from xindang.credit.control.fastpath import sql as fastpath_sql
from xindang.credit.control.models import CreditCheck
from xindang.credit.control.recorder import recorder
from xindang.ledger.models import Exposure, Reservation

pytestmark = [pytest.mark.multidb, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
only_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the recorder thread and the relaxed commit are PostgreSQL's"
)

D = Decimal


@pytest.fixture(autouse=True)
def _recorder_disconnects_after():
    yield
    recorder.close()  # its own connection would keep the test database from being dropped


def _stored(check_id) -> dict:
    row = CreditCheck.objects.get(pk=check_id)
    return {
        "customer": row.customer_id,
        "amount": row.amount,
        "outcome": row.outcome,
        "codes": [r["code"] for r in row.reasons],
        "limit": row.limit_amount,
        "exposure": row.exposure_amount,
        "grade": row.grade,
        "reserve": row.inputs["reserve"],
        "oldest_overdue": row.inputs["oldest_overdue"],
    }


def _answered(result) -> dict:
    return {
        "customer": result.customer_id,
        "amount": result.amount,
        "outcome": result.outcome,
        "codes": [r["code"] for r in result.reasons],
        "limit": result.limit_amount,
        "exposure": result.exposure_amount,
        "grade": result.grade,
        "reserve": False,
        "oldest_overdue": (
            {k: str(v) for k, v in result.oldest_overdue.items()} if result.oldest_overdue else None
        ),
    }


def test_an_answer_outside_a_transaction_is_recorded_as_answered(customer, post, today):
    assert not connection.in_atomic_block
    allowed = services.check_credit(customer=customer, amount=D(20_000), kind="shipment")
    post(customer, "shipment", 50_000, entry_on=today - timedelta(days=90), due_on=today - timedelta(days=60))
    blocked = services.check_credit(customer=customer, amount=D(1_000), kind="shipment")
    assert (allowed.outcome, blocked.outcome) == (rules.ALLOW, rules.BLOCK)
    assert [r["code"] for r in blocked.reasons] == [rules.PREVIOUS_DEBT]  # 002 第三十五条
    for result in (allowed, blocked):
        assert _stored(result.check_id) == _answered(result)


def _recorder_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "credit-check-recorder")


def _statements(monkeypatch) -> list[str]:
    """The record's hand-written statements (PostgreSQL), which go past Django's query log."""
    sent = []
    real = fastpath_sql.fetchone

    def fetchone(sql, params):
        sent.append(sql)
        return real(sql, params)

    monkeypatch.setattr(fastpath_sql, "fetchone", fetchone)
    return sent


def test_by_default_the_record_is_committed_before_the_answer_and_no_recorder_runs(
    customer, settings, monkeypatch
):
    # The project's defaults (the conftest fixture forces the record to be written at once in every
    # test, so the defaults are read from the settings module, as the environment left them).
    assert project_settings.CREDIT_CHECK_RECORD_BEHIND is False
    assert project_settings.CREDIT_CHECK_ASYNC_COMMIT is False
    settings.CREDIT_CHECK_RECORD_BEHIND = project_settings.CREDIT_CHECK_RECORD_BEHIND
    settings.CREDIT_CHECK_ASYNC_COMMIT = project_settings.CREDIT_CHECK_ASYNC_COMMIT
    services.check_credit(customer=customer, amount=D(1), kind="shipment")  # the exposure row exists
    handed = []
    monkeypatch.setattr(recorder, "put", handed.append)
    sent = _statements(monkeypatch)
    threads = _recorder_threads()
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        result = services.check_credit(customer=customer, amount=D(20_000), kind="shipment")
    # when check_credit returns, the record is in the database, as answered, and no thread has it
    assert _stored(result.check_id) == _answered(result)
    assert handed == [] and _recorder_threads() == threads
    # its commit waited for the WAL flush: nothing turned synchronous_commit off
    assert sent or connection.vendor != "postgresql"
    assert not any("synchronous_commit" in q for q in [*sent, *(q["sql"] for q in queries.captured_queries)])


@only_postgresql
def test_the_opt_in_relaxed_commit_turns_synchronous_commit_off(customer, settings, monkeypatch):
    settings.CREDIT_CHECK_ASYNC_COMMIT = True
    services.check_credit(customer=customer, amount=D(1), kind="shipment")  # the exposure row exists
    sent = _statements(monkeypatch)
    result = services.check_credit(customer=customer, amount=D(20_000), kind="shipment")
    assert _stored(result.check_id) == _answered(result)
    assert ["synchronous_commit" in sql for sql in sent if sql.startswith("INSERT")] == [True]


@only_postgresql
def test_the_recorder_writes_the_answer_just_behind_it_with_the_id_it_answered(customer, settings):
    settings.CREDIT_CHECK_RECORD_BEHIND = True
    results = [
        services.check_credit(customer=customer, amount=D(amount), kind="shipment")
        for amount in (10_000, 95_000, 150_000)
    ]
    assert [r.outcome for r in results] == [rules.ALLOW, rules.WARN, rules.BLOCK]
    ids = [r.check_id for r in results]
    assert ids == sorted(ids) and len(set(ids)) == 3
    recorder.flush()
    for result in results:
        assert _stored(result.check_id) == _answered(result)
    # Text the COPY format must escape comes back as it was sent.
    odd = "SO\t1\\N\n2\r①"
    tricky = services.check_credit(customer=customer, amount=D(5), kind="shipment", reference=odd)
    recorder.flush()
    assert CreditCheck.objects.get(pk=tricky.check_id).reference == odd
    # A record written afterwards the ordinary way does not collide with the ids drawn.
    settings.CREDIT_CHECK_RECORD_BEHIND = False
    later = services.check_credit(customer=customer, amount=D(1), kind="shipment")
    assert later.check_id > max(ids)


@only_postgresql
def test_a_record_the_database_refuses_is_retried_then_logged_whole(customer, settings, monkeypatch, caplog):
    monkeypatch.setattr(recorder_module, "GATHER_SECONDS", 0)
    monkeypatch.setattr(recorder_module.time, "sleep", lambda _s: None)
    good = services.check_credit(customer=customer, amount=D(10), kind="shipment")
    row = CreditCheck.objects.get(pk=good.check_id)
    bad = (
        good.check_id,  # the id is taken: the COPY fails at once, every time
        *[getattr(row, CreditCheck._meta.get_field(c).attname) for c in recorder_module.COLUMNS],
    )
    bad = tuple(
        json.dumps(v) if c in ("reasons", "inputs") else v
        for c, v in zip(("id", *recorder_module.COLUMNS), bad, strict=True)
    )
    with caplog.at_level(logging.ERROR, logger="xindang.credit.control.recorder"):
        recorder.put(bad)
        recorder.flush()
    assert "credit check records not written (1 rows)" in caplog.text
    assert str(good.check_id) in caplog.text
    # The recorder goes on working after a refused batch.
    settings.CREDIT_CHECK_RECORD_BEHIND = True
    after = services.check_credit(customer=customer, amount=D(10), kind="shipment")
    recorder.flush()
    assert CreditCheck.objects.filter(pk=after.check_id).exists()


def test_a_first_check_creates_the_exposure_row_through_the_locking_path(make_customer, salesperson):
    fresh = make_customer(salesperson, name="新建档案有限公司")
    Exposure.objects.filter(customer=fresh).delete()
    result = services.check_credit(customer=fresh, amount=D(10), kind="shipment")
    assert result.outcome == rules.BLOCK and rules.NO_GRANT in [r["code"] for r in result.reasons]
    assert Exposure.objects.filter(customer=fresh).exists()
    assert CreditCheck.objects.filter(pk=result.check_id, outcome=rules.BLOCK).exists()


def test_an_answer_releases_expired_holds_first_and_counts_only_live_ones(customer, salesperson):
    held = services.check_credit(
        customer=customer, amount=D(60_000), kind="shipment", reserve=True, by=salesperson
    )
    Reservation.objects.filter(pk=held.reservation_id).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    result = services.check_credit(customer=customer, amount=D(60_000), kind="shipment")
    assert result.outcome == rules.ALLOW
    assert result.exposure["reservations"] == D("0.00")
    assert Reservation.objects.get(pk=held.reservation_id).status != Reservation.Status.HELD

"""manage.py verify_audit against a real table: rows altered or deleted behind the application's back."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from xindang.audit import selectors
from xindang.audit.models import AuditChainHead, AuditEvent
from xindang.audit.rules import event_hash
from xindang.audit.selectors import verify_chain
from xindang.audit.services import hashed_fields, record_event, record_events, spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_events(salesperson, audit_tampering):
    record_event("auth.login", actor=salesperson, object_type="accounts.user", object_id="zhangsan")
    record_events(
        [
            spec(
                "customer.view",
                actor=salesperson,
                object_type="customers.customer",
                object_id=str(n),
                object_repr=f"华夏科技有限公司{n}",
                purpose="年度复核",
                data={"n": n, "金额": "1.50"},
            )
            for n in range(1, 4)
        ]
    )
    record_event("auth.logout", actor=salesperson)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4, 5]


def run_verify(*args) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def broken_message(*args) -> str:
    with pytest.raises(CommandError) as exc:
        run_verify(*args)
    return str(exc.value)


def test_intact_chain_is_reported_ok(five_events):
    assert run_verify().strip() == "OK: 5 events, chain intact"


def test_an_empty_log_is_intact(db):
    assert run_verify().strip() == "OK: 0 events, chain intact"


def test_an_altered_row_is_reported_at_its_seq(five_events):
    # QuerySet.update() bypasses the model's append-only save(), as a direct SQL UPDATE would.
    AuditEvent.objects.filter(seq=3).update(object_repr="篡改的客户")
    message = broken_message()
    assert "seq 3: altered" in message
    assert "customer.view" in message


@pytest.mark.parametrize("chunk_size", ["1", "2", "2000"])
def test_detection_does_not_depend_on_page_boundaries(five_events, chunk_size):
    assert run_verify("--chunk-size", chunk_size).startswith("OK: 5 events")
    AuditEvent.objects.filter(seq=4).update(data={"n": 99})
    assert "seq 4: altered" in broken_message("--chunk-size", chunk_size)


def test_a_deleted_middle_row_is_reported_missing(five_events):
    AuditEvent.objects.filter(seq=3)._raw_delete(AuditEvent.objects.db)
    message = broken_message()
    assert "seq 3: missing" in message
    assert "row seen there: seq 4" in message


def test_a_row_deleted_with_raw_sql_is_reported_missing(five_events):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE seq = %s", [2])
    assert "seq 2: missing" in broken_message()


def test_a_deleted_last_row_is_reported(five_events):
    AuditEvent.objects.filter(seq=5)._raw_delete(AuditEvent.objects.db)
    message = broken_message()
    assert "seq 5: missing" in message
    assert "chain head at seq 5" in message


def test_a_last_row_rewritten_with_a_recomputed_hash_is_reported(five_events):
    last = AuditEvent.objects.get(seq=5)
    last.actor_name = "李四"
    AuditEvent.objects.filter(seq=5).update(
        actor_name="李四", hash=event_hash(hashed_fields(last), last.prev_hash)
    )
    assert "seq 5: altered" in broken_message()


def test_a_deleted_chain_head_is_reported(five_events):
    AuditChainHead.objects.all().delete()
    assert "seq 1: unrecorded" in broken_message()


def test_events_appended_after_the_head_was_read_are_not_a_false_alarm(five_events, salesperson, monkeypatch):
    # An append racing the check: the head has been read, then a sixth event commits before the rows are.
    real_walk = selectors.first_broken_link

    def append_then_walk(links, keys):
        record_event("customer.view", actor=salesperson)
        return real_walk(links, keys)

    monkeypatch.setattr(selectors, "first_broken_link", append_then_walk)
    check = verify_chain()
    assert check.ok
    assert (check.count, check.head_seq) == (5, 5)
    assert AuditEvent.objects.count() == 6


def test_verify_chain_reports_the_row_where_the_break_was_seen(five_events):
    AuditEvent.objects.filter(seq=2).update(purpose="改过")
    check = verify_chain()
    assert not check.ok
    assert (check.broken.seq, check.broken.reason, check.row.seq) == (2, "altered", 2)

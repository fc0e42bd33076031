"""Work of a gone task worker is handed back by any worker, on any machine (a worker killed on
one machine once left its imports "posting" for ever when the only other worker ran elsewhere)."""

import datetime
import time

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from xindang.core import tasks
from xindang.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db

handed_back_runs: list[list] = []


@task()
def sample_work(n: int) -> int:
    return n


tasks.register_on_interrupted(sample_work, handed_back_runs.extend)


@pytest.fixture(autouse=True)
def _clean():
    handed_back_runs.clear()
    yield
    handed_back_runs.clear()


def running(worker: str, n: int, started_ago: float) -> str:
    result = sample_work.enqueue(n)
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        worker_ids=[worker],
        started_at=timezone.now() - datetime.timedelta(seconds=started_ago),
    )
    return result.id


STALE = tasks.STALE_SECONDS


@pytest.mark.parametrize(
    ("heartbeat_age", "started_ago", "handed_back"),
    [
        (None, 5, False),  # another machine's worker that has not beaten yet: just started, trusted
        (None, STALE + 60, True),  # no heartbeat at all and long running: gone
        (5, STALE + 600, False),  # a fresh heartbeat: alive, however long the task runs
        (STALE + 1, 10, True),  # heartbeat older than the stale limit: gone
        (STALE - 5, STALE + 600, False),  # three missed beats are tolerated
    ],
)
def test_another_machines_worker_is_judged_by_its_heartbeat(heartbeat_age, started_ago, handed_back):
    worker = "other-host:4242"
    if heartbeat_age is not None:
        tasks.beat(worker, now=timezone.now() - datetime.timedelta(seconds=heartbeat_age))
    task_id = running(worker, 7, started_ago)

    assert tasks.release_interrupted_tasks() == int(handed_back)

    status = DBTaskResult.objects.get(pk=task_id).status
    assert status == ("FAILED" if handed_back else "RUNNING")
    expected = [[7]] if handed_back else []
    assert handed_back_runs == expected


def test_two_releasers_hand_the_work_back_once():
    task_id = running("other-host:1", 3, STALE + 60)
    result = DBTaskResult.objects.get(pk=task_id)
    # the second releaser read the task as running before the first marked it failed
    first = tasks.release_interrupted_tasks()
    DBTaskResult.objects.filter(pk=task_id).update(status="RUNNING")  # as the second one saw it…
    claimed = DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(status="FAILED")
    assert first == 1 and claimed == 1
    assert tasks.release_interrupted_tasks() == 0  # …and it lost the claim
    assert handed_back_runs == [[3]]


# Threads and the worker command commit: a committing test (whose roles and policy the serialized
# rollback brings back, as every committing test here does).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_thread_beats_and_hands_back():
    task_id = running("gone-host:9", 11, STALE + 60)
    heartbeat = tasks.Heartbeat("this-host:1", every=0.05)
    heartbeat.start()
    try:
        for _ in range(200):
            if WorkerHeartbeat.objects.filter(worker_id="this-host:1").exists() and handed_back_runs:
                break
            time.sleep(0.05)
    finally:
        heartbeat.stop()
        heartbeat.join(5)
    assert WorkerHeartbeat.objects.get(worker_id="this-host:1").seen_at > timezone.now() - datetime.timedelta(
        seconds=30
    )
    assert DBTaskResult.objects.get(pk=task_id).status == "FAILED"
    assert handed_back_runs == [[11]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_that_stops_in_order_takes_its_heartbeat_away():
    call_command("worker", batch=True, verbosity=0)
    assert not WorkerHeartbeat.objects.exists()

"""The task queue's care for interrupted work (django-tasks with its database backend).

A task interrupted by a killed worker (kill -9, a crash, a power cut) stays "running" in the queue for
ever: no process will finish it. `manage.py worker` looks, when it starts and then at every heartbeat,
for running tasks whose worker is gone, marks them failed at once, and hands each to the function its
app registered for that task, which puts the work back (a customer import goes back to "previewed", to
be confirmed again). A worker is gone when
- it ran on this machine (worker id `<host>:<pid>`) and its process no longer lives; or
- it ran on another machine and its heartbeat (renewed every HEARTBEAT_SECONDS) is older than
  STALE_SECONDS, or it never wrote one and the task started longer than STALE_SECONDS ago."""

import datetime
import os
import socket
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import WorkerHeartbeat

# Every worker renews its heartbeat this often; another machine's worker silent for STALE_SECONDS is
# taken for dead (four missed beats: a busy database or a paused VM does not hand back live work).
HEARTBEAT_SECONDS = 30
STALE_SECONDS = 4 * HEARTBEAT_SECONDS

_ON_INTERRUPTED: dict[str, Callable[[list[list]], object]] = {}


class Interrupted(Exception):
    """The worker that ran this task ended before the task finished."""


def register_on_interrupted(task, handler: Callable[[list[list]], object]) -> None:
    """handler(args of each interrupted run of `task`) puts that work back; called in one go."""
    _ON_INTERRUPTED[task.module_path] = handler


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    return True


def _gone_here(worker: str, prefix: str) -> bool:
    try:
        pid = int(worker[len(prefix) :])
    except ValueError:
        return False
    return pid != os.getpid() and not _alive(pid)


def interrupted_tasks(now: datetime.datetime | None = None) -> list[DBTaskResult]:
    """Running tasks whose last worker is gone: a dead process of this host, or another host's worker
    whose heartbeat is stale (or missing, for a task started longer than STALE_SECONDS ago)."""
    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=STALE_SECONDS)
    prefix = f"{socket.gethostname()}:"
    running = list(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING))
    last_of = {result.pk: (result.worker_ids or [""])[-1] for result in running}
    beats = WorkerHeartbeat.objects.filter(worker_id__in=set(last_of.values()))
    seen = dict(beats.values_list("worker_id", "seen_at"))
    found = []
    for result in running:
        last = last_of[result.pk]
        if last.startswith(prefix):
            gone = _gone_here(last, prefix)
        elif last in seen:
            gone = seen[last] < stale
        else:
            gone = (result.started_at or result.enqueued_at) < stale
        if gone:
            found.append(result)
    return found


def beat(worker: str, now: datetime.datetime | None = None) -> None:
    """Renew this worker's heartbeat."""
    WorkerHeartbeat.objects.update_or_create(worker_id=worker, defaults={"seen_at": now or timezone.now()})


def forget(worker: str) -> None:
    """A worker that stops in order takes its heartbeat away."""
    WorkerHeartbeat.objects.filter(worker_id=worker).delete()


class Heartbeat(threading.Thread):
    """Beside the worker's loop: renews the heartbeat and hands back the work of gone workers (of any
    machine) every HEARTBEAT_SECONDS. A failed beat (the database away) is tried again next time."""

    def __init__(self, worker: str, every: float = HEARTBEAT_SECONDS):
        super().__init__(name="xindang-heartbeat", daemon=True)
        self.worker, self.every, self.stopped = worker, every, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                beat(self.worker)
                release_interrupted_tasks()
            except Exception:  # noqa: S110 - the database may be away for a while: try next beat
                pass
            finally:
                close_old_connections()
        connection.close()

    def stop(self) -> None:
        self.stopped.set()


def release_interrupted_tasks(now: datetime.datetime | None = None) -> int:
    """Mark the interrupted tasks failed and hand their work back to their apps. Returns how many."""
    released = []
    for result in interrupted_tasks(now):
        # Claimed by one releaser only: two workers (of two machines) may look at the same moment.
        claimed = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED
        )
        if claimed:
            result.set_failed(Interrupted("the worker process ended before the task finished"))
            released.append(result)
    by_task: dict[str, list[list]] = {}
    for result in released:
        by_task.setdefault(result.task_path, []).append(list((result.args_kwargs or {}).get("args") or []))
    for path, runs in by_task.items():
        if path in _ON_INTERRUPTED:
            _ON_INTERRUPTED[path](runs)
    return len(released)


def task_request(ip: str | None, user=None):
    """What an audited service needs of a request, inside a task: the client's address (kept when the
    task was queued) and the user. Not a real request: nothing else may be read from it."""
    from types import SimpleNamespace

    return SimpleNamespace(META={"REMOTE_ADDR": ip or ""}, user=user, headers={})

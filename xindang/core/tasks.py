"""The task queue's care for interrupted work (django-tasks with its database backend).

A task interrupted by a killed worker (kill -9, a crash, a power cut) stays "running" in the queue for
ever: no process will finish it. `manage.py worker` first looks for tasks that a worker of this host
(worker id `<host>:<pid>`) claimed and whose process no longer lives, marks them failed at once, and
hands each to the function its app registered for that task, which puts the work back (a customer
import goes back to "previewed", to be confirmed again)."""

import os
import socket
from collections.abc import Callable

from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

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


def interrupted_tasks() -> list[DBTaskResult]:
    """Running tasks last claimed by a worker of this host whose process is gone."""
    prefix = f"{socket.gethostname()}:"
    found = []
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        last = (result.worker_ids or [""])[-1]
        if not last.startswith(prefix):
            continue
        try:
            pid = int(last[len(prefix) :])
        except ValueError:
            continue
        if pid != os.getpid() and not _alive(pid):
            found.append(result)
    return found


def release_interrupted_tasks() -> int:
    """Mark the interrupted tasks failed and hand their work back to their apps. Returns how many."""
    tasks = interrupted_tasks()
    by_task: dict[str, list[list]] = {}
    for result in tasks:
        result.set_failed(Interrupted("the worker process ended before the task finished"))
        by_task.setdefault(result.task_path, []).append(list((result.args_kwargs or {}).get("args") or []))
    for path, runs in by_task.items():
        if path in _ON_INTERRUPTED:
            _ON_INTERRUPTED[path](runs)
    return len(tasks)


def task_request(ip: str | None, user=None):
    """What an audited service needs of a request, inside a task: the client's address (kept when the
    task was queued) and the user. Not a real request: nothing else may be read from it."""
    from types import SimpleNamespace

    return SimpleNamespace(META={"REMOTE_ADDR": ip or ""}, user=user, headers={})

"""Jobs of later apps that the daily run (`manage.py daily`, in duties) runs after its own work.

Each app registers its job in AppConfig.ready(): register_daily_job("reports", fn, order=50), where
fn(today) returns a line for the run's report. One explicit registry, no signals; duties (a lower
layer than reports) never imports the apps that add jobs. A job must be idempotent (the run may be
repeated the same day)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DailyJob:
    name: str
    run: Callable[[date], str]
    order: int


_JOBS: dict[str, DailyJob] = {}


def register_daily_job(name: str, run: Callable[[date], str], *, order: int) -> None:
    _JOBS[name] = DailyJob(name, run, order)


def daily_jobs() -> list[DailyJob]:
    return sorted(_JOBS.values(), key=lambda j: (j.order, j.name))

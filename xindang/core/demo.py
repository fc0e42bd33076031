"""Demo data steps of later modules, run by `manage.py demo` after the customer files are seeded.

Each app registers its step in AppConfig.ready(): register_demo_step("credit", seed_fn, order=10).
A step receives a DemoContext and must be deterministic for the context's seed. One explicit
registry, no signals; customers (a lower layer) never imports the apps that add steps.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


@dataclass
class DemoContext:
    customers: list  # the Customer rows created by this run
    users: dict  # login -> User (the demo users, one or more per role)
    departments: dict  # code -> Department
    today: date
    rng: random.Random
    stdout: object = None  # a writable stream for a one-line summary per step
    results: dict = field(default_factory=dict)  # step name -> summary, for the command's report


@dataclass(frozen=True)
class DemoStep:
    name: str
    run: Callable[[DemoContext], object]
    order: int


_STEPS: dict[str, DemoStep] = {}


def register_demo_step(name: str, run: Callable[[DemoContext], object], *, order: int) -> None:
    _STEPS[name] = DemoStep(name, run, order)


def demo_steps() -> list[DemoStep]:
    return sorted(_STEPS.values(), key=lambda s: (s.order, s.name))


def run_demo_steps(context: DemoContext) -> dict:
    for step in demo_steps():
        context.results[step.name] = step.run(context)
    return context.results

"""The handover demo step: a job change between two salespeople of one department."""

import random
from datetime import date

import pytest

from xindang.core.demo import DemoContext
from xindang.handovers.demo import seed_handovers
from xindang.handovers.models import Handover

pytestmark = pytest.mark.sqlite_suite  # the demo is what `make run` builds


@pytest.mark.django_db
def test_demo_step_hands_over_without_deactivating(make_customer, salesperson, successor, manager, sysadmin):
    make_customer(salesperson, name="演示客户有限公司")
    ctx = DemoContext(
        customers=[],
        users={u.username: u for u in (salesperson, successor, manager, sysadmin)},
        departments={},
        today=date(2026, 6, 30),
        rng=random.Random(1),
    )
    summary = seed_handovers(ctx)
    handover = Handover.objects.get()
    assert handover.number in summary
    assert handover.leaver.is_active and handover.signatures.count() == 1

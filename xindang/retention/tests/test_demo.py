import random
from datetime import date

import pytest

from xindang.core.demo import DemoContext
from xindang.retention import selectors
from xindang.retention.demo import seed_retention
from xindang.retention.models import Disposal, DisposalStatus, ManualHold

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_suite]  # the demo is what `make run` builds


def test_demo_step_fills_the_appraisal_screens(make_customer, salesperson, archivist):
    customers = [make_customer(salesperson, name=f"演示档案{i}有限公司") for i in range(5)]
    ctx = DemoContext(
        customers=customers,
        users={"dangan": archivist},
        departments={},
        today=date.today(),
        rng=random.Random(1),
    )
    summary = seed_retention(ctx)
    assert "3 statements" in summary
    assert Disposal.objects.get().status == DisposalStatus.PENDING
    assert ManualHold.objects.count() == 1
    due = [r for f in selectors.appraisal_queue(archivist) for r in f.rows]
    assert len(due) == 2  # the one kept for five more years is left out until then

"""Two runs of the monthly generation at once (cron and a controller's button) make one evaluation per
grant and month, on every engine."""

from datetime import date

import pytest

from xindang.credit.evaluations import services
from xindang.credit.evaluations.models import GrantEvaluation
from xindang.testing.concurrency import run_concurrently

pytestmark = [pytest.mark.multidb, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_concurrent_generation_makes_one_evaluation_per_grant(make_customer, salesperson, make_grant):
    grants = [make_grant(make_customer(salesperson, name=f"并发客户{i}有限公司")) for i in range(3)]
    results = run_concurrently(lambda i: services.generate_month(date(2026, 10, 1)), threads=4)
    assert sorted(r.created for r in results) == [0, 0, 0, 3]
    assert GrantEvaluation.objects.filter(month=date(2026, 10, 1)).count() == len(grants)

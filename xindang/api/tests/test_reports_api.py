"""Reads of the analyses and the credit dashboard: the screens' figures over the files the user sees,
the screens' permissions, the long lists paginated."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.ledger.services import post_trade_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def trade(make_customer, salesperson, other_salesperson, credit_manager):
    today = timezone.localdate()
    mine = make_customer(salesperson, name="华夏电气商店", industry="F")
    big = make_customer(salesperson, name="长江钢铁贸易有限公司", industry="C")
    far = make_customer(other_salesperson, name="南方机电有限公司", industry="F")
    for customer, amount in ((mine, 1000), (big, 9000), (far, 5000)):
        post_trade_entry(
            customer=customer,
            kind="shipment",
            amount=Decimal(amount),
            entry_on=today - timedelta(days=40),
            due_on=today - timedelta(days=10),
            by=credit_manager,
        )
    last = today.year - 1
    post_trade_entry(
        customer=big, kind="shipment", amount=Decimal(1200), entry_on=date(last, 3, 5), by=credit_manager
    )
    return mine, big, far


def test_composition_abc_and_two_ends_cover_the_files_the_user_sees(client, salesperson, trade):
    mine, big, _far = trade
    client.force_login(salesperson)
    year = (timezone.localdate() - timedelta(days=40)).year
    comp = client.get(f"/api/reports/composition?dimension=industry&year={year}").json()
    assert Decimal(comp["total"]) == Decimal(10000)
    assert {r["key"]: Decimal(r["amount"]) for r in comp["rows"]} == {"C": 9000, "F": 1000}
    page = client.get(f"/api/reports/abc?year={year}&page_size=1").json()
    assert page["count"] == 2 and [r["customer_id"] for r in page["items"]] == [big.pk]
    assert page["items"][0]["klass"] == "A" and Decimal(page["items"][0]["share"]) == Decimal("0.9")
    summary = client.get(f"/api/reports/abc/summary?year={year}").json()
    assert [c["customers"] for c in summary["classes"]] == [1, 1, 0]  # 90 % before it: under the B line
    tail = client.get("/api/reports/tail-customers").json()
    assert {r["customer_id"] for r in tail["items"]} == {mine.pk, big.pk} - {
        r["customer_id"] for r in client.get("/api/reports/core-customers").json()["items"]
    }
    assert all("overdue" in r["reasons"] for r in tail["items"])


@pytest.mark.parametrize("who", ["salesperson", "manager", "credit_manager"])
def test_abc_and_two_ends_read_the_stored_ranking_as_the_page_does(client, request, trade, who):
    """With the daily run's ranking stored, the API answers what it answers live, without reading the
    ledger (the page's reading: reports.selectors.ranking)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xindang.reports import services
    from xindang.reports.models import AbcRank

    client.force_login(request.getfixturevalue(who))
    year = timezone.localdate().year
    urls = [
        f"/api/reports/abc?year={year}&page_size=2",
        f"/api/reports/abc?year={year}&page_size=2&page=2",
        f"/api/reports/abc?year={year - 1}",
        f"/api/reports/abc/summary?year={year}",
        "/api/reports/core-customers",
        "/api/reports/tail-customers",
    ]
    live = [client.get(u).json() for u in urls]
    services.refresh_credit_snapshot()
    services.refresh_abc_ranking()
    assert AbcRank.objects.filter(customer__isnull=True).exists()
    with CaptureQueriesContext(connection) as ctx:
        stored = [client.get(u).json() for u in urls]
    for a, b in zip(stored, live, strict=True):
        assert a == b
    assert not [q["sql"] for q in ctx.captured_queries if "ledger_tradeentry" in q["sql"]]


def test_seasonal_index_of_one_customer_and_its_targets(client, salesperson, trade, other_salesperson):
    _mine, big, far = trade
    client.force_login(salesperson)
    last = timezone.localdate().year - 1
    body = client.get(f"/api/reports/seasonal?year={last}&customer={big.pk}&goal=12000").json()
    march = body["sales"][-1]["months"][2]
    assert body["customer_id"] == big.pk and Decimal(march) == Decimal(1200)
    assert sum(Decimal(t) for t in body["targets"]) == Decimal(12000)
    assert Decimal(body["index"][2]) == Decimal(1200)  # all the sales in one month: 12 × the average
    assert client.get(f"/api/reports/seasonal?customer={far.pk}").status_code == 404  # not the user's
    assert client.get("/api/reports/seasonal?goal=NaN").status_code == 422


def test_the_dashboard_needs_the_dashboard_permission(client, salesperson, credit_manager, trade):
    client.force_login(salesperson)
    assert client.get("/api/reports/dashboard").status_code == 403
    client.force_login(credit_manager)
    body = client.get("/api/reports/dashboard").json()
    assert {g["grade"]: g["customers"] for g in body["grades"]} == {"": 3}
    assert len(body["trend"]) == 12
    # the three shipments 10 days overdue and last year's (due by the default term)
    assert Decimal(body["trend"][-1]["overdue"]) == Decimal(16200)
    assert [r["customer_id"] for r in body["top_risks"]][:1] == [trade[1].pk]
    assert sum(Decimal(b["amount"]) for b in body["ageing"]) == Decimal(16200)


def test_the_analyses_refuse_a_user_without_the_permission(client, archivist):
    client.force_login(archivist)
    for route in ("composition", "abc", "abc/summary", "core-customers", "tail-customers", "seasonal"):
        assert client.get(f"/api/reports/{route}").status_code == 403, route

"""The lists paginate the Ninja way and keep their answers' shape: {"count", "page", "pages",
"results"} for the first lists (a customer list past its end answers its last page, as before; the
ledger's an empty page), {"items", "count"} for the later ones; a page past any table is a 422."""

from decimal import Decimal

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_first_lists_keep_their_shape(client, make_customer, salesperson):
    from xindang.ledger.services import post_trade_entry

    customers = [make_customer(salesperson, name=f"华夏{n}号贸易有限公司") for n in range(3)]
    for c in customers:
        post_trade_entry(customer=c, kind="shipment", amount=Decimal(10), entry_on=timezone.localdate())
    client.force_login(salesperson)
    body = client.get("/api/customers?page_size=2").json()
    assert (body["count"], body["page"], body["pages"], len(body["results"])) == (3, 1, 2, 2)
    last = client.get("/api/customers?page_size=2&page=9").json()
    assert (last["page"], len(last["results"])) == (2, 1)  # past the end: the last page
    entries = client.get("/api/ledger/entries?page_size=2&page=2").json()
    assert (entries["count"], entries["page"], entries["pages"], len(entries["results"])) == (3, 2, 2, 1)
    assert client.get("/api/ledger/entries?page=3").json()["results"] == []
    for url in ("/api/customers", "/api/ledger/entries", "/api/documents?customer_id=1"):
        assert client.get(f"{url}{'&' if '?' in url else '?'}page=1000001").status_code == 422, url
    assert client.get("/api/customers?page_size=201").status_code == 422


def test_the_later_lists_answer_items_and_count(client, make_customer, salesperson):
    customer = make_customer(salesperson)
    client.force_login(salesperson)
    body = client.get(f"/api/contracts?customer_id={customer.pk}").json()
    assert body == {"items": [], "count": 0}


def test_a_capped_count_stops_past_the_cap_and_shapes_only_the_page():
    from xindang.api.pagination import Mapped, page_answer

    shaped = []
    rows = Mapped(list(range(10)), lambda n: shaped.append(n) or str(n))
    paginator = page_answer(default=2, maximum=2, clamp=True, sized=False, cap=5)()
    answer = paginator.paginate_queryset(rows, paginator.Input(page=9), request=None)
    # "more than 5": the count stops at 6 and only the first 5 rows page; past the end, the last page
    assert answer == {"count": 6, "page": 3, "pages": 3, "results": ["4", "5"]}
    assert shaped == [4, 5]

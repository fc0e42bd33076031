"""What the customer pages do to stay cheap keeps their behaviour: the list's filter options from the
shared cache follow every change of their sources, the browsing count may be the planner's estimate
(said so), the file page's sections and tags come in one query in each model's order, and the file's
history is a request of its own with the file page's visibility."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import make_user
from xindang.accounts.models import Department
from xindang.accounts.roles import Role
from xindang.core import pagination
from xindang.customers import selectors, services
from xindang.customers.models import BankAccount, Contact, Shareholder, Tag
from xindang.customers.views.listing import ESTIMATE_ABOVE, count_mode

pytestmark = pytest.mark.django_db


def test_the_filters_follow_new_departments_tags_and_salespeople(
    client, credit_manager, salesperson, make_customer
):
    customer = make_customer(salesperson)
    client.force_login(credit_manager)
    page = client.get(reverse("customers:list")).content.decode()
    assert "质量部" not in page and "重点客户" not in page and "王新" not in page
    Department.objects.create(code="ZL", name="质量部", name_en="Quality")
    services.add_tag(by=credit_manager, customer_ids=[customer.pk], tag="重点客户")
    newcomer = make_user("wangxin", Role.SALESPERSON, department=salesperson.department, display_name="王新")
    services.reassign_owner(by=credit_manager, customer_ids=[customer.pk], owner_id=newcomer.pk)
    page = client.get(reverse("customers:list")).content.decode()
    assert "质量部" in page and "重点客户" in page and "王新" in page


def test_the_count_is_exact_for_searches_and_filters_and_may_be_estimated_when_browsing():
    assert count_mode({"q": "华夏"}) == {"cap": 2000}
    assert count_mode({"tag": "重点客户"}) == {"cap": None}
    assert count_mode({}) == {"cap": None, "estimate_above": ESTIMATE_ABOVE}
    assert count_mode({}, sees_all=False) == {"cap": None}


def test_an_estimated_count_says_so(client, credit_manager, salesperson, make_customer, monkeypatch):
    make_customer(salesperson)
    monkeypatch.setattr(pagination, "estimated_count", lambda qs: 88_026)
    client.force_login(credit_manager)
    credit_manager.language = "en"
    credit_manager.save(update_fields=["language"])
    assert "About 88026 customer files" in client.get(reverse("customers:list")).content.decode()
    # a filter counts exactly
    page = client.get(reverse("customers:list"), {"owner": salesperson.pk}).content.decode()
    assert "1 customer file" in page and "About" not in page


def test_sections_and_tags_in_one_query_in_each_models_order(
    salesperson, make_customer, django_assert_num_queries
):
    customer = make_customer(salesperson)
    Contact.objects.create(customer=customer, name="乙", phone="1")
    Contact.objects.create(customer=customer, name="甲", is_primary=True, email="a@b.cn")
    BankAccount.objects.create(customer=customer, bank_name="工行", account_no="1")
    BankAccount.objects.create(customer=customer, bank_name="建行", account_no="2", is_settlement=True)
    Shareholder.objects.create(customer=customer, name="小股东", share_pct=Decimal("10.50"))
    Shareholder.objects.create(
        customer=customer, name="大股东", share_pct=Decimal("60"), contribution_amount=Decimal("5000000")
    )
    customer.tags.add(Tag.objects.create(name="乙标签"), Tag.objects.create(name="甲标签"))
    expected = selectors.customer_children(customer)
    with django_assert_num_queries(1):
        children, tags = selectors.customer_sections(customer)
    assert tags == sorted(tags) and set(tags) == {"甲标签", "乙标签"}
    for key, rows in expected.items():
        assert [r.pk for r in children[key]] == [r.pk for r in rows], key
    first = children["contacts"][0]
    assert (first.name, first.is_primary, first.email) == ("甲", True, "a@b.cn")
    big = children["shareholders"][0]
    assert (big.name, big.share_pct, big.contribution_amount) == (
        "大股东",
        Decimal("60.00"),
        Decimal("5000000"),
    )
    assert big.get_kind_display()


def test_the_history_is_its_own_request_with_the_file_pages_visibility(
    client, salesperson, dept_xs1, make_customer
):
    other = make_user("wangwu", Role.SALESPERSON, department=dept_xs1)
    customer = make_customer(salesperson)
    client.force_login(salesperson)
    assert (
        reverse("customers:history", args=[customer.pk])
        in client.get(customer.get_absolute_url()).content.decode()
    )
    assert client.get(reverse("customers:history", args=[customer.pk])).status_code == 200
    client.force_login(other)
    assert client.get(reverse("customers:history", args=[customer.pk])).status_code == 404


def test_the_history_asks_the_same_queries_however_many_changes(
    client, credit_manager, salesperson, make_customer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    customer = make_customer(salesperson)
    url = reverse("customers:history", args=[customer.pk])
    client.force_login(credit_manager)

    def edit(**data):
        fresh = type(customer).objects.get(pk=customer.pk)
        services.update_customer(
            by=credit_manager, customer_id=fresh.pk, expected_version=fresh.version, **data
        )

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        return len(ctx.captured_queries), response.content.decode()

    edit(data={"notes": "一"})
    once, _page = count()
    edit(data={"notes": "二"}, tags=["重点客户"])
    edit(data={"notes": "三"})
    thrice, page = count()
    assert thrice == once
    assert "重点客户" in page and "三" in page

"""Finding one's way in the ageing: the breadcrumb back up the drill-down (company → department →
salesperson → customer → entries), entries linked to the ledger, the department named once, and the
menu item 往来与账龄 leading to both the trade ledger and the ageing."""

from datetime import date
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from xindang.testing.factories import entry

ON = "2026-06-30"


@pytest.fixture
def late_entry(customer, salesperson, dept_xs1):
    return entry(
        customer,
        "shipment",
        "5000.00",
        date(2026, 1, 1),
        due_on=date(2026, 2, 1),
        salesperson=salesperson,
        department=dept_xs1,
    )


def _crumbs(html: str) -> str:
    return html.split('data-testid="ageing-crumbs"')[1].split("</nav>")[0]


@pytest.mark.django_db
def test_the_department_is_named_once(client, late_entry, credit_manager):
    client.force_login(credit_manager)
    html = client.get(reverse("collection:ageing"), {"on": ON, "by": "department"}).content.decode()
    assert "销售一部 (XS1)" not in html
    row = html.split('data-testid="ageing-row"')[1].split("</td>")[0]
    assert row.count("XS1") == 1 and row.count("销售一部") == 1


@pytest.mark.django_db
def test_drilling_down_keeps_a_breadcrumb_back_up(
    client, late_entry, customer, salesperson, dept_xs1, credit_manager
):
    client.force_login(credit_manager)
    url = reverse("collection:ageing")
    company = client.get(url, {"on": ON, "by": "department"})
    dept_url = company.context["page"].object_list[0].url
    dept = client.get(dept_url)
    crumbs = _crumbs(dept.content.decode())
    assert 'aria-current="page">销售一部<' in crumbs and f'href="{url}?on={ON}&amp;by=department"' in crumbs
    person_url = dept.context["page"].object_list[0].url
    person = client.get(person_url)
    crumbs = _crumbs(person.content.decode())
    assert ">销售一部</a>" in crumbs and 'aria-current="page">张三<' in crumbs
    customer_url = person.context["page"].object_list[0].url
    query = parse_qs(urlparse(customer_url).query)
    assert query["department"] == [str(dept_xs1.pk)] and query["salesperson"] == [str(salesperson.pk)]
    entries = client.get(customer_url).content.decode()
    crumbs = _crumbs(entries)
    for label in (">公司</a>", ">销售一部</a>", ">张三</a>", f'aria-current="page">{customer.name}<'):
        assert label in crumbs
    assert f"by=customer&amp;department={dept_xs1.pk}&amp;salesperson={salesperson.pk}" in crumbs


@pytest.mark.django_db
def test_the_entries_page_without_a_drill_down_uses_the_files_department_and_owner(
    client, late_entry, customer, credit_manager
):
    client.force_login(credit_manager)
    html = client.get(reverse("collection:ageing_entries", args=[customer.pk]), {"on": ON}).content.decode()
    crumbs = _crumbs(html)
    assert ">销售一部</a>" in crumbs and ">张三</a>" in crumbs


@pytest.mark.django_db
def test_aged_entries_link_to_the_entry(client, late_entry, customer, credit_manager):
    client.force_login(credit_manager)
    html = client.get(reverse("collection:ageing_entries", args=[customer.pk]), {"on": ON}).content.decode()
    row = html.split('data-testid="aged-entry"')[1]
    assert f'href="{reverse("ledger:entry", args=[late_entry.pk])}"' in row


@pytest.mark.django_db
def test_the_trade_and_ageing_menu_item_leads_to_both(client, late_entry, credit_manager):
    client.force_login(credit_manager)
    ledger = client.get(reverse("ledger:list"))
    item = next(i for i in ledger.context["nav_items"] if i["key"] == "ledger")
    assert item["url"] == reverse("ledger:list") and ledger.context["nav_active"] == "ledger"
    tabs = ledger.content.decode().split('data-testid="ledger-tabs"')[1].split("</nav>")[0]
    assert f'href="{reverse("collection:ageing")}"' in tabs
    ageing = client.get(reverse("collection:ageing"))
    assert ageing.context["nav_active"] == "ledger"  # the menu item stays marked on the ageing
    assert 'data-testid="ledger-tabs"' in ageing.content.decode()

"""The workbench (工作台, UI.md): to-dos grouped by kind with counts, filtered by kind, customer and
due date, paged, overdue first then by due date; each item links to where it is done."""

import dataclasses
import re
import typing
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from django.utils.module_loading import import_string

from conftest import PASSWORD
from xindang.core.workbench import WorkItem
from xindang.views import WORKBENCH_PROVIDERS, filter_items, group_by_kind, workbench_items

TODAY = date(2026, 6, 15)
FAKE: list[WorkItem] = []


def fake_items(user):
    return list(FAKE)


def _item(n, kind="approvals.approval", *, due=None, overdue=False, customer=None):
    return WorkItem(
        kind=kind,
        label={"approvals.approval": "审批", "documents.expiring": "资料即将到期"}.get(kind, kind),
        title=f"事项{n:03d}",
        url=f"/somewhere/{n}/",
        due=due,
        overdue=overdue,
        customer_id=customer,
        customer_name=f"客户{customer}" if customer else "",
    )


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr("xindang.views.WORKBENCH_PROVIDERS", ["xindang.core.tests.test_workbench.fake_items"])
    cache.clear()
    FAKE.clear()
    yield FAKE
    FAKE.clear()
    cache.clear()


def _get(client, user, query=""):
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/" + query)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("path", WORKBENCH_PROVIDERS)
def test_every_provider_returns_typed_work_items(path):
    assert typing.get_type_hints(import_string(path))["return"] == list[WorkItem]


def test_a_work_item_is_frozen_and_built_with_named_fields():
    with pytest.raises(TypeError):
        WorkItem("k", "类", "事项", "/")  # positional arguments are refused
    item = WorkItem(kind="k", label="类", title="事项", url="/")
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.title = "别的"


def test_sort_key_puts_overdue_first_then_due_date_then_undated():
    items = [
        _item(1, due=date(2026, 7, 1)),
        _item(2),
        _item(3, due=date(2026, 6, 1), overdue=True),
        _item(4, due=date(2026, 6, 20)),
        _item(5, due=date(2026, 5, 1), overdue=True),
    ]
    assert [i.title for i in sorted(items, key=WorkItem.sort_key)] == [
        "事项005",
        "事项003",
        "事项004",
        "事项001",
        "事项002",
    ]


def test_groups_count_items_and_overdue_per_kind():
    items = [_item(1, overdue=True), _item(2), _item(3, "documents.expiring"), _item(4, "documents.expiring")]
    groups = group_by_kind(items)
    assert [(g.kind, g.count, g.overdue) for g in groups] == [
        ("approvals.approval", 2, 1),  # a kind with overdue work comes first
        ("documents.expiring", 2, 0),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "documents.expiring"}, ["事项003", "事项004"]),
        ({"customer": "7"}, ["事项001", "事项003"]),
        ({"customer": "x"}, ["事项001", "事项002", "事项003", "事项004"]),  # nonsense is ignored
        ({"due": "overdue"}, ["事项001"]),
        ({"due": "7"}, ["事项001", "事项002"]),
        ({"due": "30"}, ["事项001", "事项002", "事项003"]),
        ({"due": "none"}, ["事项004"]),
        ({"kind": "documents.expiring", "customer": "7"}, ["事项003"]),
    ],
)
def test_filters(params, expected):
    items = [
        _item(1, due=TODAY - timedelta(days=2), overdue=True, customer=7),
        _item(2, due=TODAY + timedelta(days=3), customer=8),
        _item(3, "documents.expiring", due=TODAY + timedelta(days=20), customer=7),
        _item(4, "documents.expiring"),
    ]
    assert [i.title for i in filter_items(items, params, today=TODAY)] == expected


@pytest.mark.django_db
def test_workbench_pages_and_counts_by_kind(client, fake, credit_manager):
    # given 60 to-dos of two kinds, 5 of them overdue
    today = timezone.localdate()
    fake += [_item(n, due=today + timedelta(days=n), customer=n % 3 + 1) for n in range(40)]
    fake += [
        _item(100 + n, "documents.expiring", due=today - timedelta(days=n + 1), overdue=True)
        for n in range(5)
    ]
    fake += [_item(200 + n, "documents.expiring") for n in range(15)]
    # when the credit manager opens the workbench
    response = _get(client, credit_manager)
    html = response.content.decode()
    # then the kinds are counted, the first page holds 25 items, overdue first
    groups = {g.kind: (g.count, g.overdue) for g in response.context["groups"]}
    assert groups == {"approvals.approval": (40, 0), "documents.expiring": (20, 5)}
    page = response.context["page"]
    assert page.paginator.count == 60 and len(page.object_list) == 25
    assert [i.title for i in page.object_list[:5]] == ["事项104", "事项103", "事项102", "事项101", "事项100"]
    assert 'href="/somewhere/104/"' in html  # each item links to where it is done
    assert "?page=2" in html
    # and the last page ends with the undated items
    last = _get(client, credit_manager, "?page=3").context["page"]
    assert [i.title for i in last.object_list][-1] == "事项214"


@pytest.mark.django_db
def test_workbench_filters_by_kind_customer_and_due(client, fake, credit_manager):
    today = timezone.localdate()
    fake += [
        _item(1, due=today - timedelta(days=1), overdue=True, customer=5),
        _item(2, due=today + timedelta(days=40), customer=6),
        _item(3, "documents.expiring", due=today + timedelta(days=2), customer=5),
    ]
    titles = lambda q: [i.title for i in _get(client, credit_manager, q).context["page"].object_list]  # noqa: E731
    assert titles("?kind=documents.expiring") == ["事项003"]
    assert titles("?customer=5") == ["事项001", "事项003"]
    assert titles("?due=7") == ["事项001", "事项003"]
    html = _get(client, credit_manager, "?customer=5").content.decode()
    assert re.search(r'<option value="5" selected>客户5</option>', html)


@pytest.mark.django_db
def test_customer_filter_lists_customers_by_pinyin(client, fake, credit_manager):
    for n, name in enumerate(["华夏科技有限公司", "长城贸易有限公司", "安徽机电有限公司"], start=1):
        fake.append(WorkItem(kind="k", label="类", title=name, url="/", customer_id=n, customer_name=name))
    customers = _get(client, credit_manager).context["customers"]
    assert [name for _pk, name in customers] == ["安徽机电有限公司", "长城贸易有限公司", "华夏科技有限公司"]


@pytest.mark.django_db
def test_empty_workbench_says_so_plainly(client, fake, credit_manager):
    html = _get(client, credit_manager).content.decode()
    assert 'data-testid="todo-empty"' in html and 'data-testid="todo-list"' not in html
    assert "当前没有待办事项。" in html


@pytest.mark.django_db
def test_filter_without_match_says_so_and_offers_all(client, fake, credit_manager):
    fake.append(_item(1))
    response = _get(client, credit_manager, "?kind=documents.expiring")
    assert response.context["filtered"] and not response.context["page"].object_list
    assert 'data-testid="todo-empty"' in response.content.decode()


@pytest.mark.django_db
def test_licence_items_are_typed_and_link_to_the_edit_form(salesperson, make_customer):
    customer = make_customer(salesperson, licence_valid_until=timezone.localdate() - timedelta(days=1))
    [item] = [i for i in workbench_items(salesperson) if i.kind == "customers.licence_expired"]
    assert item.overdue and item.customer_id == customer.pk and item.customer_name == customer.name
    assert item.url.startswith(f"/customers/{customer.pk}/edit/")

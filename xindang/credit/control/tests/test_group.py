"""The credit check's related-party step (关联客户): a policy switch beyond the regulation (off by
default), warn or block on the related customers' exposure together against their limits together
(cf. 001 客户信用档案建立与管理制度 2(7) 关联企业及关联方交易情况)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xindang.credit.control import rules, services

D = Decimal
pytestmark = pytest.mark.django_db


def _use_section(monkeypatch, **values):
    from xindang.policy.selectors import build_policy

    policy = build_policy({"credit_control": values}, version=9)
    section = policy.credit_control
    monkeypatch.setattr(
        services.checking, "section_for", lambda _key: (section, section.control_policy(), policy.version)
    )
    return policy


@pytest.fixture
def pair(make_customer, salesperson, give_grant, give_grade, post):
    """Two customers with the same legal representative, limits 100 000 and 50 000; the second owes
    40 000."""
    a = make_customer(salesperson, name="华夏机电设备有限公司", legal_rep="张三")
    b = make_customer(salesperson, name="华夏物流有限公司", legal_rep="张 三")
    for c, limit in ((a, 100_000), (b, 50_000)):
        give_grade(c, "A")
        give_grant(c, limit)
    post(b, "shipment", 40_000, due_on=timezone.localdate() + timedelta(days=30))
    return a, b


def test_the_switch_is_off_by_default_and_reads_nothing_more(pair, salesperson):
    """Off (the default): the answer is the customer's own, and no query reads the related keys."""
    a, _b = pair
    assert services.section_in_force()[0].group_check == rules.GROUP_OFF
    with CaptureQueriesContext(connection) as ctx:
        result = services.check_credit(customer=a, amount=D(120_000 - 1), kind="shipment", by=salesperson)
    assert not any("relationkey" in q["sql"].lower() for q in ctx.captured_queries)
    assert result.outcome == rules.BLOCK  # over a's own limit: the group is not asked
    assert rules.GROUP_OVER_LIMIT not in [r["code"] for r in result.reasons]
    assert "group" not in result.extra


def test_off_costs_no_extra_query(pair, salesperson, monkeypatch, django_assert_max_num_queries):
    a, _b = pair
    services.check_credit(customer=a, amount=D(1), kind="shipment", by=salesperson)  # warm up
    with CaptureQueriesContext(connection) as ctx:
        services.check_credit(customer=a, amount=D(1), kind="shipment", by=salesperson)
    baseline = len(ctx.captured_queries)
    _use_section(monkeypatch, group_check="off")
    with django_assert_max_num_queries(baseline):
        services.check_credit(customer=a, amount=D(1), kind="shipment", by=salesperson)


def test_block_on_the_groups_total(pair, salesperson, monkeypatch, post):
    a, b = pair
    post(
        b, "shipment", 45_000, due_on=timezone.localdate() + timedelta(days=30)
    )  # b: 85 000 (own limit 50 000)
    _use_section(monkeypatch, group_check="block")
    result = services.check_credit(customer=a, amount=D(70_000), kind="shipment", by=salesperson)
    # a alone: 70 000 ≤ 100 000 passes; the group: 85 000 + 70 000 = 155 000 > 150 000
    assert result.outcome == rules.BLOCK
    group_reason = result.reasons[-1]
    assert group_reason["code"] == rules.GROUP_OVER_LIMIT
    assert "beyond the regulation" in group_reason["article"]
    assert group_reason["params"]["members"] == 2
    assert not result.approvable
    assert services.check_credit(customer=a, amount=D(65_000), kind="shipment", by=salesperson).passes


def test_warn_mode_turns_allow_into_warning(pair, salesperson, monkeypatch, post):
    a, b = pair
    post(b, "shipment", 45_000, due_on=timezone.localdate() + timedelta(days=30))
    _use_section(monkeypatch, group_check="warn")
    result = services.check_credit(customer=a, amount=D(70_000), kind="shipment", by=salesperson)
    assert result.outcome == rules.WARN
    assert result.reasons[-1]["code"] == rules.GROUP_OVER_LIMIT_WARNING


def test_a_customer_without_related_ones_is_not_affected(
    make_customer, salesperson, give_grant, give_grade, monkeypatch
):
    c = make_customer(salesperson, name="独立公司", legal_rep="王五")
    give_grade(c, "A")
    give_grant(c, 10_000)
    _use_section(monkeypatch, group_check="block")
    result = services.check_credit(customer=c, amount=D(5_000), kind="shipment", by=salesperson)
    assert result.outcome == rules.ALLOW
    assert result.extra["group"]["members"] == [c.pk]


@pytest.mark.parametrize(
    ("mode", "outcome", "kind", "exposure", "expected"),
    [
        (rules.GROUP_OFF, rules.ALLOW, "shipment", D(200), rules.ALLOW),
        (rules.GROUP_WARN, rules.ALLOW, "shipment", D(200), rules.WARN),
        (rules.GROUP_BLOCK, rules.ALLOW, "shipment", D(200), rules.BLOCK),
        (rules.GROUP_BLOCK, rules.WARN, "shipment", D(200), rules.BLOCK),
        (rules.GROUP_WARN, rules.BLOCK, "shipment", D(200), rules.BLOCK),  # a refusal stays one
        (rules.GROUP_BLOCK, rules.ALLOW, "shipment", D(50), rules.ALLOW),  # within the group's limits
        (rules.GROUP_BLOCK, rules.ALLOW, "payment", D(200), rules.ALLOW),  # lowers the exposure
    ],
)
def test_group_check_rule_table(mode, outcome, kind, exposure, expected):
    decision = rules.Decision(
        outcome=outcome,
        reasons=(),
        limit_amount=D(100),
        exposure_amount=D(0),
        amount=D(10),
        strength=rules.STRENGTH_BLOCK,
    )
    checked = rules.group_check(
        decision, mode=mode, kind=kind, members=2, group_exposure=exposure, group_limit=D(150)
    )
    assert checked.outcome == expected


def test_the_section_shows_the_group_and_its_totals(
    pair, client, salesperson, other_salesperson, make_customer
):
    from django.urls import reverse

    a, _b = pair
    make_customer(
        other_salesperson, name="别部门公司", legal_rep="张三"
    )  # a file the salesperson may not see
    url = reverse("credit_control:group_section", args=[a.pk])
    client.force_login(salesperson)
    assert url in client.get(reverse("customers:detail", args=[a.pk])).content.decode()
    html = client.get(url).content.decode()
    assert "华夏物流有限公司" in html and "张 三" in html
    assert "别部门公司" not in html and "hidden-member" in html
    assert "40,000.00" in html and "150,000.00" in html


def test_a_pair_marked_not_related_leaves_the_group_check(
    pair, salesperson, credit_manager, monkeypatch, post
):
    """The credit manager's finding that the two share only a common name: the group step skips it."""
    from xindang.customers.services import mark_not_related

    a, b = pair
    post(b, "shipment", 45_000, due_on=timezone.localdate() + timedelta(days=30))
    _use_section(monkeypatch, group_check="block")
    assert services.check_credit(customer=a, amount=D(70_000), kind="shipment", by=salesperson).outcome == (
        rules.BLOCK
    )
    mark_not_related(by=credit_manager, customer_id=a.pk, other_id=b.pk, reason="同名不同人")
    result = services.check_credit(customer=a, amount=D(70_000), kind="shipment", by=salesperson)
    assert result.outcome == rules.ALLOW and result.extra["group"]["members"] == [a.pk]

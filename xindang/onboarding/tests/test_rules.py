"""The onboarding rules, table by table, each citing its article."""

from datetime import date
from decimal import Decimal

import pytest

from xindang.onboarding import rules

FULL = {
    "head_office": "上海",
    "trading_site": "苏州",
    "staff_count": 10,
    "managers_count": 2,
    "managers_age_structure": "40岁左右",
    "assets_schedule": "厂房一处",
    "requested_limit_amount": Decimal("0"),
    "trade_reason": "长期合作",
    "products": "电缆",
    "survey_result": "正常",
}


# 004 客户信息管理制度 第十条1(5): 交易卡中所有栏目都必须填满,不得留有空白
@pytest.mark.parametrize(
    ("changes", "blank"),
    [
        ({}, []),
        ({"head_office": ""}, ["head_office"]),
        ({"trading_site": "   "}, ["trading_site"]),
        ({"staff_count": None}, ["staff_count"]),
        ({"staff_count": 0}, []),  # zero is a value, not a blank
        (
            {"requested_limit_amount": None, "survey_result": "\n"},
            ["requested_limit_amount", "survey_result"],
        ),
    ],
)
def test_every_field_of_the_card_is_filled(changes, blank):
    assert rules.blank_fields({**FULL, **changes}, rules.CARD_FIELDS) == blank


# 004 客户信息管理制度 第十条2(3): 交换合同书, 个人担保, 连带担保, 抵押担保
@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ([], ""),
        (["collateral", "contract"], "contract,collateral"),
        (["joint_guarantee", "joint_guarantee", " "], "joint_guarantee"),
    ],
)
def test_conditions_are_kept_in_the_regulations_order(given, stored):
    assert rules.conditions_text(given) == stored
    assert rules.parse_conditions(stored) == tuple(c for c in stored.split(",") if c)


def test_an_unknown_condition_is_named():
    with pytest.raises(ValueError, match="handshake"):
        rules.clean_conditions(["contract", "handshake"])


# 003 篇四 1: 客户档案由与客户直接联系的人一周内负责建立,交直接上级审核
@pytest.mark.parametrize(
    ("today", "reviewed", "overdue"),
    [
        (date(2026, 3, 8), False, False),  # the seventh day is still in time
        (date(2026, 3, 9), False, True),
        (date(2026, 3, 20), True, False),
    ],
)
def test_the_file_is_reviewed_within_a_week_of_first_contact(today, reviewed, overdue):
    assert rules.review_due_on(date(2026, 3, 1), 7) == date(2026, 3, 8)
    assert rules.review_overdue(date(2026, 3, 1), 7, today, reviewed=reviewed) is overdue


# 001 公司客户信息管理办法 七.3: 对一些较重要、未来将发展的新客户,公司要有两个以上的人员与之联系
@pytest.mark.parametrize(
    ("importance", "tier", "important"),
    [("important", "ordinary", True), ("general", "core", True), ("general", "ordinary", False)],
)
def test_important_by_importance_or_tier(importance, tier, important):
    assert rules.is_important(importance, tier, levels=["important"], tiers=["core"]) is important


@pytest.mark.parametrize(("count", "missing"), [(0, 2), (1, 1), (2, 0), (3, 0)])
def test_two_staff_contacts_at_least(count, missing):
    assert rules.missing_staff_contacts(count, 2) == missing


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("draft", "submitted", True),
        ("submitted", "approved", True),
        ("rejected", "submitted", True),
        ("approved", "draft", False),
        ("draft", "approved", False),
    ],
)
def test_card_transitions(current, target, allowed):
    assert rules.can_transition(current, target) is allowed

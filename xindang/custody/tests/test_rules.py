"""The custody rules as tables (seed 001 档案管理制度及流程2 1.4–1.5; 000 4.5;
001 客户档案管理制度及操作细则 六 2)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.custody import rules

A = rules.Approvers()
DM, AL, GM, OD = "department_manager", "archive_leader", "general_manager", "office_director"


@pytest.mark.parametrize(
    ("level", "cross", "archived", "chain"),
    [
        (3, False, False, [DM]),  # 1.5.3 申请人部门经理
        (2, False, False, [AL]),  # 1.5.2 行政人力部分管领导
        (1, False, False, [GM]),  # 1.5.1 总经理
        (3, True, False, [DM, AL, GM]),  # 1.5.2 跨部门使用; 六 2 未经总经理授权
        (2, True, False, [AL, GM]),
        (1, True, False, [AL, GM]),
        (3, False, True, [OD, DM]),  # 000 4.5 办公室主任签字
        (1, True, True, [OD, AL, GM]),
    ],
)
def test_the_approval_chain_follows_the_level_the_department_and_the_archive(level, cross, archived, chain):
    assert rules.approval_chain(level=level, cross_department=cross, archived=archived, approvers=A) == chain


@pytest.mark.parametrize(("levels", "highest"), [([3, 2], 2), ([1, 3], 1), ([3], 3), ([], 3)])
def test_the_highest_level_asked_is_the_most_sensitive(levels, highest):
    assert rules.highest_level(levels) == highest


D = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("status", "today", "phase"),
    [
        (rules.PENDING, D, rules.PENDING),
        (rules.APPROVED, date(2026, 12, 5), rules.NOT_YET),
        (rules.APPROVED, D, rules.OPEN),
        (rules.APPROVED, date(2026, 12, 12), rules.OPEN),  # the return date is still open
        (rules.APPROVED, date(2026, 12, 13), rules.EXPIRED),  # closes by itself after it
        (rules.REJECTED, D, rules.REJECTED),
    ],
)
def test_an_approved_request_is_open_from_its_first_to_its_return_day(status, today, phase):
    assert rules.phase(status, D, date(2026, 12, 12), today) == phase


@pytest.mark.parametrize(
    ("purpose", "start", "end", "whole", "n", "codes"),
    [
        ("核对资信", D, D, True, 0, []),
        ("", D, D, True, 0, ["custody.no_purpose"]),  # 000 4.5 查阅用途
        ("  ", D, D, False, 1, ["custody.no_purpose"]),
        ("核对", date(2026, 12, 1), D, False, 1, ["custody.period_in_past"]),
        ("核对", D, date(2026, 12, 5), False, 1, ["custody.period_order"]),
        ("核对", D, date(2027, 1, 30), False, 1, ["custody.period_too_long"]),
        ("核对", None, None, False, 1, ["custody.no_period"]),
        ("核对", D, D, False, 0, ["custody.nothing_asked"]),
    ],
)
def test_a_request_states_purpose_period_and_what_is_asked(purpose, start, end, whole, n, codes):
    problems = rules.request_problems(
        purpose=purpose,
        starts_on=start,
        ends_on=end,
        today=D,
        max_days=30,
        whole_file=whole,
        document_count=n,
    )
    assert [code for _field, code in problems] == codes


@given(
    st.sets(
        st.sampled_from(["marketing_manager", "cfo", "vp_marketing", "office_director", "service_supervisor"])
    )
)
def test_chain_and_relationship_roles_lose_view_all_unless_the_policy_lists_them(roles):
    """001 六 2: every file for these roles is the policy's departure; a keeper role keeps every file."""
    assert rules.limits_view_all(roles, []) == bool(roles)
    assert rules.limits_view_all({*roles, "finance_credit_controller"}, []) is False
    assert rules.limits_view_all(roles, list(roles)) is False
    assert rules.limits_view_all({*roles, "credit_manager"}, []) is False

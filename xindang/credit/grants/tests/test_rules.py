"""The grant ceiling per article (002 第二十四、二十六–二十八、三十、四十二条; 004 第九条3(1))."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.credit.grants import rules
from xindang.credit.grants.sections import GrantsSection

S = GrantsSection()
STRICT = GrantsSection(existing_limit_is_ceiling=True)  # 第二十六条2 read strictly: the existing limit caps
D = Decimal
LT, TMP = rules.LONG_TERM, rules.TEMPORARY

# (article, grade, kind, history, avg shipments, avg collections, collateral, existing,
#  allowed, amount, term, reason codes)
CASES = [
    (
        "002 第二十六条1: A without credit history, long-term → none",
        "A",
        LT,
        False,
        0,
        80,
        0,
        None,
        False,
        None,
        None,
        ["a_no_history_long_term"],
    ),
    (
        "002 第二十六条1: A without history, temporary ≤ avg monthly collections, ≤ 1 month",
        "A",
        TMP,
        False,
        0,
        80_000,
        0,
        None,
        True,
        D(80_000),
        30,
        ["a_no_history_temporary"],
    ),
    (
        "002 第二十六条2: A with history ≤ the lower of avg shipments and collections",
        "A",
        LT,
        True,
        120_000,
        90_000,
        0,
        None,
        True,
        D(90_000),
        30,
        ["a_with_history"],
    ),
    (
        "002 第二十六条2: … shipments lower",
        "A",
        LT,
        True,
        50_000,
        90_000,
        0,
        None,
        True,
        D(50_000),
        30,
        ["a_with_history"],
    ),
    (
        "002 第二十六条2: an existing lower limit stays the ceiling",
        "A",
        LT,
        True,
        120_000,
        90_000,
        0,
        D(40_000),
        True,
        D(40_000),
        30,
        ["a_with_history", "existing_lower_limit"],
    ),
    (
        "002 第二十六条2: an existing higher limit does not raise it",
        "A",
        LT,
        True,
        120_000,
        90_000,
        0,
        D(200_000),
        True,
        D(90_000),
        30,
        ["a_with_history"],
    ),
    (
        "002 第二十七条: B without collateral → none",
        "B",
        LT,
        True,
        100_000,
        100_000,
        0,
        None,
        False,
        None,
        None,
        ["b_needs_collateral"],
    ),
    (
        "002 第二十七条: B ≤ averages when collateral is larger, 30 days long-term",
        "B",
        LT,
        True,
        100_000,
        70_000,
        500_000,
        None,
        True,
        D(70_000),
        30,
        ["b_cap"],
    ),
    (
        "002 第二十七条: B ≤ collateral value, 15 days temporary",
        "B",
        TMP,
        True,
        100_000,
        70_000,
        30_000,
        None,
        True,
        D(30_000),
        15,
        ["b_cap", "b_collateral_cap"],
    ),
    (
        "002 第二十七条: B existing lower limit stays",
        "B",
        LT,
        True,
        100_000,
        70_000,
        50_000,
        D(20_000),
        True,
        D(20_000),
        30,
        ["b_cap", "b_collateral_cap", "existing_lower_limit"],
    ),
    (
        "002 第二十八条: C → nothing, whatever the collateral",
        "C",
        LT,
        True,
        10**6,
        10**6,
        10**7,
        None,
        False,
        None,
        None,
        ["c_no_credit"],
    ),
    (
        "002 第二十八条: C temporary → nothing",
        "C",
        TMP,
        False,
        0,
        0,
        0,
        None,
        False,
        None,
        None,
        ["c_no_credit"],
    ),
    ("no rating → nothing", None, LT, True, 10**6, 10**6, 0, None, False, None, None, ["no_rating"]),
]


@pytest.mark.parametrize(
    "article,grade,kind,history,ship,coll,collateral,existing,allowed,amount,term,codes",
    CASES,
    ids=[c[0] for c in CASES],
)
def test_grant_ceiling_abc(
    article, grade, kind, history, ship, coll, collateral, existing, allowed, amount, term, codes
):
    # Rows naming the existing lower limit as the ceiling are under the strict switch (policy option).
    section = STRICT if "existing_lower_limit" in codes else S
    c = rules.grant_ceiling(
        grade, rules.ABC, kind, history, D(ship), D(coll), D(collateral), existing, section
    )
    assert c.allowed is allowed
    assert c.amount == amount
    assert c.max_term_days == term
    assert [r.code for r in c.reasons] == codes
    assert all(r.article.startswith(("002", "004")) for r in c.reasons)


JYB_CASES = [
    ("004 第九条3(1): 甲 cap", "甲", LT, D(5_000_000), 30),
    ("004 第九条3(1): 乙 cap, temporary term", "乙", TMP, D(2_000_000), 15),
    ("004 第九条3(1): 丙 cap (latin alias)", "bing", LT, D(500_000), 30),
]


@pytest.mark.parametrize("article,grade,kind,amount,term", JYB_CASES, ids=[c[0] for c in JYB_CASES])
def test_grant_ceiling_jyb_class_caps(article, grade, kind, amount, term):
    c = rules.grant_ceiling(grade, rules.JYB, kind, False, 0, 0, 0, None, S)
    assert c.allowed and c.amount == amount and c.max_term_days == term
    assert c.reasons[0].code == "jyb_class_cap" and c.reasons[0].article == "004 第九条3(1)"


def test_jyb_existing_lower_limit_stays_and_unknown_class_refused():
    assert rules.grant_ceiling("甲", rules.JYB, LT, True, 0, 0, 0, D(100), STRICT).amount == D(100)
    assert rules.grant_ceiling("甲", rules.JYB, LT, True, 0, 0, 0, D(100), S).amount == D(5_000_000)
    assert not rules.grant_ceiling("A", rules.JYB, LT, True, 0, 0, 0, None, S).allowed


def test_problems_over_ceiling_and_term():
    c = rules.grant_ceiling("A", rules.ABC, LT, True, 100, 100, 0, None, S)
    assert c.problems(D(100), 30) == []
    assert c.problems(D("100.01"), 31) == ["over_ceiling", "term_too_long"]
    refused = rules.grant_ceiling("C", rules.ABC, LT, True, 100, 100, 0, None, S)
    assert refused.problems(D(0), 1) == ["not_allowed"]


@pytest.mark.parametrize(
    "total,new,replaced,receivables,ok",
    [
        (D(700), D(300), None, D(1000), True),  # 第二十四条2①: exactly at the cap
        (D(700), D(301), None, D(1000), False),
        (D(700), D(400), D(200), D(1000), True),  # the replaced grant no longer counts
        (D(0), D(1), None, D(0), False),
    ],
)
def test_company_cap_check(total, new, replaced, receivables, ok):
    check = rules.company_cap_check(total, new, replaced, receivables)
    assert check.ok is ok
    assert check.total_after == total + new - (replaced or 0)
    if not ok:
        assert check.reason.code == "company_cap" and check.reason.article == "002 第二十四条2①"
        assert check.excess == check.total_after - receivables


@pytest.mark.parametrize(
    "old,new,codes",
    [(None, D(100), []), (D(100), D(100), []), (D(100), D(50), []), (D(100), D(101), ["increase"])],
)
def test_adjustment_warnings_second_42(old, new, codes):
    """002 第四十二条: 原则上调整后的信用额度应低于原信用额度."""
    assert [w.code for w in rules.adjustment_warnings(old, new)] == codes


def test_grant_chain_per_grade_and_chairman_above_amount():
    assert rules.grant_chain("A", TMP, D(1000), S) == ["vp_marketing", "cfo", "general_manager"]
    assert rules.grant_chain("B", LT, D(1000), S) == [
        "marketing_manager",
        "vp_marketing",
        "cfo",
        "general_manager",
    ]
    # 第三十条: the chairman above the policy amount
    assert rules.grant_chain("A", LT, D("1000000.01"), S)[-1] == "chairman"
    assert "chairman" not in rules.grant_chain("A", LT, D(1000000), S)
    assert rules.grant_chain("乙", LT, D(10), S, scheme=rules.JYB)[0] == "marketing_manager"


def test_company_cap_reference_date_defaults_to_january_first():
    assert rules.company_cap_reference_on(date(2026, 11, 23), None) == date(2026, 1, 1)
    assert rules.company_cap_reference_on(date(2026, 11, 23), date(2025, 6, 30)) == date(2025, 6, 30)


def test_add_months_clamps_to_month_end():
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2026, 11, 23), 12) == date(2027, 11, 23)


money = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
grades = st.sampled_from(["A", "B", "C", None])
kinds = st.sampled_from([LT, TMP])


@given(
    kind=kinds,
    history=st.booleans(),
    ship=money,
    coll=money,
    collateral=money,
    existing=st.one_of(st.none(), money),
)
def test_b_ceiling_never_exceeds_collateral(kind, history, ship, coll, collateral, existing):
    c = rules.grant_ceiling("B", rules.ABC, kind, history, ship, coll, collateral, existing, S)
    assert not c.allowed or c.amount <= collateral


@given(
    kind=kinds,
    history=st.booleans(),
    ship=money,
    coll=money,
    collateral=money,
    existing=st.one_of(st.none(), money),
)
def test_c_ceiling_is_always_none(kind, history, ship, coll, collateral, existing):
    c = rules.grant_ceiling("C", rules.ABC, kind, history, ship, coll, collateral, existing, S)
    assert not c.allowed and c.amount is None


@given(
    grade=grades,
    kind=kinds,
    history=st.booleans(),
    ship=money,
    coll=money,
    low=money,
    high=money,
    existing=st.one_of(st.none(), money),
)
def test_ceiling_is_monotone_in_collateral(grade, kind, history, ship, coll, low, high, existing):
    low, high = min(low, high), max(low, high)
    a = rules.grant_ceiling(grade, rules.ABC, kind, history, ship, coll, low, existing, S)
    b = rules.grant_ceiling(grade, rules.ABC, kind, history, ship, coll, high, existing, S)
    assert not a.allowed or (b.allowed and b.amount >= a.amount)


@given(grade=grades, kind=kinds, history=st.booleans(), ship=money, coll=money, collateral=money)
def test_ceiling_never_exceeds_the_averages_or_existing(grade, kind, history, ship, coll, collateral):
    c = rules.grant_ceiling(grade, rules.ABC, kind, history, ship, coll, collateral, None, S)
    if c.allowed:
        assert c.amount <= coll


def test_existing_limit_caps_only_when_the_policy_says_so():
    """002 第二十六条2 按从低标准执行 with the strict switch on; by default the rules' ceiling applies,
    the existing limit is named among the reasons and an increase is the 第四十二条 warning."""
    assert rules.grant_ceiling("A", rules.ABC, LT, True, 100, 100, 0, D(40), STRICT).amount == D(40)
    default = rules.grant_ceiling("A", rules.ABC, LT, True, 100, 100, 0, D(40), S)
    assert default.amount == D(100)
    assert rules.EXISTING_LOWER_WARNS in [r.code for r in default.reasons]

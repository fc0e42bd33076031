"""The grant ceiling per article (002 第二十四、二十六–二十八、三十、四十二条; 004 客户信息管理制度
第九条3(1))."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.core import dates
from xindang.credit.grants import rules
from xindang.credit.grants.sections import GrantsSection

S = GrantsSection()  # the regulation's reading: a lower existing limit is the ceiling (第二十六条2)
WARN_ONLY = GrantsSection(existing_limit_is_ceiling=False)  # the labelled departure: it only warns
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
    # Rows where the existing limit only warns are under the departure (policy switch off).
    section = WARN_ONLY if "existing_lower_limit_warns" in codes else S
    c = rules.grant_ceiling(
        grade, rules.ABC, kind, history, D(ship), D(coll), D(collateral), existing, section
    )
    assert c.allowed is allowed
    assert c.amount == amount
    assert c.max_term_days == term
    assert [r.code for r in c.reasons] == codes
    assert all(r.article.startswith(("002", "004")) for r in c.reasons)


JYB_CASES = [
    ("004 客户信息管理制度 第九条3(1): 甲 cap", "甲", LT, D(5_000_000), 30),
    ("004 客户信息管理制度 第九条3(1): 乙 cap, temporary term", "乙", TMP, D(2_000_000), 15),
    ("004 客户信息管理制度 第九条3(1): 丙 cap (latin alias)", "bing", LT, D(500_000), 30),
]


@pytest.mark.parametrize("article,grade,kind,amount,term", JYB_CASES, ids=[c[0] for c in JYB_CASES])
def test_grant_ceiling_jyb_class_caps(article, grade, kind, amount, term):
    c = rules.grant_ceiling(grade, rules.JYB, kind, False, 0, 0, 0, None, S)
    assert c.allowed and c.amount == amount and c.max_term_days == term
    assert c.reasons[0].code == "jyb_class_cap" and c.reasons[0].article == "004 客户信息管理制度 第九条3(1)"


def test_jyb_existing_lower_limit_stays_and_unknown_class_refused():
    assert rules.grant_ceiling("甲", rules.JYB, LT, True, 0, 0, 0, D(100), S).amount == D(100)
    assert rules.grant_ceiling("甲", rules.JYB, LT, True, 0, 0, 0, D(100), WARN_ONLY).amount == D(5_000_000)
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


CHAIRMAN_FROM_1M = GrantsSection(chairman_above_amount=D(1000000))  # the labelled departure


@pytest.mark.parametrize(
    "article,grade,kind,amount,section,chain",
    [
        (
            "002 第二十六条、第三十条",
            "A",
            TMP,
            D(1000),
            S,
            ["vp_marketing", "cfo", "general_manager", "chairman"],
        ),
        (
            "002 第二十七条、第三十条",
            "B",
            LT,
            D(1000),
            S,
            ["marketing_manager", "vp_marketing", "cfo", "general_manager", "chairman"],
        ),
        (
            "002 第三十条: a small grant too",
            "A",
            LT,
            D(1),
            S,
            ["vp_marketing", "cfo", "general_manager", "chairman"],
        ),
        (
            "002 第三十条 departure: up to the amount without the chairman",
            "A",
            LT,
            D(1000000),
            CHAIRMAN_FROM_1M,
            ["vp_marketing", "cfo", "general_manager"],
        ),
        (
            "002 第三十条 departure: above the amount with the chairman",
            "A",
            LT,
            D("1000000.01"),
            CHAIRMAN_FROM_1M,
            ["vp_marketing", "cfo", "general_manager", "chairman"],
        ),
        (
            "002 第三十条: a chain not ending with the GM still ends with the GM and the chairman",
            "A",
            LT,
            D(10),
            GrantsSection(chains={"default": ["general_manager", "cfo"]}),
            ["cfo", "general_manager", "chairman"],
        ),
    ],
)
def test_grant_chain_ends_with_the_general_manager_and_the_chairman(
    article, grade, kind, amount, section, chain
):
    """002 第三十条: 客户授信额度由总经理、董事长审批."""
    assert rules.grant_chain(grade, kind, amount, section) == chain


def test_grant_chain_jyb_starts_with_the_marketing_manager():
    assert rules.grant_chain("乙", LT, D(10), S, scheme=rules.JYB)[0] == "marketing_manager"


def test_company_cap_reference_date_defaults_to_january_first():
    assert rules.company_cap_reference_on(date(2026, 11, 23), None) == date(2026, 1, 1)
    assert rules.company_cap_reference_on(date(2026, 11, 23), date(2025, 6, 30)) == date(2025, 6, 30)


def test_add_months_clamps_to_month_end():
    assert dates.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert dates.add_months(date(2026, 11, 23), 12) == date(2027, 11, 23)


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


def test_existing_lower_limit_is_the_ceiling_by_default():
    """002 第二十六条2 按从低标准执行: an A customer with an existing limit of 30,000 and monthly averages
    of 80,000 gets a ceiling of 30,000 (the issue's case); the departure (switch off) only warns."""
    default = rules.grant_ceiling("A", rules.ABC, LT, True, 80000, 80000, 0, D(30000), S)
    assert default.amount == D(30000)
    assert default.reasons[-1].code == rules.EXISTING_LOWER
    assert default.reasons[-1].article == "002 第二十六条2"
    departure = rules.grant_ceiling("A", rules.ABC, LT, True, 80000, 80000, 0, D(30000), WARN_ONLY)
    assert departure.amount == D(80000)
    assert rules.EXISTING_LOWER_WARNS in [r.code for r in departure.reasons]


@pytest.mark.parametrize(
    "article,start,target,steps,months,expected",
    [
        (
            "002 第二十六条2 并应逐步减少: 3 monthly steps",
            D(100000),
            D(40000),
            3,
            3,
            [(0, D(100000)), (1, D(80000)), (2, D(60000)), (3, D(40000))],
        ),
        (
            "002 第二十七条: 2 steps over 6 months",
            D(90000),
            D(30000),
            2,
            6,
            [(0, D(90000)), (3, D(60000)), (6, D(30000))],
        ),
        (
            "more steps than months merge into the lower",
            D(60),
            D(0),
            6,
            3,
            [(0, D(60)), (1, D(40)), (2, D(20)), (3, D(0))],
        ),
        ("departure: 0 months, at once", D(100000), D(40000), 3, 0, []),
        ("nothing to reduce", D(40000), D(40000), 3, 3, []),
        ("no existing limit or exposure", None, D(40000), 3, 3, []),
    ],
)
def test_reduction_schedule(article, start, target, steps, months, expected):
    plan = rules.reduction_schedule(start, target, steps, months)
    assert [(s.months, s.limit_amount) for s in plan] == expected


def test_scheduled_limit_follows_the_step_begun_by_the_day():
    plan = rules.reduction_schedule(D(100000), D(40000), 3, 3)
    start = date(2026, 1, 31)
    assert rules.scheduled_limit(plan, start, date(2026, 1, 31), D(40000)) == D(100000)
    assert rules.scheduled_limit(plan, start, date(2026, 2, 27), D(40000)) == D(100000)
    assert rules.scheduled_limit(plan, start, date(2026, 2, 28), D(40000)) == D(80000)
    assert rules.scheduled_limit(plan, start, date(2026, 4, 30), D(40000)) == D(40000)
    assert rules.scheduled_limit([], start, date(2026, 2, 28), D(40000)) == D(40000)


def test_reduction_starts_from_the_existing_limit_or_the_exposure():
    assert rules.reduction_start(D(50000), D(90000)) == D(50000)
    assert rules.reduction_start(None, D(90000)) == D(90000)
    assert rules.reduction_start(None, D(0)) is None


def test_the_old_defaults_are_labelled_departures_and_the_default_has_none():
    """Defaults follow 002 第二十六条2、第二十七条 and 第三十条; the old behaviour is a labelled departure."""
    from xindang.policy.selectors import policy_departures, section_defaults

    assert [
        r for r in policy_departures({"grants": section_defaults("grants")}) if r.section == "grants"
    ] == []
    old = {
        **section_defaults("grants"),
        "existing_limit_is_ceiling": False,
        "chairman_above_amount": "1000000",
        "reduction_months": 0,
    }
    rows = {r.field: r.article for r in policy_departures({"grants": old}) if r.section == "grants"}
    assert rows == {
        "existing_limit_is_ceiling": "002 第二十六条2、第二十七条",
        "reduction_months": "002 第二十六条2、第二十七条",
        "chairman_above_amount": "002 第三十条",
    }

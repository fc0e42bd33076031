"""The rating rules (002 第十五–十八条; 004 客户信息管理制度 第九条) and the contradictions
(002 第十一条), table-driven."""

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xindang.core import dates
from xindang.credit import rules
from xindang.credit.sections import CreditSection

S = CreditSection()
D = Decimal


def year(y, revenue, profit, assets=1000, liabilities=400, equity=600):
    return rules.YearFigures(
        year=y,
        revenue=D(revenue),
        profit=D(profit),
        total_assets=assets,
        liabilities=liabilities,
        equity=equity,
    )


GOOD_YEARS = (year(2024, 1000, 80), year(2025, 1100, 90))

A_FACTS = rules.RatingFacts(
    months_of_cooperation=36,
    lawful_and_kept_promises=True,
    years=GOOD_YEARS,
    debt_ratio_pct=D(40),
    equity=D(600),
    yearly_collections=D(2_000_000),
    yearly_shipments=D(2_500_000),
    is_new=False,
    key_data_complete=True,
    documents_complete=True,
    employee_count=500,
    company_age_months=120,
)


def codes(result):
    return [r.code for r in result.reasons]


def test_all_six_conditions_give_a_citing_each_clause_of_article_15():
    result = rules.rate(A_FACTS, S)
    assert result.grade == rules.A
    # (6) 年度回款、发货: collections and shipments, each against the company's standard
    assert [r.article for r in result.reasons] == [f"002 第十五条({i})" for i in (1, 2, 3, 4, 5, 6, 6)]
    assert [r.code for r in result.reasons][-2:] == ["a.collections", "a.shipments"]


# Each A condition on its own, when missing, gives B and names the failed clause (002 第十五条, 第十七条).
@pytest.mark.parametrize(
    ("change", "code", "article"),
    [
        ({"months_of_cooperation": 11}, "b.not_a.cooperation", "002 第十五条(1)"),
        ({"lawful_and_kept_promises": False}, "b.not_a.lawful_and_kept_promises", "002 第十五条(3)"),
        ({"broken_promises": 1}, "b.not_a.lawful_and_kept_promises", "002 第十五条(3)"),
        (
            {"years": (year(2024, 1000, 80), year(2025, 1100, -1))},
            "b.not_a.good_operations",
            "002 第十五条(4)",
        ),
        (
            {"years": (year(2024, 1000, 80), year(2025, 900, 10))},
            "b.not_a.good_operations",
            "002 第十五条(4)",
        ),
        ({"years": (year(2025, 1100, 90),)}, "b.not_a.good_operations", "002 第十五条(4)"),
        (
            {"years": (year(2023, 1000, 80), year(2025, 1100, 90))},
            "b.not_a.good_operations",
            "002 第十五条(4)",
        ),
        ({"debt_ratio_pct": D(61)}, "b.not_a.strong_capital", "002 第十五条(5)"),
        ({"debt_ratio_pct": None}, "b.not_a.strong_capital", "002 第十五条(5)"),
        ({"yearly_collections": D(999_999)}, "b.not_a.collections", "002 第十五条(6)"),
        ({"yearly_collections": None}, "b.not_a.collections", "002 第十五条(6)"),
        ({"is_new": True}, "b.new_customer", "002 第十八条"),
        ({"key_data_complete": False}, "b.key_data_incomplete", "002 第十八条"),
        ({"documents_complete": False}, "b.documents_incomplete", "002 第十八条"),
    ],
)
def test_a_condition_missing_gives_b(change, code, article):
    result = rules.rate(replace(A_FACTS, **change), S)
    assert result.grade == rules.B
    assert result.reasons[0].code == "b.default" and result.reasons[0].article == "002 第十七条"
    assert (code, article) in [(r.code, r.article) for r in result.reasons]


def test_boundaries_of_a_are_inclusive():
    edge = replace(A_FACTS, months_of_cooperation=12, debt_ratio_pct=D(60), yearly_collections=D(1_000_000))
    assert rules.rate(edge, S).grade == rules.A


# Each of the nine C conditions gives C, citing its clause (002 第十六条).
@pytest.mark.parametrize(
    ("change", "code", "article"),
    [
        ({"bad_debt": True}, "c.bad_debt", "002 第十六条(1)"),
        ({"undelivered_goods": True}, "c.undelivered_goods", "002 第十六条(1)"),
        ({"serious_breach": True}, "c.serious_breach", "002 第十六条(1)"),
        ({"broken_promises": 3}, "c.broken_promises", "002 第十六条(2)"),
        ({"debt_disputes": True}, "c.debt_disputes", "002 第十六条(3)"),
        ({"asset_transfers": True}, "c.asset_transfers", "002 第十六条(3)"),
        ({"weak_capital": True}, "c.weak_capital", "002 第十六条(4)"),
        ({"debt_ratio_pct": D(85)}, "c.debt_ratio", "002 第十六条(4)"),
        ({"equity": D(0)}, "c.negative_equity", "002 第十六条(4)"),
        ({"serious_losses": True}, "c.serious_losses", "002 第十六条(5)"),
        ({"falling_turnover_months": 3}, "c.falling_turnover", "002 第十六条(5)"),
        ({"sales_decline": True}, "c.sales_decline", "002 第十六条(6)"),
        ({"unfair_conduct": True}, "c.unfair_conduct", "002 第十六条(6)"),
        ({"illegal_operation": True}, "c.illegal_operation", "002 第十六条(7)"),
        ({"ordered_to_stop": True}, "c.ordered_to_stop", "002 第十六条(8)"),
        ({"freeze_risk": True}, "c.freeze_risk", "002 第十六条(9)"),
    ],
)
def test_c_condition_gives_c(change, code, article):
    result = rules.rate(replace(A_FACTS, **change), S)
    assert result.grade == rules.C
    assert [(r.code, r.article) for r in result.reasons] == [(code, article)]


def test_below_c_thresholds_is_not_c():
    facts = replace(A_FACTS, broken_promises=2, falling_turnover_months=2, debt_ratio_pct=D("84.9"))
    assert rules.rate(facts, S).grade == rules.B


def test_every_c_reason_is_listed():
    facts = replace(A_FACTS, bad_debt=True, freeze_risk=True, illegal_operation=True)
    assert codes(rules.rate(facts, S)) == ["c.bad_debt", "c.illegal_operation", "c.freeze_risk"]


def test_policy_thresholds_apply():
    strict = CreditSection(a_min_cooperation_months=48, c_broken_promises_min=1)
    assert rules.rate(A_FACTS, strict).grade == rules.B
    assert rules.rate(replace(A_FACTS, broken_promises=1), strict).grade == rules.C


def test_reason_source_is_recorded():
    facts = replace(A_FACTS, bad_debt=True, sources={"bad_debt": rules.SRC_LEDGER})
    assert rules.rate(facts, S).reasons[0].params["source"] == "ledger"


# --- properties -------------------------------------------------------------------------------------
C_FLAGS = [
    "bad_debt",
    "undelivered_goods",
    "serious_breach",
    "debt_disputes",
    "asset_transfers",
    "weak_capital",
    "serious_losses",
    "sales_decline",
    "unfair_conduct",
    "illegal_operation",
    "ordered_to_stop",
    "freeze_risk",
]

facts_strategy = st.builds(
    rules.RatingFacts,
    months_of_cooperation=st.integers(0, 120),
    bad_debt=st.booleans(),
    undelivered_goods=st.booleans(),
    serious_breach=st.booleans(),
    lawful_and_kept_promises=st.booleans(),
    broken_promises=st.integers(0, 6),
    years=st.sampled_from([(), GOOD_YEARS, (year(2024, 1000, 80), year(2025, 900, -5))]),
    debt_ratio_pct=st.one_of(st.none(), st.decimals(0, 150, places=1)),
    equity=st.one_of(st.none(), st.decimals(-100, 1000, places=0)),
    yearly_collections=st.one_of(st.none(), st.decimals(0, 5_000_000, places=0)),
    debt_disputes=st.booleans(),
    asset_transfers=st.booleans(),
    weak_capital=st.booleans(),
    serious_losses=st.booleans(),
    falling_turnover_months=st.integers(0, 8),
    sales_decline=st.booleans(),
    unfair_conduct=st.booleans(),
    illegal_operation=st.booleans(),
    ordered_to_stop=st.booleans(),
    freeze_risk=st.booleans(),
    is_new=st.booleans(),
    key_data_complete=st.booleans(),
    documents_complete=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(facts_strategy, st.sampled_from(C_FLAGS))
def test_any_c_fact_is_never_above_c(facts, flag):
    assert rules.rate(replace(facts, **{flag: True}), S).grade == rules.C


@settings(max_examples=300, deadline=None)
@given(facts_strategy, st.sampled_from(C_FLAGS))
def test_removing_a_c_fact_never_lowers_the_grade(facts, flag):
    before = rules.rate(facts, S).grade
    after = rules.rate(replace(facts, **{flag: False}), S).grade
    assert rules.ABC_ORDER[after] >= rules.ABC_ORDER[before]


@settings(max_examples=300, deadline=None)
@given(facts_strategy, st.booleans())
def test_new_or_incomplete_is_never_a(facts, new):
    changed = replace(facts, is_new=True) if new else replace(facts, key_data_complete=False)
    assert rules.rate(changed, S).grade != rules.A


@settings(max_examples=200, deadline=None)
@given(facts_strategy)
def test_every_result_cites_an_article(facts):
    result = rules.rate(facts, S)
    assert result.reasons and all(r.article.startswith("002 第十") for r in result.reasons)


# --- 甲/乙/丙 (004 客户信息管理制度 第九条) ----------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "grade", "code"),
    [
        ({}, rules.JIA, "jia.large"),
        (
            {"employee_count": 150, "years": (year(2024, 1000, 80), year(2025, 1100, 90))},
            rules.YI,
            "yi.default",
        ),
        ({"lawful_and_kept_promises": False}, rules.YI, "yi.reputation"),
        ({"years": (year(2024, 1000, 80), year(2025, 1100, -1))}, rules.YI, "yi.not_stable"),
        ({"is_wholesaler": True}, rules.BING, "bing.wholesaler"),
        ({"employee_count": 99}, rules.BING, "bing.small"),
        ({"company_age_months": 12}, rules.BING, "bing.new_company"),
        ({"company_age_months": None}, rules.BING, "bing.new_company"),
        ({"past_credit_problems": True}, rules.BING, "bing.credit_problems"),
        ({"bad_debt": True}, rules.BING, "bing.credit_problems"),
        ({"employee_count": 150, "receivables": D(700_001)}, rules.BING, "bing.receivables"),
        ({"employee_count": 150, "avg_monthly_shipments": D(500_000)}, rules.BING, "bing.large_volume"),
        ({"receivables": D(5_000_000)}, rules.JIA, "jia.large"),  # only non-甲 with a big balance are 丙
    ],
)
def test_jyb_classes(change, grade, code):
    result = rules.rate_jyb(replace(A_FACTS, **change), S)
    assert result.grade == grade
    assert code in codes(result)
    assert all(r.article.startswith("004 客户信息管理制度 第九条") for r in result.reasons)


def test_jia_by_revenue():
    big = (year(2024, 60_000_000, 80), year(2025, 70_000_000, 90))
    assert rules.rate_jyb(replace(A_FACTS, employee_count=150, years=big), S).grade == rules.JIA


def test_rate_with_uses_the_scheme():
    assert rules.rate_with("jyb", A_FACTS, S).grade == rules.JIA
    assert rules.rate_with("abc", A_FACTS, S).grade == rules.A


# --- Contradictions (002 第十一条(1)) ---------------------------------------------------------------
HONEST = rules.Findings(operations_good=True, lawful_and_kept_promises=True)


@pytest.mark.parametrize(
    ("findings", "years", "kwargs", "code"),
    [
        (rules.Findings(), (year(2024, 1000, 80), year(2025, 1100, -5)), {}, "x.loss_not_declared"),
        (rules.Findings(losses=True), GOOD_YEARS, {}, "x.loss_without_figures"),
        (
            HONEST,
            (year(2023, 1200, 80), year(2024, 1100, 80), year(2025, 1000, 80)),
            {},
            "x.good_operations_but_figures",
        ),
        (
            rules.Findings(),
            (year(2023, 1200, 80), year(2024, 1100, 80), year(2025, 1000, 80)),
            {},
            "x.falling_turnover_not_declared",
        ),
        (HONEST, GOOD_YEARS, {"ledger_bad_debt": True}, "x.bad_debt_in_ledger"),
        (HONEST, GOOD_YEARS, {"ledger_broken_promises": 2}, "x.broken_promises_in_ledger"),
        (
            HONEST,
            (year(2024, 1000, 80), year(2025, 1100, 90, D(1000), D(900), D(100))),
            {},
            "x.weak_capital_not_declared",
        ),
        (
            HONEST,
            (year(2024, 1000, 80), year(2025, 1100, 90, D(1000), D(400), D(100))),
            {},
            "x.balance_sheet",
        ),
        (HONEST, (year(2025, 1100, 90),), {}, "x.too_few_years"),
    ],
)
def test_contradictions(findings, years, kwargs, code):
    assert code in [r.code for r in rules.contradictions(findings, years, S, **kwargs)]


def test_consistent_form_has_no_contradictions():
    assert rules.contradictions(HONEST, GOOD_YEARS, S, ledger_bad_debt=False, ledger_broken_promises=0) == []


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ((2025, 1, 31), (2025, 2, 28), 0),
        ((2025, 1, 15), (2026, 1, 15), 12),
        ((2025, 3, 1), (2025, 1, 1), 0),
    ],
)
def test_months_between(start, end, months):
    from datetime import date

    assert dates.months_between(date(*start), date(*end)) == months


def test_add_months_clamps_to_month_end():
    from datetime import date

    assert dates.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


@settings(max_examples=200, deadline=None)
@given(facts_strategy, st.integers(0, 6), st.integers(0, 8))
def test_fewer_broken_promises_or_falling_months_never_lower_the_grade(facts, promises, months):
    worse = replace(
        facts, broken_promises=max(facts.broken_promises, promises), falling_turnover_months=months + 1
    )
    better = replace(
        worse, broken_promises=min(worse.broken_promises, promises), falling_turnover_months=months
    )
    assert rules.ABC_ORDER[rules.rate(better, S).grade] >= rules.ABC_ORDER[rules.rate(worse, S).grade]


@settings(max_examples=200, deadline=None)
@given(facts_strategy, st.sampled_from(C_FLAGS))
def test_any_c_fact_is_bing_under_jyb(facts, flag):
    """004 客户信息管理制度 第九条③: a customer with credit problems is 丙."""
    assert rules.rate_jyb(replace(facts, **{flag: True}), S).grade == rules.BING


# --- The investigator's findings (002 第十六条(2),(5); 第十五条(4)) -----------------------------------
@pytest.mark.parametrize(
    ("change", "code", "article"),
    [
        # ticked below the threshold of the figures: the finding decides
        (
            {"often_breaks_promises": True, "broken_promises": 1},
            "c.broken_promises_finding",
            "002 第十六条(2)",
        ),
        (
            {"falling_turnover": True, "falling_turnover_months": 1},
            "c.falling_turnover_finding",
            "002 第十六条(5)",
        ),
        # the figures at the threshold without a tick: the figures decide
        ({"broken_promises": 3}, "c.broken_promises", "002 第十六条(2)"),
        ({"falling_turnover_months": 3}, "c.falling_turnover", "002 第十六条(5)"),
    ],
)
def test_the_investigators_finding_or_the_figures_give_c(change, code, article):
    result = rules.rate(replace(A_FACTS, investigator="张三", **change), S)
    assert result.grade == rules.C
    assert [(r.code, r.article) for r in result.reasons] == [(code, article)]
    if code.endswith("_finding"):
        assert result.reasons[0].params["by"] == "张三"


def test_an_explicit_no_to_good_operations_prevents_a_whatever_the_figures():
    result = rules.rate(replace(A_FACTS, operations_good_finding=False, investigator="张三"), S)
    assert result.grade == rules.B
    assert ("b.not_a.operations_finding", "002 第十五条(4)") in [(r.code, r.article) for r in result.reasons]
    assert rules.rate(replace(A_FACTS, operations_good_finding=True), S).grade == rules.A


@pytest.mark.parametrize(
    ("findings", "kwargs", "code"),
    [
        (
            replace(HONEST, broken_promises=True, broken_promises_count=1),
            {},
            "x.broken_promises_ticked_below",
        ),
        (replace(HONEST, broken_promises_count=3), {}, "x.broken_promises_count_not_ticked"),
        (
            replace(HONEST, falling_turnover=True, falling_turnover_months=1),
            {},
            "x.falling_turnover_ticked_below",
        ),
        (replace(HONEST, falling_turnover_months=4), {}, "x.falling_turnover_months_not_ticked"),
        (replace(HONEST, operations_good=False), {"rating_year": 2026}, "x.operations_not_good_but_figures"),
    ],
)
def test_ticks_and_figures_that_disagree_are_contradictions_for_the_reviewer(findings, kwargs, code):
    assert code in [r.code for r in rules.contradictions(findings, GOOD_YEARS, S, **kwargs)]


# --- 最近连续2年 (002 第十五条(4)) ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("years", "rating_year", "ok", "missing"),
    [
        (GOOD_YEARS, 2026, True, ()),
        (GOOD_YEARS, 2027, False, (2026,)),  # 2024 and 2025 no longer the latest two full years
        ((year(2023, 900, 50), year(2024, 1000, 80)), 2026, False, (2025,)),
        ((year(2024, 1000, 80), year(2025, 1100, 90), year(2026, 500, -50)), 2026, True, ()),  # 2026 not full
    ],
)
def test_good_operations_are_the_two_full_years_before_the_rating_date(years, rating_year, ok, missing):
    check = rules.check_operations(years, 2, rating_year)
    assert (check.ok, check.missing) == (ok, missing)


def test_old_figures_do_not_make_a_and_the_reason_names_the_missing_years():
    facts = replace(A_FACTS, years=(year(2022, 900, 50), year(2023, 1000, 80)), rating_year=2026)
    result = rules.rate(facts, S)
    assert result.grade == rules.B
    reason = next(r for r in result.reasons if r.code == "b.not_a.good_operations")
    assert reason.params["missing"] == "2024, 2025" and reason.params["window"] == "2024, 2025"


older_year = st.builds(
    year,
    st.integers(2015, 2023),
    st.integers(1, 5000),
    st.integers(-500, 500),
)


@settings(max_examples=200, deadline=None)
@given(facts_strategy, older_year)
def test_an_older_year_entered_never_changes_the_grade(facts, older):
    facts = replace(facts, rating_year=2026)
    with_older = replace(facts, years=(older, *[y for y in facts.years if y.year != older.year]))
    assert rules.rate(with_older, S).grade == rules.rate(facts, S).grade


# --- 年度回款、发货 (002 第十五条(6)) -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("collections", "shipments", "grade", "failed"),
    [
        (D(2_000_000), D(2_000_000), rules.A, []),
        (D(2_000_000), D(999_999), rules.B, ["b.not_a.shipments"]),
        (D(2_000_000), None, rules.B, ["b.not_a.shipments"]),
        (D(999_999), D(2_000_000), rules.B, ["b.not_a.collections"]),
    ],
)
def test_yearly_collections_and_shipments_both_meet_the_standard(collections, shipments, grade, failed):
    result = rules.rate(replace(A_FACTS, yearly_collections=collections, yearly_shipments=shipments), S)
    assert result.grade == grade
    assert [r.code for r in result.reasons if r.code.startswith("b.not_a.")] == failed


# --- 营业额持续多月下滑 is the customer's own turnover (002 第十六条(5)) --------------------------------
def test_our_falling_sales_are_evidence_not_c_unless_the_policy_departs():
    facts = replace(A_FACTS, our_sales_falling_months=6)
    assert rules.rate(facts, S).grade == rules.A
    departing = CreditSection(c_our_sales_falling=True)
    result = rules.rate(facts, departing)
    assert result.grade == rules.C
    assert [(r.code, r.article) for r in result.reasons] == [("c.our_sales_falling", "002 第十六条(5)")]


def test_the_departures_and_readings_of_the_credit_section_are_declared():
    from xindang.policy.sections import SECTIONS
    from xindang.policy.selectors import policy_departures

    info = SECTIONS["credit"]
    assert {r.word for r in info.readings} >= {"经常", "多月", "最近连续2年", "我制定的标准"}
    rows = policy_departures(
        {
            "credit": {
                "c_our_sales_falling": True,
                "investigation_reviewer_roles": ["department_manager", "credit_manager"],
                "rating_salesperson_takes_part": False,
            }
        }
    )
    assert [(r.field, r.article) for r in rows if r.section == "credit"] == [
        ("c_our_sales_falling", "002 第十六条(5)"),
        ("investigation_reviewer_roles", "002 第十条"),
        ("rating_salesperson_takes_part", "002 第十九条"),
    ]
    assert [
        r for r in policy_departures({"credit": CreditSection().model_dump()}) if r.section == "credit"
    ] == []

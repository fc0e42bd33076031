"""The pure rules of supplier selection and evaluation, table-driven (seed 002 篇五)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.suppliers import rules

WEIGHTS = {"quality": 40, "delivery": 30, "price": 20, "service": 10}
BANDS = {"A": 90, "B": 75, "C": 60, "D": 0}


@pytest.mark.parametrize(
    ("relationship", "expected"),
    [("supplier", True), ("both", True), ("buyer", False), ("special", False)],
)
def test_only_suppliers_are_selected(relationship, expected):
    """002 第四条: customers are buyers and suppliers; 002 篇五 selects suppliers only."""
    assert rules.is_supplier(relationship) is expected


@pytest.mark.parametrize(
    ("supply_ok", "quality_ok", "missing"),
    [
        (True, True, []),
        (False, True, ["supply"]),
        (True, False, ["quality_assurance"]),
        (False, False, ["supply", "quality_assurance"]),
    ],
)
def test_missing_contracts_names_each(supply_ok, quality_ok, missing):
    """002 篇五 第三条(2)(3): the supply contract and, with it, the quality-assurance contract."""
    assert rules.missing_contracts(supply_ok, quality_ok) == missing


@pytest.mark.parametrize(
    ("score", "scale", "ok"),
    [(0, 100, True), (100, 100, True), (101, 100, False), (-1, 100, False), ("7.5", 10, False),
     ("x", 100, False), (None, 100, False), (10, 10, True), ("10", 10, True)],
)  # fmt: skip
def test_score_must_be_whole_and_in_scale(score, scale, ok):
    """Evaluation of the 002 篇五 第一条 principles: whole scores on the policy's scale."""
    assert rules.score_in_scale(score, scale) is ok


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"quality": 100, "delivery": 100, "price": 100, "service": 100}, Decimal("100.00")),
        ({"quality": 0, "delivery": 0, "price": 0, "service": 0}, Decimal("0.00")),
        ({"quality": 90, "delivery": 80, "price": 70, "service": 60}, Decimal("80.00")),
        ({"quality": 100, "delivery": 0, "price": 0, "service": 0}, Decimal("40.00")),
    ],
)
def test_weighted_score(scores, expected):
    """Quality (第一条(1)), delivery ((2)), price/cost ((6)), service/cooperation ((4)), weighted."""
    assert rules.weighted_score(scores, WEIGHTS, 100) == expected


@pytest.mark.parametrize(
    ("score", "grade"),
    [("100", "A"), ("90", "A"), ("89.99", "B"), ("75", "B"), ("60", "C"), ("59.99", "D"), ("0", "D")],
)
def test_grade_bands(score, grade):
    """The grade of the weighted score by the policy's bands (boundaries included in the band)."""
    assert rules.grade_for(Decimal(score), BANDS.items()) == grade


@given(st.fixed_dictionaries({c: st.integers(0, 10) for c in rules.CRITERIA}))
def test_weighted_score_stays_on_the_0_to_100_scale(scores):
    value = rules.weighted_score(scores, WEIGHTS, 10)
    assert Decimal(0) <= value <= Decimal(100)
    assert rules.grade_for(value, BANDS.items()) in BANDS


@pytest.mark.parametrize(
    ("approved_year", "month", "evaluated", "due"),
    [(2025, 12, False, True), (2025, 11, False, False), (2026, 12, False, False),
     (2025, 12, True, False), (None, 12, False, False)],
)  # fmt: skip
def test_evaluation_due_once_a_year(approved_year, month, evaluated, due):
    assert (
        rules.evaluation_due(
            approved_year=approved_year,
            today_year=2026,
            today_month=month,
            due_month=12,
            evaluated_this_year=evaluated,
        )
        is due
    )


def test_pending_steps_in_the_order_of_the_regulation():
    """002 篇五 第二条–第三条: survey, on-site survey, application, contracts, approval, code."""
    assert rules.pending_steps({}) == list(rules.STEPS)
    assert rules.pending_steps({rules.GENERAL_SURVEY: True, rules.CONTRACTS: True}) == [
        rules.SITE_SURVEY,
        rules.APPLICATION,
        rules.APPROVAL,
        rules.CODE,
    ]

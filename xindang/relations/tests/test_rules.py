"""The relationship regulations as pure functions (000 7, 002 篇三, 000 6)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.relations import rules


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        # 000 7 5.4.2/5.4.3: received → investigated → resolution approved by the GM → fed back → closed
        (rules.RECEIVED, rules.INVESTIGATING, True),
        (rules.INVESTIGATING, rules.PROPOSED, True),
        (rules.PROPOSED, rules.APPROVED, True),
        (rules.PROPOSED, rules.INVESTIGATING, True),  # rejected: a new resolution
        (rules.APPROVED, rules.FED_BACK, True),
        (rules.FED_BACK, rules.CLOSED, True),
        (rules.APPROVED, rules.CLOSED, False),  # closed before feedback
        (rules.RECEIVED, rules.CLOSED, False),
        (rules.INVESTIGATING, rules.APPROVED, False),  # only the GM's approval approves
        (rules.CLOSED, rules.INVESTIGATING, False),
    ],
)
def test_complaint_transitions(current, target, allowed):
    assert rules.can_move(current, target) is allowed


@pytest.mark.parametrize(("kind", "needs"), [(rules.QUALITY, True), (rules.PROCESS, False)])
def test_quality_complaints_are_resolved_with_production(kind, needs):
    """000 7 5.4.2 (quality below standard: 报请公司生产处协同处理) vs 5.4.3 (process: the
    department alone)."""
    assert rules.needs_production(kind) is needs


@pytest.mark.parametrize(
    ("status", "due"),
    [
        (rules.RECEIVED, date(2026, 3, 8)),  # a resolution within respond_days
        (rules.INVESTIGATING, date(2026, 3, 8)),
        (rules.PROPOSED, date(2026, 3, 31)),  # closed within close_days
        (rules.FED_BACK, date(2026, 3, 31)),
        (rules.CLOSED, None),
    ],
)
def test_complaint_due_dates_follow_the_policy(status, due):
    got = rules.complaint_due_on(
        status, received_on=date(2026, 3, 1), proposed_on=None, respond_days=7, close_days=30
    )
    assert got == due


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        # 002 篇三: plan (三.1) → visit and record (四.2) → report the next day (五.1) → review (五.2)
        (rules.PLANNED, rules.DONE, True),
        (rules.PLANNED, rules.REPORTED, False),  # a report for a visit not yet done
        (rules.DONE, rules.REPORTED, True),
        (rules.REPORTED, rules.REVIEWED, True),
        (rules.DONE, rules.REVIEWED, False),
        (rules.PLANNED, rules.CANCELLED, True),
        (rules.DONE, rules.CANCELLED, False),
    ],
)
def test_visit_transitions(current, target, allowed):
    assert rules.visit_can_move(current, target) is allowed


def test_the_visit_report_is_due_the_next_day():
    """002 篇三 五.1: 在结束回访的第二天."""
    assert rules.report_due_on(date(2026, 5, 31)) == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("score", "problem"),
    [
        (1, None),
        (5, None),
        ("3", None),
        (0, "out_of_scale"),
        (6, "out_of_scale"),
        (-1, "out_of_scale"),
        (3.5, "not_a_number"),
        ("很好", "not_a_number"),
        (None, "required"),
        (True, "required"),
    ],
)
def test_a_survey_answer_must_be_on_the_scale(score, problem):
    """000 6 b: answers on the questionnaire's scale (here 1–5)."""
    assert rules.score_problem(score, 5) == problem


@given(st.lists(st.integers(min_value=1, max_value=7), min_size=1, max_size=50))
def test_satisfaction_is_between_0_and_100(scores):
    pct = rules.satisfaction_pct(scores, 7)
    assert 0 <= pct <= 100


@pytest.mark.parametrize(
    ("scores", "pct", "below"),
    [([5, 5], 100.0, False), ([1, 1], 0.0, True), ([4, 4, 5], 83.3, False), ([4, 4], 75.0, True)],
)
def test_below_the_target_raises_corrective_actions(scores, pct, below):
    """000 6 d: 当顾客满意度未能达到公司规定要求时 (target 80 %)."""
    got = rules.satisfaction_pct(scores, 5)
    assert got == pct
    assert rules.below_target(got, 80.0) is below


@pytest.mark.parametrize(("count", "due"), [(0, True), (1, False), (2, False)])
def test_a_survey_is_due_every_year(count, due):
    """000 6 a: 每年至少进行一次全面的顾客满意度调查."""
    assert rules.survey_due(count, 1) is due

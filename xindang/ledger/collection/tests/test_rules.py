"""Pure collection rules: ageing buckets, promise outcomes, report triggers (000
客户信息管理办法 二.7)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.ledger.collection import rules

DEFAULT = rules.buckets_from_bounds([30, 60, 90, 180])


def test_default_buckets_are_the_issues_six():
    assert [b.code for b in DEFAULT] == ["not_due", "1-30", "31-60", "61-90", "91-180", "181+"]


@pytest.mark.parametrize(
    "days, bucket",
    [
        (-5, "not_due"),
        (0, "not_due"),
        (1, "1-30"),
        (30, "1-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "91-180"),
        (180, "91-180"),
        (181, "181+"),
        (5000, "181+"),
    ],
)
def test_ageing_bucket_edges(days, bucket):
    assert rules.ageing_bucket(days, DEFAULT) == bucket


def test_buckets_from_unsorted_duplicate_bounds():
    assert [b.code for b in rules.buckets_from_bounds([90, 30, 30])] == ["not_due", "1-30", "31-90", "91+"]


@given(
    bounds=st.lists(st.integers(min_value=1, max_value=400), min_size=1, max_size=8),
    items=st.lists(
        st.tuples(
            st.integers(min_value=-100, max_value=1000), st.decimals(min_value=0, max_value=10**9, places=2)
        ),
        max_size=40,
    ),
)
def test_every_amount_lands_in_exactly_one_bucket_and_totals_add_up(bounds, items):
    buckets = rules.buckets_from_bounds(bounds)
    totals = {b.code: Decimal(0) for b in buckets}
    for days, amount in items:
        matching = [
            b.code
            for b in buckets
            if (b.low is None and days <= 0)
            or (b.low is not None and days >= b.low and (b.high is None or days <= b.high))
        ]
        assert matching == [rules.ageing_bucket(days, buckets)]
        totals[rules.ageing_bucket(days, buckets)] += amount
    assert sum(totals.values()) == sum((a for _, a in items), Decimal(0))


@pytest.mark.parametrize(
    "paid, today, state",
    [
        (Decimal("0"), date(2026, 3, 10), rules.OPEN),  # on the promised date: still open
        (Decimal("0"), date(2026, 3, 11), rules.BROKEN),  # the day after: broken
        (Decimal("999.99"), date(2026, 3, 11), rules.BROKEN),  # a cent short
        (Decimal("1000"), date(2026, 3, 5), rules.KEPT),  # paid in full early
        (Decimal("1500"), date(2026, 4, 1), rules.KEPT),
    ],
)
def test_promise_state(paid, today, state):
    assert (
        rules.promise_state(
            amount=Decimal("1000"),
            made_on=date(2026, 3, 1),
            promised_on=date(2026, 3, 10),
            paid_by_promise_date=paid,
            today=today,
        )
        == state
    )


@pytest.mark.parametrize("days, due", [(14, False), (15, False), (16, True)])
def test_anomaly_report_only_beyond_the_threshold(days, due):
    assert rules.anomaly_due(days, 15) is due


@pytest.mark.parametrize(
    "series, falling",
    [
        ([], 0),
        ([Decimal(5)], 0),
        ([Decimal(5), Decimal(7), Decimal(6), Decimal(4)], 2),
        ([Decimal(5), Decimal(4), Decimal(4)], 0),
        ([Decimal(9), Decimal(8), Decimal(7), Decimal(1)], 3),
    ],
)
def test_falling_months_counts_the_decline_at_the_end(series, falling):
    assert rules.falling_months(series) == falling


@pytest.mark.parametrize(
    "on, months, first",
    [
        (date(2026, 11, 23), 12, date(2025, 11, 1)),
        (date(2026, 1, 31), 1, date(2025, 12, 1)),
        (date(2026, 3, 1), 0, date(2026, 3, 1)),
    ],
)
def test_months_back(on, months, first):
    assert rules.months_back(on, months) == first


def test_two_years_before_a_leap_day():
    assert rules.two_years_before(date(2028, 2, 29)) == date(2026, 2, 28)

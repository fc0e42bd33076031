"""The evaluation's figures and workflow as pure rules (seed 002 第三十七–四十二条): no database."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.credit.evaluations import rules
from xindang.credit.evaluations.rules import Balances

OCT1, OCT31 = date(2026, 10, 1), date(2026, 10, 31)


def recv(amount) -> Balances:
    return Balances(receivable=D(amount))


# --- Running exposure: peak vs end, days over the limit (第三十七条) --------------------------------
@pytest.mark.parametrize(
    ("opening", "movements", "limit", "peak", "peak_on", "end", "over"),
    [
        # nothing moves: the balance carried in is peak and end; never over a higher limit
        ("0", [], "1000", "0", None, "0", 0),
        ("800", [], "1000", "800", OCT1, "800", 0),
        # carried in above the limit: every day of the month over it
        ("1200", [], "1000", "1200", OCT1, "1200", 31),
        # shipment on the 10th, payment on the 20th: peak in between, end back down
        (
            "200",
            [(date(2026, 10, 10), "900"), (date(2026, 10, 20), "-700")],
            "1000",
            "1100",
            date(2026, 10, 10),
            "400",
            10,  # 10th–19th
        ),
        # two entries on one day are summed before the day ends: no intraday peak
        ("0", [(date(2026, 10, 5), "1500"), (date(2026, 10, 5), "-1500")], "1000", "0", None, "0", 0),
        # over from the 31st only
        ("0", [(OCT31, "1001")], "1000", "1001", OCT31, "1001", 1),
        # a movement before the month counts into the opening; one after it is ignored
        ("0", [(date(2026, 9, 30), "500"), (date(2026, 11, 1), "900")], "1000", "500", OCT1, "500", 0),
        # exactly at the limit is not over it
        ("1000", [], "1000", "1000", OCT1, "1000", 0),
        # no limit (none granted): nothing counted as over
        ("5000", [], None, "5000", OCT1, "5000", 0),
    ],
)
def test_peak_end_and_days_over_limit(opening, movements, limit, peak, peak_on, end, over):
    figures = rules.exposure_figures(
        opening=recv(opening),
        movements=[(on, recv(a)) for on, a in movements],
        first_day=OCT1,
        last_day=OCT31,
        limit_amount=D(limit) if limit else None,
    )
    assert figures.peak_amount == D(peak)
    assert figures.peak_on == peak_on
    assert figures.end_amount == D(end)
    assert figures.days_over_limit == over


def test_days_over_limit_count_only_while_the_grant_was_in_force():
    figures = rules.exposure_figures(
        opening=recv("2000"),
        movements=[],
        first_day=OCT1,
        last_day=OCT31,
        limit_amount=D("1000"),
        limit_from=date(2026, 10, 11),
        limit_until=date(2026, 10, 20),
    )
    assert figures.days_over_limit == 10


def test_an_advance_is_no_negative_exposure_of_prepayments():
    """A credit balance (payment beyond what is open) does not offset a prepayment (004 客户信息管理制度
    第八条 + 002 第二十二条)."""
    figures = rules.exposure_figures(
        opening=Balances(receivable=D("-300"), prepayments=D("500")),
        movements=[],
        first_day=OCT1,
        last_day=OCT31,
        limit_amount=None,
    )
    assert figures.end_amount == D("500")


@pytest.mark.parametrize(
    ("kind", "reversed_kind", "expected"),
    [
        ("shipment", None, Balances(receivable=D("100"))),
        ("payment", None, Balances(receivable=D("-100"))),
        ("note_received", None, Balances(receivable=D("-100"), notes=D("100"))),  # stays in exposure
        ("note_settled", None, Balances(notes=D("-100"))),
        ("prepayment", None, Balances(prepayments=D("100"))),
        ("goods_received", None, Balances(prepayments=D("-100"))),
        ("reversal", "shipment", Balances(receivable=D("-100"))),
        ("reversal", "payment", Balances(receivable=D("100"))),
    ],
)
def test_entry_movements(kind, reversed_kind, expected):
    assert rules.entry_movement(kind, D("100"), reversed_kind=reversed_kind) == expected


@given(
    st.lists(
        st.tuples(st.integers(1, 31), st.integers(-5000, 5000).map(D)),
        max_size=25,
    ),
    st.integers(0, 3000).map(D),
)
def test_running_exposure_matches_a_day_by_day_walk(moves, limit):
    """The change-point walk equals the naive walk over every day of the month."""
    movements = [(date(2026, 10, d), recv(a)) for d, a in moves]
    fast = rules.exposure_figures(
        opening=Balances(), movements=movements, first_day=OCT1, last_day=OCT31, limit_amount=limit
    )
    balance, peak, over = Balances(), D(0), 0
    for day in range(1, 32):
        for d, a in moves:
            if d == day:
                balance = balance.plus(recv(a))
        peak = max(peak, balance.exposure)
        over += balance.exposure > limit
    assert (fast.peak_amount, fast.end_amount, fast.days_over_limit) == (peak, balance.exposure, over)


# --- Overdue at month end (第三十五条) --------------------------------------------------------------
@pytest.mark.parametrize(
    ("items", "amount", "oldest", "count"),
    [
        ([], "0", 0, 0),
        ([(date(2026, 11, 5), "100")], "0", 0, 0),  # not yet due
        ([(OCT31, "100")], "0", 0, 0),  # due on the day: not overdue yet
        ([(date(2026, 10, 30), "100")], "100", 1, 1),
        ([(date(2026, 8, 1), "250"), (date(2026, 10, 1), "100"), (None, "999")], "350", 91, 2),
        ([(date(2026, 9, 1), "0")], "0", 0, 0),  # settled
    ],
)
def test_overdue_at_month_end(items, amount, oldest, count):
    figures = rules.overdue_figures([(due, D(a)) for due, a in items], on=OCT31)
    assert (figures.amount, figures.oldest_days, figures.items) == (D(amount), oldest, count)


# --- Payment promises ------------------------------------------------------------------------------
def test_promises_made_count_by_day_given_kept_and_broken_by_day_due():
    promises = [
        (date(2026, 10, 2), date(2026, 10, 15), "kept"),
        (date(2026, 10, 3), date(2026, 10, 20), "broken"),
        (date(2026, 9, 20), date(2026, 10, 5), "broken"),  # given last month, broken this month
        (date(2026, 10, 25), date(2026, 11, 10), "open"),  # given this month, due next month
        (date(2026, 8, 1), date(2026, 9, 1), "kept"),  # nothing to do with October
    ]
    assert rules.promise_figures(promises, first_day=OCT1, last_day=OCT31) == rules.PromiseFigures(
        made=3, kept=1, broken=2
    )


# --- Workflow (第三十九–四十一条) -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("signed", "reported", "reviewed", "status"),
    [
        (False, False, False, rules.GENERATED),
        (True, False, False, rules.CONTROLLER_SIGNED),
        (False, True, False, rules.SALESPERSON_REPORTED),
        (True, True, False, rules.READY_FOR_REVIEW),
        (True, True, True, rules.REVIEWED),
    ],
)
def test_status_follows_the_signatures(signed, reported, reviewed, status):
    assert rules.status_of(signed=signed, reported=reported, reviewed=reviewed) == status


@pytest.mark.parametrize(
    ("step", "signed", "reported", "reviewed", "problem"),
    [
        (rules.SIGN, False, False, False, None),
        (rules.REPORT, False, False, False, None),  # either order
        (rules.SIGN, False, True, False, None),
        (rules.SIGN, True, False, False, "evaluation.already_signed"),
        (rules.REPORT, False, True, False, "evaluation.already_reported"),
        (rules.REVIEW, True, False, False, "evaluation.not_ready_for_review"),
        (rules.REVIEW, False, True, False, "evaluation.not_ready_for_review"),
        (rules.REVIEW, True, True, False, None),
        (rules.REVIEW, True, True, True, "evaluation.already_reviewed"),
        (rules.SIGN, True, True, True, "evaluation.already_reviewed"),
    ],
)
def test_step_order(step, signed, reported, reviewed, problem):
    assert rules.step_problem(step, signed=signed, reported=reported, reviewed=reviewed) == problem


def test_figures_frozen_once_the_controller_signed():
    assert rules.figures_may_change(signed=False)
    assert not rules.figures_may_change(signed=True)


# --- Adjustment (第四十一–四十二条) -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("current", "proposed", "reason", "problem", "warnings"),
    [
        ("500000", "300000", "回款放缓", None, []),
        ("500000", "800000", "业务扩大", None, [rules.INCREASE_WARNING]),  # 第四十二条
        ("500000", "500000", "不变", "evaluation.same_limit", []),
        ("500000", "300000", "  ", "evaluation.reason_required", []),
        ("500000", "-1", "x", "evaluation.negative_limit", []),
    ],
)
def test_adjustment_proposal(current, proposed, reason, problem, warnings):
    assert (
        rules.adjustment_problem(current_limit=D(current), proposed_limit=D(proposed), reason=reason)
        == problem
    )
    if problem is None:
        assert rules.adjustment_warnings(current_limit=D(current), proposed_limit=D(proposed)) == warnings


# --- Months, quarters, due dates -------------------------------------------------------------------
def test_month_parsing_and_arithmetic():
    assert rules.parse_month("2026-10") == OCT1
    for bad in ("2026-13", "2026/10", "", "10-2026"):
        with pytest.raises(ValueError):
            rules.parse_month(bad)
    assert rules.month_end(date(2028, 2, 5)) == date(2028, 2, 29)
    assert rules.next_month(date(2026, 12, 1)) == date(2027, 1, 1)
    assert rules.previous_month(date(2027, 1, 15)) == date(2026, 12, 1)
    assert rules.quarter_of(date(2026, 11, 3)) == (2026, 4)
    assert rules.quarter_months(2026, 4) == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    assert rules.parse_quarter("2026-Q4") == (2026, 4)


def test_due_dates_in_the_following_month():
    dues = rules.due_dates(date(2027, 1, 1), due_day=10, review_due_day=31)
    assert dues[rules.SIGN] == dues[rules.REPORT] == date(2027, 2, 10)
    assert dues[rules.REVIEW] == date(2027, 2, 28)  # clamped to the month


@pytest.mark.parametrize(
    ("starts", "ends", "active"),
    [
        (date(2026, 1, 1), date(2026, 12, 31), True),
        (date(2026, 10, 31), None, True),  # granted on the last day
        (date(2026, 1, 1), OCT1, True),  # ended on the first day
        (date(2026, 11, 1), None, False),
        (date(2026, 1, 1), date(2026, 9, 30), False),
    ],
)
def test_grant_active_at_any_time_in_the_month(starts, ends, active):
    assert rules.active_in_period(starts_on=starts, ends_on=ends, first_day=OCT1, last_day=OCT31) is active

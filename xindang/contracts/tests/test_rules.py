"""Contract rules as tables (no database): SPEC §3; seeds 000 4.2 and 001 客户信用档案建立与管理制度 1–4."""

from datetime import date
from decimal import Decimal

import pytest

from xindang.contracts import rules
from xindang.contracts.rules import (
    CANCELLED,
    CHANGED,
    COMPLETED,
    DRAFT,
    IN_PERFORMANCE,
    SIGNED,
    TERMINATED,
    ContractFact,
    EventFact,
)

# --- Status transitions ---------------------------------------------------------------------------
ALLOWED = {
    (DRAFT, SIGNED),
    (DRAFT, CANCELLED),  # a draft that will not be signed is cancelled (作废); its number stays
    (SIGNED, IN_PERFORMANCE),
    (SIGNED, CHANGED),
    (SIGNED, TERMINATED),
    (SIGNED, COMPLETED),
    (IN_PERFORMANCE, CHANGED),
    (IN_PERFORMANCE, TERMINATED),
    (IN_PERFORMANCE, COMPLETED),
    (CHANGED, IN_PERFORMANCE),
    (CHANGED, CHANGED),  # a second amendment
    (CHANGED, TERMINATED),
    (CHANGED, COMPLETED),
}


@pytest.mark.parametrize("current", rules.STATUSES)
@pytest.mark.parametrize("target", rules.STATUSES)
def test_transition_table_allows_exactly_the_sensible_moves(current, target):
    assert rules.can_transition(current, target) == ((current, target) in ALLOWED)


@pytest.mark.parametrize(
    "current,target",
    [
        (DRAFT, CHANGED),  # a draft is no contract yet: nothing to change
        (DRAFT, TERMINATED),  # … nor to terminate (解除 needs a concluded contract)
        (DRAFT, COMPLETED),
        (TERMINATED, IN_PERFORMANCE),  # an ended contract does not come back
        (COMPLETED, CHANGED),
        (SIGNED, DRAFT),
        (SIGNED, SIGNED),
        (SIGNED, CANCELLED),  # a concluded contract ends by termination (解除), not by cancelling
        (CANCELLED, SIGNED),  # a cancelled draft does not come back
    ],
)
def test_nonsense_transitions_are_refused(current, target):
    assert not rules.can_transition(current, target)


def test_unknown_status_has_no_transitions():
    assert not rules.can_transition("lost", SIGNED)
    assert rules.allowed_targets("lost") == []


def test_allowed_targets_keep_the_order_of_the_statuses():
    assert rules.allowed_targets(SIGNED) == [IN_PERFORMANCE, CHANGED, TERMINATED, COMPLETED]
    assert rules.allowed_targets(TERMINATED) == []
    assert rules.allowed_targets(DRAFT) == [SIGNED, CANCELLED]


@pytest.mark.parametrize(
    "target,event",
    [
        (SIGNED, rules.SIGNING),  # 签订
        (CHANGED, rules.CHANGE),  # 变更
        (COMPLETED, rules.PERFORMANCE),  # 履行
        (TERMINATED, rules.TERMINATION),  # 解除
        (IN_PERFORMANCE, None),  # starting performance is no procedure with a handover
        (CANCELLED, None),  # a draft never signed has no contract file to hand over
    ],
)
def test_the_four_procedures_of_001_start_a_handover(target, event):
    assert rules.event_for(target) == event


@pytest.mark.parametrize(
    "status,editable",
    [(DRAFT, True), (SIGNED, True), (CHANGED, True), (COMPLETED, False), (CANCELLED, False)],
)
def test_closed_contracts_are_not_editable(status, editable):
    assert rules.is_editable(status) is editable


@pytest.mark.parametrize(
    "target,required", [(CHANGED, True), (TERMINATED, True), (CANCELLED, True), (SIGNED, False)]
)
def test_change_and_termination_need_a_reason(target, required):
    assert rules.reason_required(target) is required


@pytest.mark.parametrize(
    "kind,occurred_on,signed_on,problem",
    [
        (rules.SIGNING, date(2026, 3, 1), None, None),
        (rules.SIGNING, date(2026, 3, 11), None, "future"),
        (rules.CHANGE, date(2026, 2, 28), date(2026, 3, 1), "before_signing"),
        (rules.CHANGE, date(2026, 3, 1), date(2026, 3, 1), None),
        (None, date(2026, 3, 5), date(2026, 3, 1), None),
    ],
)
def test_procedure_dates(kind, occurred_on, signed_on, problem):
    today = date(2026, 3, 10)
    assert (
        rules.event_date_problem(kind=kind, occurred_on=occurred_on, signed_on=signed_on, today=today)
        == problem
    )


# --- Handover deadlines (001 客户信用档案建立与管理制度 3: 一个月内; 000 第二条(二): 十日内) ----------------
@pytest.mark.parametrize(
    "start,days,due",
    [
        (date(2026, 1, 15), 30, date(2026, 2, 14)),  # default: 30 days for "one month"
        (date(2026, 1, 31), 30, date(2026, 3, 2)),
        (date(2026, 12, 20), 30, date(2027, 1, 19)),  # across the year end
        (date(2024, 2, 10), 30, date(2024, 3, 11)),  # leap year
        (date(2026, 5, 1), 10, date(2026, 5, 11)),  # the project template's ten days
    ],
)
def test_handover_is_due_the_policy_days_after_the_procedure(start, days, due):
    assert rules.handover_due(start, days) == due


def test_negative_handover_days_are_a_programming_error():
    with pytest.raises(ValueError):
        rules.handover_due(date(2026, 1, 1), -1)


DUE = date(2026, 2, 14)


@pytest.mark.parametrize(
    "today,handed_on,overdue",
    [
        (date(2026, 2, 13), None, False),
        (date(2026, 2, 14), None, False),  # the due day itself is still in time
        (date(2026, 2, 15), None, True),
        (date(2026, 3, 30), date(2026, 2, 14), False),  # handed in time
        (date(2026, 3, 30), date(2026, 2, 20), False),  # handed late: no longer overdue, but late
    ],
)
def test_overdue_means_not_handed_over_after_the_due_day(today, handed_on, overdue):
    assert rules.is_overdue(due_on=DUE, handed_on=handed_on, today=today) is overdue


@pytest.mark.parametrize(
    "handed_on,late", [(None, False), (date(2026, 2, 14), False), (date(2026, 2, 15), True)]
)
def test_late_handover_stays_visible(handed_on, late):
    assert rules.was_late(due_on=DUE, handed_on=handed_on) is late


@pytest.mark.parametrize(
    "today,handed_on,soon",
    [
        (date(2026, 2, 6), None, False),  # 8 days ahead
        (date(2026, 2, 7), None, True),  # 7 days ahead
        (date(2026, 2, 14), None, True),
        (date(2026, 2, 15), None, False),  # overdue, not "soon"
        (date(2026, 2, 10), date(2026, 2, 9), False),
    ],
)
def test_due_soon_window(today, handed_on, soon):
    assert rules.is_due_soon(due_on=DUE, handed_on=handed_on, today=today, soon_days=7) is soon


@pytest.mark.parametrize(
    "status,today,state",
    [
        (rules.PENDING, date(2026, 2, 1), rules.TO_HAND_OVER),
        (rules.PENDING, date(2026, 2, 15), rules.OVERDUE),
        (rules.HANDED, date(2026, 2, 15), rules.AWAITING_RECEIPT),
        (rules.DONE, date(2026, 2, 15), rules.RECEIVED),
    ],
)
def test_step_state(status, today, state):
    handed = date(2026, 2, 1) if status != rules.PENDING else None
    assert rules.step_state(status=status, due_on=DUE, handed_on=handed, today=today) == state


def test_worst_state_of_a_file_is_shown_first():
    assert rules.worst_state([rules.RECEIVED, rules.AWAITING_RECEIPT, rules.OVERDUE]) == rules.OVERDUE
    assert rules.worst_state([rules.RECEIVED, rules.TO_HAND_OVER]) == rules.TO_HAND_OVER
    assert rules.worst_state([]) is None


def test_nobody_receives_what_they_handed_over_themselves():
    assert rules.receiver_problem(handed_by_id=7, receiver_id=7) == "same_person"
    assert rules.receiver_problem(handed_by_id=7, receiver_id=8) is None


# --- Contract data ----------------------------------------------------------------------------------
def _problems(**overrides):
    values = {
        "amount": Decimal("100.00"),
        "currency": "CNY",
        "currencies": ["CNY", "USD"],
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
        "signed_on": date(2025, 12, 20),
        "credit_limit_amount": None,
        "credit_term_days": None,
        "today": date(2026, 1, 5),
    }
    return rules.contract_problems(**{**values, **overrides})


@pytest.mark.parametrize(
    "overrides,expected",
    [
        ({}, {}),
        ({"ends_on": date(2025, 12, 31)}, {"ends_on": "ends_before_start"}),
        ({"ends_on": date(2026, 1, 1)}, {}),  # a one-day contract
        ({"amount": Decimal("-0.01")}, {"amount": "negative"}),
        ({"amount": Decimal("0")}, {}),  # a framework agreement may name no amount
        ({"amount": None}, {"amount": "required"}),
        ({"currency": "XYZ"}, {"currency": "unknown_currency"}),  # well-formed, not allowed by policy
        ({"currency": "usd"}, {"currency": "unknown_currency"}),
        ({"currency": ""}, {"currency": "unknown_currency"}),
        ({"currency": "USD"}, {}),
        ({"signed_on": date(2026, 1, 6)}, {"signed_on": "future"}),
        ({"credit_limit_amount": Decimal("-1")}, {"credit_limit_amount": "negative"}),
        ({"credit_term_days": -5}, {"credit_term_days": "negative"}),
        ({"starts_on": None, "ends_on": date(2020, 1, 1)}, {}),
    ],
)
def test_contract_data_problems(overrides, expected):
    assert _problems(**overrides) == expected


def test_contract_number_is_by_department_and_year():
    assert (
        rules.contract_number("HT-{dept}-{year}-{seq:04d}", dept="XS1", year=2026, seq=17)
        == "HT-XS1-2026-0017"
    )
    assert rules.contract_sequence_key("XS1", 2026) != rules.contract_sequence_key("XS2", 2026)
    assert rules.contract_sequence_key("XS1", 2026) != rules.contract_sequence_key("XS1", 2027)


# --- Statistics periods and due dates (001 客户信用档案建立与管理制度 4) ------------------------------------
@pytest.mark.parametrize(
    "part,bounds",
    [
        (rules.YEAR, (date(2026, 1, 1), date(2026, 12, 31))),
        (rules.H1, (date(2026, 1, 1), date(2026, 6, 30))),
        (rules.H2, (date(2026, 7, 1), date(2026, 12, 31))),
    ],
)
def test_period_bounds(part, bounds):
    assert rules.period_bounds(2026, part) == bounds


def test_unknown_period_is_refused():
    with pytest.raises(ValueError):
        rules.period_bounds(2026, "q3")


@pytest.mark.parametrize(
    "today,due,year,part",
    [
        (date(2026, 1, 1), date(2026, 1, 10), 2025, rules.YEAR),  # last year's report, before 10 January
        (date(2026, 1, 10), date(2026, 1, 10), 2025, rules.YEAR),
        (date(2026, 1, 11), date(2026, 7, 10), 2026, rules.H1),  # this half-year, before 10 July
        (date(2026, 7, 10), date(2026, 7, 10), 2026, rules.H1),
        (date(2026, 7, 11), date(2027, 1, 10), 2026, rules.YEAR),
        (date(2026, 12, 31), date(2027, 1, 10), 2026, rules.YEAR),
    ],
)
def test_next_statistics_report_due_before_10_january_and_10_july(today, due, year, part):
    assert rules.next_report_due(today, ["01-10", "07-10"]) == rules.ReportDue(due, year, part)


@pytest.mark.parametrize("text", ["1-10", "13-01", "02-30", "", "0110", "aa-bb"])
def test_bad_month_days_are_refused(text):
    with pytest.raises(ValueError):
        rules.parse_month_day(text)


def test_29_february_due_date_falls_on_28_february_in_common_years():
    assert rules.next_report_due(date(2027, 2, 1), ["02-29"]).due_on == date(2027, 2, 28)


# --- Statistics aggregation ------------------------------------------------------------------------
def _fact(
    pk, dept="销售一部", kind=rules.SALE, status=SIGNED, amount="100.00", currency="CNY", signed=(2026, 3, 1)
):
    return ContractFact(pk, dept, kind, status, Decimal(amount), currency, date(*signed) if signed else None)


def test_statistics_count_and_sum_the_contracts_signed_in_the_period_by_dimension():
    contracts = [
        _fact(1, amount="1000.00"),
        _fact(2, dept="销售二部", kind=rules.PURCHASE, status=COMPLETED, amount="250.50"),
        _fact(3, amount="300.00", currency="USD"),
        _fact(4, amount="99.00", signed=(2026, 7, 1)),  # second half: outside H1
        _fact(5, status=DRAFT, signed=None),  # a draft is no contract yet
        _fact(6, amount="10.00", signed=(2025, 12, 31)),  # signed last year
    ]
    stats = rules.contract_statistics(contracts, [], date(2026, 1, 1), date(2026, 6, 30))

    assert stats.total.count == 3
    assert stats.total.amounts == {"CNY": Decimal("1250.50"), "USD": Decimal("300.00")}  # never mixed
    by_dept = {g.key: (g.count, g.amounts) for g in stats.by_department}
    assert by_dept == {
        "销售一部": (2, {"CNY": Decimal("1000.00"), "USD": Decimal("300.00")}),
        "销售二部": (1, {"CNY": Decimal("250.50")}),
    }
    assert [(g.key, g.count) for g in stats.by_kind] == [(rules.SALE, 2), (rules.PURCHASE, 1)]
    assert [(g.key, g.count) for g in stats.by_status] == [(SIGNED, 2), (COMPLETED, 1)]
    assert stats.currencies == ["CNY", "USD"]  # CNY first


def test_statistics_movements_count_each_contract_once_per_procedure_in_the_period():
    contracts = [
        _fact(
            1, status=CHANGED, amount="1000.00", signed=(2025, 11, 1)
        ),  # signed before, changed twice in H1
        _fact(2, status=TERMINATED, amount="500.00", signed=(2026, 2, 1)),
        _fact(3, status=COMPLETED, amount="70.00", signed=(2026, 1, 5)),
    ]
    events = [
        EventFact(1, rules.CHANGE, date(2026, 2, 1)),
        EventFact(1, rules.CHANGE, date(2026, 5, 1)),
        EventFact(1, rules.CHANGE, date(2026, 8, 1)),  # outside
        EventFact(2, rules.TERMINATION, date(2026, 6, 30)),  # last day counts
        EventFact(3, rules.PERFORMANCE, date(2026, 7, 1)),  # first day of H2: outside
        EventFact(99, rules.CHANGE, date(2026, 3, 1)),  # a contract the user does not see
    ]
    stats = rules.contract_statistics(contracts, events, date(2026, 1, 1), date(2026, 6, 30))

    moves = {g.key: (g.count, g.amounts) for g in stats.movements}
    assert moves["new"] == (2, {"CNY": Decimal("570.00")})
    assert moves[rules.CHANGE] == (1, {"CNY": Decimal("1000.00")})
    assert moves[rules.TERMINATION] == (1, {"CNY": Decimal("500.00")})
    assert moves[rules.PERFORMANCE] == (0, {})
    # the contract signed last year is in the movements but not in the tables of new contracts
    assert stats.total.count == 2


def test_statistics_of_an_empty_period_are_zero():
    stats = rules.contract_statistics([], [], date(2026, 1, 1), date(2026, 12, 31))
    assert stats.total.count == 0
    assert stats.by_department == [] and stats.currencies == []
    assert [g.count for g in stats.movements] == [0, 0, 0, 0]

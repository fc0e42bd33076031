"""The retention rules, table by table, each citing where it comes from."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.retention import rules

TODAY = date(2026, 12, 6)


@pytest.mark.parametrize(
    ("until", "ok"),
    [
        (None, True),  # until lifted
        (date(2026, 12, 6), True),  # today included
        (date(2027, 1, 1), True),
        (date(2026, 12, 5), False),  # in the past: protects nothing
    ],
)
def test_hold_until_not_in_the_past(until, ok):
    """SPEC §8: papers of unsettled debts are not destroyed; a hold that already ended protects nothing."""
    assert rules.hold_until_ok(until, TODAY) is ok


@pytest.mark.parametrize(
    ("until", "lifted", "active"),
    [
        (None, False, True),
        (date(2026, 12, 6), False, True),
        (date(2026, 12, 5), False, False),
        (None, True, False),
        (date(2027, 1, 1), True, False),
    ],
)
def test_hold_is_active(until, lifted, active):
    assert rules.hold_is_active(until=until, lifted=lifted, today=TODAY) is active


@pytest.mark.parametrize(
    ("passed_on", "kept_until", "destroyed", "due"),
    [
        (None, None, False, False),  # permanent or clock not started (001 档案管理制度及流程2 2.1.4)
        (date(2026, 12, 7), None, False, False),  # not passed yet
        (date(2026, 12, 6), None, False, True),  # passes today
        (date(2020, 1, 1), date(2030, 1, 1), False, False),  # kept for a new period
        (date(2020, 1, 1), date(2026, 12, 5), False, True),  # the new period ran out
        (date(2020, 1, 1), None, True, False),  # already destroyed
    ],
)
def test_appraisal_due(passed_on, kept_until, destroyed, due):
    """001 公司档案管理流程范本 四: appraise (鉴定) once the retention passed (001 档案管理制度及流程2
    2.1.4)."""
    assert (
        rules.appraisal_due(
            earliest_disposal_on=passed_on, kept_until=kept_until, destroyed=destroyed, today=TODAY
        )
        is due
    )


@pytest.mark.parametrize(("keep_until", "ok"), [(None, False), (TODAY, False), (date(2026, 12, 7), True)])
def test_keep_needs_a_later_date(keep_until, ok):
    assert rules.keep_until_ok(keep_until, TODAY) is ok


@pytest.mark.parametrize(
    ("witness", "signed", "problem"),
    [
        (1, [], rules.WITNESS_IS_REQUESTER),  # the requester (id 1) never witnesses
        (2, [], None),
        (2, [2], rules.ALREADY_WITNESSED),
        (3, [2], None),
    ],
)
def test_witness_problem(witness, signed, problem):
    assert rules.witness_problem(witness_id=witness, requester_id=1, signed_ids=signed) == problem


@pytest.mark.parametrize(
    ("signed", "enough"),
    [([], False), ([2], False), ([2, 2], False), ([1, 2], False), ([2, 3], True), ([2, 3, 4], True)],
)
def test_two_distinct_witnesses_other_than_the_requester(signed, enough):
    assert rules.enough_witnesses(requester_id=1, signed_ids=signed, required=2) is enough


@given(
    erasing=st.sets(st.sampled_from("abcdef")),
    needed=st.sets(st.sampled_from("abcdef")),
)
def test_a_stored_object_still_needed_is_never_erased(erasing, needed):
    out = rules.blobs_to_erase(erasing, needed)
    assert out <= erasing
    assert not (out & needed)
    assert out | (erasing & needed) == erasing


@pytest.mark.parametrize(
    ("current", "new", "ok"),
    [
        (rules.PENDING, rules.APPROVED, True),
        (rules.PENDING, rules.DESTROYED, False),  # never without the GM (000 客户信息管理办法 三.8)
        (rules.APPROVED, rules.DESTROYED, True),
        (rules.REJECTED, rules.APPROVED, False),
        (rules.DESTROYED, rules.APPROVED, False),
    ],
)
def test_disposal_transitions(current, new, ok):
    assert rules.may_move(current, new) is ok


def test_disposal_number():
    assert rules.disposal_number(2026, 7) == "XH-2026-0007"

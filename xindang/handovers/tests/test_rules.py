"""Seed 001 公司客户信息管理办法 五 and 客户情况调查表交接记录: who signs the handover list, who may sign
for whom, and when access ends."""

import pytest

from xindang.handovers import rules

PARTIES = rules.Parties(leaver_id=1, successor_ids=frozenset({2, 3}), manager_id=4)


def test_lines_are_leaver_each_successor_and_manager():
    assert rules.required_lines(PARTIES) == [
        (rules.LEAVER, 1), (rules.SUCCESSOR, 2), (rules.SUCCESSOR, 3), (rules.MANAGER, 4)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("line", "signer", "actor", "signer_active", "may_record", "problem"),
    [
        (rules.LEAVER, 1, 1, True, False, None),  # signs own line
        (rules.SUCCESSOR, 2, 2, True, False, None),
        (rules.MANAGER, 4, 4, True, False, None),
        (rules.SUCCESSOR, 2, 1, True, False, "not_a_party"),  # the leaver signing for the successor
        (rules.SUCCESSOR, 1, 1, True, False, "not_a_party"),  # the leaver on the successor's line
        (rules.MANAGER, 4, 2, True, True, "not_a_party"),  # the administrator cannot sign for the manager
        (rules.LEAVER, 1, 9, False, True, None),  # access ended: the administrator records it
        (rules.LEAVER, 1, 9, True, True, "not_a_party"),  # still active: signs themself
        (rules.LEAVER, 1, 9, False, False, "not_a_party"),  # only the administrator records
        (rules.MANAGER, 5, 5, True, False, "not_a_party"),  # not the named manager
    ],
)
def test_each_party_signs_for_themself(line, signer, actor, signer_active, may_record, problem):
    assert (
        rules.signing_problem(
            line=line, signer_id=signer, actor_id=actor, parties=PARTIES,
            signer_active=signer_active, actor_may_record=may_record,
        )
        == problem
    )  # fmt: skip


@pytest.mark.parametrize(("reason", "ends"), [(rules.DEPARTURE, True), (rules.JOB_CHANGE, False)])
def test_departure_ends_access_job_change_does_not(reason, ends):
    assert rules.ends_access(reason) is ends


def test_complete_only_with_every_line():
    signed = {(rules.LEAVER, 1), (rules.SUCCESSOR, 2), (rules.MANAGER, 4)}
    assert not rules.is_complete(PARTIES, signed)
    assert rules.is_complete(PARTIES, signed | {(rules.SUCCESSOR, 3)})

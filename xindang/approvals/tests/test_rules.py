"""Who may sign a step (rules.signer_problem), chains, overdue — pure functions, table-driven, with
properties over any combination of signer, requester, roles and earlier signers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.approvals import rules

R = rules.SignerCheck


@pytest.mark.parametrize(
    "check, expected",
    [
        # 第十九/二十六条: the requester never signs their own request, whatever roles they hold
        (R(1, frozenset({"cfo"}), 1, "cfo", ()), rules.SELF_APPROVAL),
        (R(1, frozenset({"cfo"}), 1, "cfo", (), True), rules.SELF_APPROVAL),
        # the chain names roles: the signer must hold the step's role
        (R(2, frozenset({"vp_marketing"}), 1, "cfo", ()), rules.WRONG_ROLE),
        (R(2, frozenset(), 1, "cfo", ()), rules.WRONG_ROLE),
        # a different person per step by default; the policy may allow one person two steps
        (R(2, frozenset({"cfo", "general_manager"}), 1, "general_manager", (2,)), rules.SAME_PERSON),
        (R(2, frozenset({"cfo", "general_manager"}), 1, "general_manager", (2,), True), None),
        (R(2, frozenset({"cfo"}), 1, "cfo", (3, 4)), None),
    ],
)
def test_signer_problem(check, expected):
    assert rules.signer_problem(check) == expected


ROLES = ["marketing_manager", "vp_marketing", "cfo", "general_manager", "chairman"]


@given(
    user=st.integers(1, 5),
    requester=st.integers(1, 5),
    roles=st.frozensets(st.sampled_from(ROLES)),
    step_role=st.sampled_from(ROLES),
    earlier=st.lists(st.integers(1, 5), max_size=4).map(tuple),
    same=st.booleans(),
)
def test_a_signer_passes_only_if_not_requester_holds_the_role_and_is_new_unless_allowed(
    user, requester, roles, step_role, earlier, same
):
    ok = rules.signer_problem(R(user, roles, requester, step_role, earlier, same)) is None
    assert ok == (user != requester and step_role in roles and (same or user not in earlier))


@pytest.mark.parametrize(
    "chain, expected",
    [
        ([], "approval.empty_chain"),
        (["cfo"], None),
        (ROLES, None),
        (["cfo", "nobody"], "approval.unknown_role"),
        (["cfo"] * 11, "approval.chain_too_long"),
    ],
)
def test_chain_problem(chain, expected):
    assert rules.chain_problem(chain, set(ROLES)) == expected


@pytest.mark.parametrize(
    "waited, days, overdue", [(0, 3, False), (3, 3, False), (4, 3, True), (30, 30, False)]
)
def test_overdue_after_the_reminder_days(waited, days, overdue):
    assert rules.is_overdue(waiting_days=waited, reminder_days=days) is overdue


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        # a step named for a person (a handover's successor, 001 公司客户信息管理办法 五): they sign it
        # without holding the role …
        (R(5, frozenset(), 1, "cfo", (), assignee_id=5), None),
        # … and no holder of the role pre-empts it
        (R(6, frozenset({"cfo"}), 1, "cfo", (), assignee_id=5), rules.NOT_ASSIGNEE),
        # the requester is never named to sign, four eyes still hold
        (R(1, frozenset(), 1, "cfo", (), assignee_id=1), rules.SELF_APPROVAL),
        (R(5, frozenset(), 1, "cfo", (5,), assignee_id=5), rules.SAME_PERSON),
        (R(5, frozenset(), 1, "cfo", (5,), True, assignee_id=5), None),
    ],
)
def test_signer_problem_of_a_named_step(check, expected):
    assert rules.signer_problem(check) == expected

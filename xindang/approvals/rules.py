"""The approval engine's rules as pure functions (no Django): who may sign the current step.

Sources: seed 002 第十九条 (ratings reviewed by several people), 第二十六/二十七/三十条 (grants signed
in turn by marketing manager → VP marketing → CFO → GM, chairman above an amount): each signature is
a different person's control, so by default one person signs one step; the requester never signs.
"""

from dataclasses import dataclass

SELF_APPROVAL = "approval.self_approval"
WRONG_ROLE = "approval.wrong_role"
SAME_PERSON = "approval.same_person"
NOT_ASSIGNEE = "approval.not_assignee"
NOT_PENDING = "approval.already_decided"
OUT_OF_ORDER = "approval.already_decided"


@dataclass(frozen=True)
class SignerCheck:
    user_id: int
    user_roles: frozenset[str]
    requester_id: int
    step_role: str
    earlier_signer_ids: tuple[int, ...]  # who signed the earlier steps of this round
    same_person_may_sign_multiple_steps: bool = False
    assignee_id: int | None = None  # a named signer of the step (a handover's successor), or None


def signer_problem(check: SignerCheck) -> str | None:
    """The code of the first reason `user` may not sign the step, or None.

    - The requester never approves their own request (separation of duties, 第十九/二十六条).
    - The signer must hold the step's role (the chain names roles, not people) — unless the step names
      a person (assignee: the successor a handover passed the leaver's step to, 001 公司客户信息管理办法
      五): then that person signs it, holding the role or not, and no holder of the role pre-empts it.
    - By default each step is signed by a different person; the policy may let one person who holds
      two roles of the chain sign both, each signature recorded as its own step.
    """
    if check.user_id == check.requester_id:
        return SELF_APPROVAL
    if check.assignee_id is not None:
        if check.user_id != check.assignee_id:
            return NOT_ASSIGNEE
    elif check.step_role not in check.user_roles:
        return WRONG_ROLE
    if not check.same_person_may_sign_multiple_steps and check.user_id in check.earlier_signer_ids:
        return SAME_PERSON
    return None


def chain_problem(chain: list[str], known_roles: set[str]) -> str | None:
    """A chain needs at least one step, at most 10, and only known role codes."""
    if not chain:
        return "approval.empty_chain"
    if len(chain) > 10:
        return "approval.chain_too_long"
    if any(role not in known_roles for role in chain):
        return "approval.unknown_role"
    return None


def is_overdue(*, waiting_days: int, reminder_days: int) -> bool:
    """A pending step is overdue once it has waited longer than the policy's reminder days."""
    return waiting_days > reminder_days

"""The handover rules (seed 001 公司客户信息管理办法 五; the 客户情况调查表交接记录 of 001
客户档案建立与维护方案). Pure functions: no Django."""

from dataclasses import dataclass

DEPARTURE = "departure"
JOB_CHANGE = "job_change"
REASONS = (DEPARTURE, JOB_CHANGE)

CUSTOMER = "customer"
CONTRACT = "contract"
DUTY = "duty"
REQUEST = "request"
APPROVAL = "approval"
LOAN = "loan"
CATEGORIES = (CUSTOMER, CONTRACT, DUTY, REQUEST, APPROVAL, LOAN)

HANDED = "handed"
MISSING = "missing"
ROLE_HOLDERS = "role_holders"
OUTCOMES = (HANDED, MISSING, ROLE_HOLDERS)

LEAVER = "leaver"
SUCCESSOR = "successor"
MANAGER = "manager"
LINES = (LEAVER, SUCCESSOR, MANAGER)

# Contracts still being negotiated, signed or performed have a handler (承办人) who answers for them;
# finished ones keep the handler who finished them (001 合同档案: the handler hands the file over).
OPEN_CONTRACT_STATUSES = ("draft", "signed", "in_performance", "changed")


def ends_access(reason: str) -> bool:
    """Seed 001 公司客户信息管理办法 五: an employee who leaves (调离公司) takes no customer data; access ends
    with the handover. A job change keeps the account (its roles are changed separately)."""
    return reason == DEPARTURE


@dataclass(frozen=True)
class Parties:
    leaver_id: int
    successor_ids: frozenset
    manager_id: int


def required_lines(parties: Parties) -> list[tuple[str, int]]:
    """The sign-off lines of the list (001 客户情况调查表交接记录: handed over by, received by, checked by):
    the leaver, every successor who received something, and the manager."""
    return [
        (LEAVER, parties.leaver_id),
        *[(SUCCESSOR, sid) for sid in sorted(parties.successor_ids)],
        (MANAGER, parties.manager_id),
    ]


def signing_problem(
    *, line: str, signer_id: int, actor_id: int, parties: Parties, signer_active: bool, actor_may_record: bool
) -> str | None:
    """Each party signs their own line (nobody signs for another: the leaver cannot sign for the
    successor). One exception: the leaver whose access has ended signs the printed list and the
    administrator records that signature."""
    if (line, signer_id) not in required_lines(parties):
        return "not_a_party"
    if actor_id == signer_id:
        return None
    if line == LEAVER and not signer_active and actor_may_record:
        return None
    return "not_a_party"


def is_complete(parties: Parties, signed: set[tuple[str, int]]) -> bool:
    return all(line in signed for line in required_lines(parties))

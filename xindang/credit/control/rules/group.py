"""Related parties (关联客户): the group's total, a step after the check's decision.

XinDang's addition, not asked by the regulation (nearest seed text: the credit report's 关联企业及
关联方交易情况, 001 客户信用档案建立与管理制度 2(7)): a policy switch, off by default, makes the
check warn or block when the related customers' exposure together would pass their limits together.
Its codes and article live here; the package's ARTICLES and WARNINGS merge them with the check's.
"""

from dataclasses import replace
from decimal import Decimal

from .decision import ALLOW, BLOCK, RAISING_KINDS, WARN, Decision, Reason

GROUP_OFF, GROUP_WARN, GROUP_BLOCK = "off", "warn", "block"
GROUP_MODES = (GROUP_OFF, GROUP_WARN, GROUP_BLOCK)
GROUP_OVER_LIMIT = "group_over_limit"  # block mode: a violation no over-limit approval lifts
GROUP_OVER_LIMIT_WARNING = "group_over_limit_warning"  # warn mode
GROUP_ARTICLE = "XinDang (beyond the regulation; cf. 001 客户信用档案建立与管理制度 2(7))"
ARTICLES = {GROUP_OVER_LIMIT: GROUP_ARTICLE, GROUP_OVER_LIMIT_WARNING: GROUP_ARTICLE}
WARNINGS = frozenset({GROUP_OVER_LIMIT_WARNING})


def group_check(
    decision: Decision,
    *,
    mode: str,
    kind: str,
    members: int,
    group_exposure: Decimal,
    group_limit: Decimal,
) -> Decision:
    """The decision with the group's step applied. `group_exposure` is the members' exposure together
    (the asking customer's as the check read it), `group_limit` their limits in force together.
    Nothing changes when the mode is off, the customer has no related customers, the amount does not
    raise the exposure, no member has a limit, or the group stays within its limits. Warn mode turns
    an allow into a warning; block mode turns a passing answer into a block (and not approvable: the
    over-limit approval of 第三十二条 is for one customer's limit). A refused answer keeps its outcome
    and only gains the reason."""
    if mode == GROUP_OFF or members < 2 or kind not in RAISING_KINDS or group_limit <= 0:
        return decision
    after = group_exposure + decision.amount
    if after <= group_limit:
        return decision
    code = GROUP_OVER_LIMIT if mode == GROUP_BLOCK else GROUP_OVER_LIMIT_WARNING
    found = Reason(
        code,
        ARTICLES[code],
        {
            "members": members,
            "exposure": str(group_exposure),
            "amount": str(decision.amount),
            "limit": str(group_limit),
            "overage": str(after - group_limit),
        },
        severity="warning" if code in WARNINGS else "violation",
    )
    outcome = decision.outcome
    if mode == GROUP_BLOCK and decision.passes:
        outcome = BLOCK
    elif mode == GROUP_WARN and outcome == ALLOW:
        outcome = WARN
    approvable = decision.approvable and outcome != BLOCK
    return replace(decision, outcome=outcome, reasons=(*decision.reasons, found), approvable=approvable)

"""The credit check's group step (关联客户; XinDang's addition, beyond the regulation): with the
policy's group_check on "warn" or "block", the related customers' exposure together is set against
their limits in force together (rules.group_check). Run after the rules, outside the check's one
hand-written statement, and only when the switch is not "off" — so an "off" check reads nothing more.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from xindang.credit.grants import selectors as grant_selectors
from xindang.credit.grants.models import CreditGrant
from xindang.customers.relations import related_group
from xindang.ledger import selectors as ledger_selectors

from .. import rules
from ..texts import reasons_out

ZERO = Decimal("0")


@dataclass
class GroupFigures:
    """A customer's related group with each member's exposure and limit in force, and the totals."""

    customer_id: int
    member_ids: list[int] = field(default_factory=list)
    exposures: dict[int, Decimal] = field(default_factory=dict)
    limits: dict[int, Decimal | None] = field(default_factory=dict)
    truncated: bool = False
    group: object = None

    @property
    def total_exposure(self) -> Decimal:
        return sum(self.exposures.values(), ZERO)

    @property
    def total_limit(self) -> Decimal:
        return sum((v for v in self.limits.values() if v is not None), ZERO)


def group_figures(customer, *, on: date, own_exposure: Decimal | None = None) -> GroupFigures:
    """The group of `customer` (customers.relations) with exposures (ledger: committed — open items
    and held reservations, what a check counts) and limits in force (grants, reduction schedule
    followed). Four queries per walk step plus two: fast for any number of files (indexed keys)."""

    group = related_group(customer)
    ids = group.member_ids
    rows = ledger_selectors.exposures_for(ids)
    exposures = {cid: rows[cid].committed_amount for cid in ids}
    if own_exposure is not None:
        exposures[group.customer_id] = own_exposure
    return GroupFigures(
        customer_id=group.customer_id,
        member_ids=ids,
        exposures=exposures,
        limits=limits_in_force_for(ids, on),
        truncated=group.truncated,
        group=group,
    )


def limits_in_force_for(customer_ids, on: date) -> dict:
    """Customer id → the limit in force on `on` of its grant in force (reduction schedule followed),
    None without one; one query."""
    ids = list(customer_ids)
    grants = {g.pk: cid for cid, g in grant_selectors.active_grants_for(ids, on).items()}
    out = dict.fromkeys(ids)
    rows = CreditGrant.objects.filter(pk__in=list(grants)).annotate(
        limit_of_day=grant_selectors.limit_in_force_expression(on)
    )
    for pk, limit in rows.values_list("pk", "limit_of_day"):
        out[grants[pk]] = limit
    return out


def apply_group_step(ask, decision, result, section, *, on):
    """(decision, result) after the group step; the caller runs it only when the mode is not off."""
    figures = group_figures(ask.customer, on=on, own_exposure=decision.exposure_amount)
    checked = rules.group_check(
        decision,
        mode=section.group_check,
        kind=ask.kind,
        members=len(figures.member_ids),
        group_exposure=figures.total_exposure,
        group_limit=figures.total_limit,
    )
    result.extra["group"] = {
        "members": figures.member_ids,
        "exposure": figures.total_exposure,
        "limit": figures.total_limit,
    }
    if checked is decision:
        return decision, result
    result.outcome = checked.outcome
    result.reasons = reasons_out(checked.reasons)
    result.approvable = checked.approvable
    return checked, result

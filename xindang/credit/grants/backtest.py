"""Back-testing a draft policy: every customer rated and given a ceiling under the
version in force and under the draft, side by side. Reads only: nothing changes until the draft is
put in force.

Per customer: the grade each policy's rules compute (credit.rules.rate_with over the same facts
gathered with each policy), the ceiling of the customer's current grant kind (long-term when it has
none) from each policy's grants section, the active limit and the exposure. A customer is
- "grade changed" when the two computed grades differ;
- "below limit" when the draft's ceiling is below its active limit (or the draft allows nothing);
- "blocked" when it has an active limit or an exposure and the draft allows it no credit, or its
  exposure is above the draft's ceiling; "newly blocked" when it would not be under the version in
  force;
- "ceiling raised" / "ceiling lowered" when the draft's ceiling (with the active limit as the
  existing limit of 002 第二十六条2、第二十七条) is above / below the one in force
(the table lists grade changes, ceiling changes, limits above the new ceiling and the newly blocked).
"""

import time
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from xindang.credit import rules as credit_rules
from xindang.credit.selectors import rating_facts_bulk
from xindang.customers.models import Customer
from xindang.ledger.facts import ledger_facts_bulk
from xindang.policy.selectors import build_policy, current_policy

from . import rules, selectors
from .models import Collateral

ZERO = Decimal("0")


@dataclass
class Row:
    customer_id: int
    name: str
    file_no: str
    department: str
    grade_old: str
    grade_new: str
    limit_amount: Decimal | None
    ceiling_old: Decimal | None
    ceiling_new: Decimal | None
    exposure: Decimal
    grade_changed: bool = False
    ceiling_changed: bool = False
    below_limit: bool = False
    blocked: bool = False
    newly_blocked: bool = False


@dataclass
class Result:
    draft_number: int
    in_force_number: int
    on: date
    customers: int = 0
    grade_changed: int = 0
    below_limit: int = 0
    blocked: int = 0
    newly_blocked: int = 0
    ceiling_raised: int = 0
    ceiling_lowered: int = 0
    transitions: dict = field(default_factory=dict)  # (old, new) -> count
    rows: list = field(default_factory=list)  # only customers with a change
    seconds: float = 0.0
    computed_at: object = None


# The policy values credit.selectors.rating_facts_bulk reads while gathering the facts (the rest of
# the credit section is read by the rules only): documents (completeness), credit.key_data_fields and
# credit.new_customer_months (credit.rules.merge_facts). A draft equal in these reuses the facts.
FACT_INPUTS = ("key_data_fields", "new_customer_months")


def _facts(ids, *, on, policy) -> dict:
    return rating_facts_bulk(ids, on=on, policy=policy)


def _rate(facts: dict, policy) -> dict[int, str]:
    scheme = policy.credit.scheme
    return {cid: credit_rules.rate_with(scheme, f, policy.credit).grade for cid, f in facts.items()}


def _same_fact_inputs(old, new) -> bool:
    return old.documents == new.documents and all(
        getattr(old.credit, name) == getattr(new.credit, name) for name in FACT_INPUTS
    )


def _ledger(ids, *, on, window_months):
    return ledger_facts_bulk(ids, on=on, window_months=window_months)


def _ceiling(grade, policy, kind, ledger, collateral, existing=None) -> rules.Ceiling:
    scheme = rules.JYB if policy.credit.scheme == rules.JYB else rules.ABC
    return rules.grant_ceiling(
        grade,
        scheme,
        kind,
        ledger.has_credit_history if ledger else False,
        ledger.avg_monthly_shipments if ledger else ZERO,
        ledger.avg_monthly_collections if ledger else ZERO,
        collateral,
        existing,
        policy.grants,
    )


CACHE_SECONDS = 600


def cached_backtest(draft, *, fresh: bool = False) -> tuple[Result, bool]:
    """run_backtest() kept for CACHE_SECONDS per draft state, version in force and day, so paging and
    the export do not recompute (10,000 customers take seconds). Returns (result, computed now)."""

    in_force = current_policy().version
    key = f"grants.backtest:{draft.pk}:{draft.updated_at.timestamp()}:{in_force}:{timezone.localdate()}"
    result = None if fresh else cache.get(key)
    if result is not None:
        return result, False
    result = run_backtest(draft)
    cache.set(key, result, CACHE_SECONDS)
    return result, True


def run_backtest(draft, *, on: date | None = None, customer_ids=None) -> Result:
    """Compare the draft PolicyVersion `draft` with the version in force for every customer (or
    `customer_ids`). Reads only."""
    started = time.monotonic()
    on = on or timezone.localdate()
    old = current_policy()
    new = build_policy(draft.data, version=draft.number, version_id=draft.pk)
    customers = Customer.objects.order_by("pk")
    if customer_ids is not None:
        customers = customers.filter(pk__in=list(customer_ids))
    info = {
        pk: (name, file_no, dept or "")
        for pk, name, file_no, dept in customers.values_list("pk", "name", "file_no", "department__name")
    }
    ids = list(info)
    result = Result(
        draft_number=draft.number,
        in_force_number=old.version,
        on=on,
        customers=len(ids),
        computed_at=timezone.now(),
    )
    if not ids:
        result.seconds = time.monotonic() - started
        return result
    facts_old = _facts(ids, on=on, policy=old)
    grades_old = _rate(facts_old, old)
    # Gathering the facts is the cost (about 5 s per 10,000 customers on SQLite); rating is cheap.
    # A draft that changes only the grant rules keeps every grade; one that changes the rating
    # thresholds but not what the facts are gathered with is rated over the same facts.
    if {k: v for k, v in old.sections.items() if k != "grants"} == {
        k: v for k, v in new.sections.items() if k != "grants"
    }:
        grades_new = grades_old
    elif _same_fact_inputs(old, new):
        grades_new = _rate(facts_old, new)
    else:
        grades_new = _rate(_facts(ids, on=on, policy=new), new)
    ledger_old = _ledger(ids, on=on, window_months=old.grants.window_months)
    ledger_new = (
        ledger_old
        if new.grants.window_months == old.grants.window_months
        else _ledger(ids, on=on, window_months=new.grants.window_months)
    )
    grants = selectors.active_grants_for(ids, on)
    collateral = dict(
        Collateral.objects.filter(grant_id__in=[g.pk for g in grants.values()])
        .values("grant__customer_id")
        .annotate(total=Sum("value_amount"))
        .values_list("grant__customer_id", "total")
    )
    exposures = selectors.exposures_for(ids)
    for cid in ids:
        grant = grants.get(cid)
        kind = grant.kind if grant else rules.LONG_TERM
        value = collateral.get(cid) or ZERO
        g_old, g_new = grades_old.get(cid, ""), grades_new.get(cid, "")
        limit = grant.limit_amount if grant else None
        # The ceilings the customer's limit is checked against (below_limit, blocked): the rules' own
        # standard; the ceilings shown and compared also hold the active limit as the existing one
        # (第二十六条2: a departure that lets an increase above it shows as a raised ceiling).
        c_old = _ceiling(g_old, old, kind, ledger_old.get(cid), value)
        c_new = _ceiling(g_new, new, kind, ledger_new.get(cid), value)
        shown_old = _ceiling(g_old, old, kind, ledger_old.get(cid), value, limit)
        shown_new = _ceiling(g_new, new, kind, ledger_new.get(cid), value, limit)
        exposure = exposures.get(cid, ZERO) or ZERO
        amount_old = c_old.amount if c_old.allowed else ZERO
        amount_new = c_new.amount if c_new.allowed else ZERO
        owes = limit is not None or exposure > ZERO
        blocked_old = owes and (not c_old.allowed or exposure > amount_old)
        row = Row(
            customer_id=cid,
            name=info[cid][0],
            file_no=info[cid][1],
            department=info[cid][2],
            grade_old=g_old,
            grade_new=g_new,
            limit_amount=limit,
            ceiling_old=shown_old.amount if shown_old.allowed else None,
            ceiling_new=shown_new.amount if shown_new.allowed else None,
            exposure=exposure,
            grade_changed=g_old != g_new,
            below_limit=limit is not None and amount_new < limit,
            blocked=owes and (not c_new.allowed or exposure > amount_new),
        )
        row.newly_blocked = row.blocked and not blocked_old
        shown = (shown_old.amount or ZERO, shown_new.amount or ZERO)
        row.ceiling_changed = shown[0] != shown[1]
        result.ceiling_raised += shown[1] > shown[0]
        result.ceiling_lowered += shown[1] < shown[0]
        if row.grade_changed:
            result.grade_changed += 1
            key = (g_old or "—", g_new or "—")
            result.transitions[key] = result.transitions.get(key, 0) + 1
        result.below_limit += row.below_limit
        result.blocked += row.blocked
        result.newly_blocked += row.newly_blocked
        # Listed: what the draft changes (a customer blocked under both versions is no news).
        if row.grade_changed or row.ceiling_changed or row.below_limit or row.newly_blocked:
            result.rows.append(row)
    result.seconds = time.monotonic() - started
    return result

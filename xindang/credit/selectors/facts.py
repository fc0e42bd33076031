"""Gathering the rating facts for one customer or many in a few queries: the investigation, the trade
ledger, the documents' completeness and the file's key data (which source wins is rules.merge_facts)."""

from __future__ import annotations

import dataclasses
from datetime import date

from django.utils import timezone

from xindang.customers.models import Customer
from xindang.documents import rules as doc_rules
from xindang.documents.models import Document
from xindang.ledger.facts import ledger_facts_bulk
from xindang.ledger.selectors import exposures_for
from xindang.policy.selectors import current_policy

from .. import rules
from ..models import Investigation, InvestigationStatus
from .records import credit_policy


# --- Rating facts ----------------------------------------------------------------------------------
def _ledger_facts_bulk(ids, on, window_months):
    return ledger_facts_bulk(ids, on=on, window_months=window_months)


def _receivables_bulk(ids) -> dict:
    out = {}
    for cid, exp in exposures_for(ids).items():
        out[cid] = (
            (exp.open_shipments_amount or 0) + (exp.open_invoices_amount or 0) + (exp.notes_amount or 0)
        )
    return out


def docs_complete_bulk(customers, policy) -> dict[int, bool]:
    present: dict[int, set] = {}
    rows = (
        Document.objects.filter(customer_id__in=[c.pk for c in customers], version_count__gt=0)
        .values_list("customer_id", "category__code")
        .distinct()
    )
    for cid, code in rows:
        present.setdefault(cid, set()).add(code)
    docs = policy.documents
    return {
        c.pk: not doc_rules.missing_categories(docs.required_for(c.stage), present.get(c.pk, set()))
        for c in customers
    }


def key_data_missing(customer, section) -> list[str]:
    return [name for name in section.key_data_fields if getattr(customer, name, None) in (None, "")]


def _latest_valid_bulk(ids, on) -> dict[int, Investigation]:
    out: dict[int, Investigation] = {}
    qs = (
        Investigation.objects.filter(
            customer_id__in=ids,
            status=InvestigationStatus.REVIEWED,
            investigated_on__lte=on,
            valid_until__gte=on,
        )
        .select_related("signed_by", "created_by")
        .prefetch_related("years")
        .order_by("customer_id", "-investigated_on", "-id")
    )
    for inv in qs:
        out.setdefault(inv.customer_id, inv)
    return out


def rating_facts_bulk(customer_ids, *, on: date | None = None, policy=None) -> dict[int, rules.RatingFacts]:
    """customer id → RatingFacts in a handful of queries (rerate and the policy back-test)."""

    on = on or timezone.localdate()
    policy = policy or current_policy()
    section = policy.credit
    ids = list(customer_ids)
    out: dict[int, rules.RatingFacts] = {}
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        customers = list(Customer.objects.filter(pk__in=chunk))
        invs = _latest_valid_bulk(chunk, on)
        ledger = _ledger_facts_bulk(chunk, on, 12)
        receivables = _receivables_bulk(chunk)
        docs = docs_complete_bulk(customers, policy)
        for c in customers:
            inv = invs.get(c.pk)
            # which source wins is a rule (rules.merge_facts); here only the reading
            out[c.pk] = rules.merge_facts(
                inv,
                ledger.get(c.pk),
                years=tuple(y.figures() for y in inv.years.all()) if inv else (),
                customer_founded_on=c.founded_on,
                key_data_missing=key_data_missing(c, section),
                docs_complete=docs.get(c.pk, False),
                receivables=receivables.get(c.pk, 0),
                on=on,
                section=section,
                investigation_id=inv.pk if inv else None,
                investigator=str(inv.signed_by or inv.created_by) if inv else "",
            )
        if policy.relations.visit_findings_are_rating_facts:
            # A departure (relations policy): a service visit's finding of worsening operations is a
            # C fact (002 第十六条(5)); off by default, the finding is then evidence only.
            from xindang.relations.evidence import operations_worsening_ids

            for cid in operations_worsening_ids(chunk, on=on, policy=policy):
                if cid in out:
                    out[cid] = dataclasses.replace(out[cid], visit_operations_worsening=True)
    return out


def rating_facts(customer, *, on: date | None = None, policy=None) -> rules.RatingFacts:
    cid = getattr(customer, "pk", customer)
    return rating_facts_bulk([cid], on=on, policy=policy)[cid]


def compute_rating(customer, *, on: date | None = None, policy=None) -> rules.RatingResult:
    policy = policy or current_policy()
    facts = rating_facts(customer, on=on, policy=policy)
    return rules.rate_with(policy.credit.scheme, facts, policy.credit)


def investigation_contradictions(
    inv: Investigation, *, policy=None, on: date | None = None
) -> list[rules.Reason]:
    """The contradictions the system can see in one investigation (002 第十一条(1))."""
    section = credit_policy(policy)
    on = on or inv.investigated_on
    ledger = _ledger_facts_bulk([inv.customer_id], on, 12).get(inv.customer_id)
    findings = rules.Findings(**{name: getattr(inv, name) for name in rules.Findings.__dataclass_fields__})
    return rules.contradictions(
        findings,
        [y.figures() for y in inv.years.all()],
        section,
        ledger_bad_debt=bool(ledger and ledger.bad_debt_within_2y),
        ledger_broken_promises=ledger.broken_promises_2y if ledger else None,
        employee_count=inv.employee_count,
        rating_year=on.year,
    )

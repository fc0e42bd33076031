"""Reading investigations and ratings; gathering the rating facts (investigation + trade ledger +
document completeness + the file's key data) for one customer or many in a few queries."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core import dates
from xindang.core.workbench import WorkItem
from xindang.customers.choices import Status as CustomerStatus
from xindang.customers.models import Customer
from xindang.customers.permissions import CustomerPermission
from xindang.customers.selectors import visible_customers
from xindang.documents import rules as doc_rules
from xindang.documents.models import Document
from xindang.ledger.facts import ledger_facts_bulk
from xindang.ledger.selectors import exposures_for
from xindang.policy.selectors import current_policy

from . import rules
from .models import (
    OPEN_RATING_STATUSES,
    Investigation,
    InvestigationStatus,
    Rating,
    RatingStatus,
)
from .permissions import CreditPermission

MISSING, EXPIRED, VALID = "missing", "expired", "valid"


def credit_policy(policy=None):
    if policy is None:
        policy = current_policy()
    return policy.credit


# --- Ratings ---------------------------------------------------------------------------------------
def current_rating(customer) -> Rating | None:
    """The rating in force: approved, latest effective."""
    cid = getattr(customer, "pk", customer)
    return (
        Rating.objects.filter(customer_id=cid, status=RatingStatus.APPROVED)
        .order_by("-effective_at", "-id")
        .first()
    )


def current_grades(customer_ids) -> dict[int, str]:
    """customer id → grade in force, for those that have one (one query)."""
    ids = list(customer_ids)
    out: dict[int, str] = {}
    rows = (
        Rating.objects.filter(customer_id__in=ids, status=RatingStatus.APPROVED)
        .order_by("customer_id", "-effective_at", "-id")
        .values_list("customer_id", "grade")
    )
    for cid, grade in rows:
        out.setdefault(cid, grade)
    return out


def ratings_of(customer) -> QuerySet[Rating]:
    return (
        Rating.objects.filter(customer=customer)
        .select_related("proposed_by", "investigation")
        .order_by("-proposed_at", "-id")
    )


def open_proposals(customer) -> QuerySet[Rating]:
    return Rating.objects.filter(customer=customer, status__in=OPEN_RATING_STATUSES)


# --- Investigations --------------------------------------------------------------------------------
def investigations_of(customer) -> QuerySet[Investigation]:
    return Investigation.objects.filter(customer=customer).select_related(
        "created_by", "signed_by", "reviewed_by"
    )


def latest_valid_investigation(customer, on: date | None = None) -> Investigation | None:
    """The latest reviewed investigation still valid on `on` (002 第十一条; validity from the policy)."""
    on = on or timezone.localdate()
    cid = getattr(customer, "pk", customer)
    return (
        Investigation.objects.filter(
            customer_id=cid, status=InvestigationStatus.REVIEWED, investigated_on__lte=on, valid_until__gte=on
        )
        .select_related("signed_by", "created_by")
        .prefetch_related("years")
        .order_by("-investigated_on", "-id")
        .first()
    )


def investigation_status(customer, on: date | None = None) -> dict:
    """{"state": missing|expired|valid, "due": date|None, "investigation": latest reviewed or None}."""
    on = on or timezone.localdate()
    latest = (
        Investigation.objects.filter(
            customer=customer, status=InvestigationStatus.REVIEWED, investigated_on__lte=on
        )
        .order_by("-valid_until", "-id")
        .first()
    )
    if latest is None:
        return {"state": MISSING, "due": None, "investigation": None}
    state = VALID if latest.valid_until and latest.valid_until >= on else EXPIRED
    return {"state": state, "due": latest.valid_until, "investigation": latest}


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


def _docs_complete_bulk(customers, policy) -> dict[int, bool]:
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


def build_facts(
    customer, inv, *, ledger, docs_complete: bool, receivables, on: date, section
) -> rules.RatingFacts:
    """Combine the sources. A bad fact found by either the investigation or the ledger counts, and an
    explicit finding of the investigator counts whatever the figures say (the stricter side wins);
    where the ledger has the customer's history it supplies months of trade, yearly collections and
    shipments and our monthly sales trend; `sources` records which source each of those came from."""
    sources: dict[str, str] = {}
    years = tuple(y.figures() for y in inv.years.all()) if inv else ()
    has_ledger = ledger is not None and ledger.first_trade_on is not None
    # months of cooperation (第十五条(1))
    if has_ledger:
        months = ledger.months_of_trade
        sources["months_of_cooperation"] = rules.SRC_LEDGER
    elif inv and inv.cooperation_since:
        months = dates.months_between(inv.cooperation_since, on)
        sources["months_of_cooperation"] = rules.SRC_INVESTIGATION
    else:
        months = 0
    manual_bad_debt = bool(inv and inv.bad_debt)
    ledger_bad_debt = bool(ledger and (ledger.bad_debt_within_2y or ledger.overdue_beyond_limit_within_2y))
    if ledger_bad_debt:
        sources["bad_debt"] = rules.SRC_LEDGER
    elif manual_bad_debt:
        sources["bad_debt"] = rules.SRC_INVESTIGATION
    # 第十六条(2): the investigator's finding decides on its own; the counts (the investigator's and the
    # ledger's broken promises) are further evidence.
    manual_promises = inv.broken_promises_count if inv else 0
    ledger_promises = ledger.broken_promises_2y if ledger else 0
    sources["broken_promises"] = (
        rules.SRC_LEDGER if ledger_promises >= manual_promises and ledger else (rules.SRC_INVESTIGATION)
    )
    if has_ledger:
        collections = (ledger.avg_monthly_collections or Decimal(0)) * 12
        shipments = (ledger.avg_monthly_shipments or Decimal(0)) * 12
        sources["yearly_collections"] = sources["yearly_shipments"] = rules.SRC_LEDGER
    else:
        collections = inv.yearly_collections_amount if inv else None
        shipments = inv.yearly_shipments_amount if inv else None
        sources["yearly_collections"] = sources["yearly_shipments"] = rules.SRC_INVESTIGATION
    # 第十六条(5) is the customer's own turnover (the investigation); our falling sales to the customer
    # (the ledger) are evidence beside it.
    sources["falling_turnover_months"] = rules.SRC_INVESTIGATION
    sources["our_sales_falling_months"] = rules.SRC_LEDGER
    latest = rules.latest_year(years)
    ratio = rules.debt_ratio_pct(latest.total_assets, latest.liabilities) if latest else None
    equity = None
    if latest:
        equity = latest.equity
        if equity is None and latest.total_assets is not None and latest.liabilities is not None:
            equity = latest.total_assets - latest.liabilities
    founded = (inv.founded_on if inv else None) or customer.founded_on
    missing_key = key_data_missing(customer, section)
    return rules.RatingFacts(
        months_of_cooperation=months,
        bad_debt=manual_bad_debt or ledger_bad_debt,
        undelivered_goods=bool(inv and inv.undelivered_goods),
        serious_breach=bool(inv and inv.serious_breach),
        lawful_and_kept_promises=bool(inv and inv.lawful_and_kept_promises),
        broken_promises=max(manual_promises, ledger_promises),
        years=years,
        rating_year=on.year,
        operations_good_finding=bool(inv.operations_good) if inv else None,
        debt_ratio_pct=ratio,
        equity=equity,
        yearly_collections=collections,
        yearly_shipments=shipments,
        debt_disputes=bool(inv and inv.debt_disputes),
        asset_transfers=bool(inv and inv.asset_transfers),
        weak_capital=bool(inv and inv.weak_capital),
        serious_losses=bool(inv and inv.losses),
        falling_turnover_months=inv.falling_turnover_months if inv else 0,
        often_breaks_promises=bool(inv and inv.broken_promises),
        falling_turnover=bool(inv and inv.falling_turnover),
        our_sales_falling_months=(ledger.revenue_trend_falling_months if ledger else 0) or 0,
        sales_decline=bool(inv and inv.sales_decline),
        unfair_conduct=bool(inv and inv.unfair_conduct),
        illegal_operation=bool(inv and inv.illegal_operation),
        ordered_to_stop=bool(inv and inv.ordered_to_stop),
        freeze_risk=bool(inv and inv.freeze_risk),
        is_new=months < section.new_customer_months,  # 002 第十八条 新开发
        key_data_complete=not missing_key,
        documents_complete=docs_complete,
        employee_count=inv.employee_count if inv else None,
        company_age_months=dates.months_between(founded, on) if founded else None,
        is_wholesaler=bool(inv and inv.is_wholesaler),
        receivables=Decimal(receivables or 0),
        avg_monthly_shipments=(ledger.avg_monthly_shipments if ledger else Decimal(0)) or Decimal(0),
        past_credit_problems=bool(inv and inv.past_credit_problems),
        investigator=str(inv.signed_by or inv.created_by) if inv else "",
        sources={**sources, "investigation": inv.pk if inv else None, "key_data_missing": missing_key},
    )


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
        docs = _docs_complete_bulk(customers, policy)
        for c in customers:
            out[c.pk] = build_facts(
                c,
                invs.get(c.pk),
                ledger=ledger.get(c.pk),
                docs_complete=docs.get(c.pk, False),
                receivables=receivables.get(c.pk, 0),
                on=on,
                section=section,
            )
        if policy.relations.visit_findings_are_rating_facts:
            # A departure (relations policy): a service visit's finding of worsening operations is a
            # C fact (002 第十六条(5)); off by default, the finding is then evidence only.
            from xindang.relations.selectors import operations_worsening_ids

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


# --- The credit list -------------------------------------------------------------------------------
SORTS = {
    "name": "name",
    "-name": "-name",
    "grade": F("grade").asc(nulls_last=True),
    "-grade": F("grade").desc(nulls_last=True),
    "rated": F("rated_at").asc(nulls_first=True),
    "-rated": F("rated_at").desc(nulls_last=True),
    "valid": F("valid_until").asc(nulls_first=True),
    "-valid": F("valid_until").desc(nulls_last=True),
}
DEFAULT_SORT = "valid"


def credit_list(user, params, *, on: date | None = None) -> QuerySet[Customer]:
    """Visible customers with their grade in force, when it took effect, and how long the latest
    reviewed investigation is valid. Filters: grade, inv (missing/expired/valid), department, q."""
    on = on or timezone.localdate()
    approved = Rating.objects.filter(customer=OuterRef("pk"), status=RatingStatus.APPROVED).order_by(
        "-effective_at", "-id"
    )
    qs = (
        visible_customers(user)
        .select_related("department", "owner")
        .annotate(
            grade=Subquery(approved.values("grade")[:1]),
            rated_at=Subquery(approved.values("effective_at")[:1]),
            valid_until=Max(
                "investigations__valid_until", filter=Q(investigations__status=InvestigationStatus.REVIEWED)
            ),
            has_open=Exists(Rating.objects.filter(customer=OuterRef("pk"), status__in=OPEN_RATING_STATUSES)),
        )
    )
    grade = params.get("grade")
    if grade == "none":
        qs = qs.filter(grade__isnull=True)
    elif grade:
        qs = qs.filter(grade=grade)
    state = params.get("inv")
    if state == MISSING:
        qs = qs.filter(valid_until__isnull=True)
    elif state == EXPIRED:
        qs = qs.filter(valid_until__lt=on)
    elif state == VALID:
        qs = qs.filter(valid_until__gte=on)
    if params.get("department", "").isdigit():
        qs = qs.filter(department_id=int(params["department"]))
    if params.get("open") == "1":
        qs = qs.filter(has_open=True)
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(file_no__icontains=q) | Q(code__icontains=q))
    sort = SORTS.get(params.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT])
    return qs.order_by(sort, "pk")


# --- Workbench -------------------------------------------------------------------------------------
def quarter_end(day: date) -> date:
    return dates.add_months(quarter_start(day), 3) - timedelta(days=1)


def quarter_start(day: date) -> date:
    return date(day.year, ((day.month - 1) // 3) * 3 + 1, 1)


def rating_customers(user) -> Q:
    """customers.register_visibility: the marketing manager rates the customers with the salesperson
    and the finance credit controller (002 第十九条) and reviews their investigations — the files with a
    rating proposed or awaiting approval, or an investigation signed and awaiting review, are files he
    is responsible for (custody's rule of standing access, 001 客户档案管理制度及操作细则 六 2)."""
    if "marketing_manager" not in set(getattr(user, "role_codes", set())):
        return Q(pk__in=[])
    return Q(pk__in=Rating.objects.filter(status__in=OPEN_RATING_STATUSES).values("customer_id")) | Q(
        pk__in=Investigation.objects.filter(status=InvestigationStatus.SIGNED).values("customer_id")
    )


def _proposal_items(user) -> list[WorkItem]:
    """Rating proposals not yet sent for approval (e.g. made by manage.py rerate)."""

    count = (
        Rating.objects.filter(status=RatingStatus.PROPOSED, customer__in=visible_customers(user))
        .values("customer_id")
        .distinct()
        .count()
    )
    if not count:
        return []
    return [
        WorkItem(
            kind="credit.rating_proposals",
            label=_("Rating proposals to send for approval"),
            title=_("%(count)s customers") % {"count": count},
            url=reverse("credit:list") + "?open=1",
        )
    ]


def _opinion_items(user) -> list[WorkItem]:
    """Proposals waiting for the opinion of their salesperson in charge (002 第十九条)."""

    rows = Rating.objects.filter(
        status=RatingStatus.PROPOSED, salesperson=user, salesperson_signed_at__isnull=True
    ).select_related("customer")[:50]
    return [
        WorkItem(
            kind="credit.rating_opinion",
            label=_("Rating awaiting your opinion (002 第十九条)"),
            title=f"{r.customer.file_no} · {r.customer.name} · {r.get_grade_display()}",
            url=reverse("credit:rating", args=[r.pk]),
            customer_id=r.customer_id,
            customer_name=r.customer.name,
        )
        for r in rows
    ]


def workbench_items(user) -> list[WorkItem]:
    """For whoever reviews investigations with the credit manager's view of all files: trading
    customers whose investigation is missing or expired, and the quarterly full refresh (第十二条)."""

    opinions = _opinion_items(user)
    if not user.has_perm(CustomerPermission.VIEW_ALL):
        return opinions
    items = opinions + (_proposal_items(user) if user.has_perm(CreditPermission.PROPOSE) else [])
    if not (user.has_perm(CreditPermission.REVIEW) and user.has_perm(CreditPermission.ADD)):
        return items
    today = timezone.localdate()
    section = credit_policy()
    base = visible_customers(user).filter(status=CustomerStatus.ACTIVE)
    annotated = base.annotate(
        valid_until=Max(
            "investigations__valid_until", filter=Q(investigations__status=InvestigationStatus.REVIEWED)
        )
    )
    due_rows = annotated.filter(Q(valid_until__isnull=True) | Q(valid_until__lt=today)).order_by(
        F("valid_until").asc(nulls_first=True), "pk"
    )[:100]
    for c in due_rows:
        missing = c.valid_until is None
        items.append(
            WorkItem(
                kind="credit.investigation_missing" if missing else "credit.investigation_expired",
                label=_("Investigation missing") if missing else _("Investigation expired"),
                title=f"{c.file_no} · {c.name}",
                due=c.valid_until,
                url=reverse("credit:investigation_create", args=[c.pk]),
                overdue=not missing,
                customer_id=c.pk,
                customer_name=c.name,
            )
        )
    if section.quarterly_refresh:
        q_start = quarter_start(today)
        not_refreshed = annotated.exclude(
            Exists(
                Investigation.objects.filter(
                    customer=OuterRef("pk"), status=InvestigationStatus.REVIEWED, investigated_on__gte=q_start
                )
            )
        ).count()
        if not_refreshed:
            items.append(
                WorkItem(
                    kind="credit.quarterly_refresh",
                    label=_("Quarterly full refresh of investigations (002 第十二条)"),
                    title=_("%(count)s trading customers not yet investigated this quarter")
                    % {"count": not_refreshed},
                    due=quarter_end(today),
                    url=reverse("credit:list") + f"?inv={EXPIRED}",
                )
            )
    return items

"""Reading credit grants. A grant is visible iff its customer file is (visible_customers is the one
rule); every list, page and export goes through visible_grants()."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from xindang.core.money import format_yuan
from xindang.core.workbench import WorkItem
from xindang.credit import selectors as credit_selectors
from xindang.customers.selectors import visible_customers
from xindang.ledger import selectors as ledger_selectors
from xindang.ledger.collection import selectors as collection_selectors
from xindang.policy.activation import ActivationCheck
from xindang.policy.selectors import current_policy, section_values, version_in_force

from . import rules
from .models import BacktestRun, Collateral, CreditGrant, GrantStatus, Guarantee, ReductionStep
from .permissions import GrantPermission

ZERO = Decimal("0")


# --- What other modules provide (credit H2, ledger H4, collection H5): one seam each --------------
def current_rating(customer):
    return credit_selectors.current_rating(customer)


def exposure_amount(customer) -> Decimal:
    return ledger_selectors.exposure_of(customer).total_amount


def committed_amount(customer) -> Decimal:
    """Exposure plus amounts held by credit checks (what the reduction list compares with the limit)."""
    return ledger_selectors.exposure_of(customer).committed_amount


def exposures_for(customer_ids) -> dict[int, Decimal]:
    return {pk: row.total_amount for pk, row in ledger_selectors.exposures_for(list(customer_ids)).items()}


def receivables_balance(on: date) -> Decimal:
    return ledger_selectors.receivables_balance(on=on)


def is_trade_suspended(customer) -> bool:
    return collection_selectors.is_trade_suspended(customer)


def investigation_expired(customer) -> bool:
    """The customer's latest reviewed investigation is missing or past its validity (credit, H2)."""
    return credit_selectors.investigation_status(customer)["state"] != credit_selectors.VALID


# --- Grants ----------------------------------------------------------------------------------------
def visible_grants(user) -> QuerySet[CreditGrant]:
    qs = CreditGrant.objects.all()
    if not user or not user.is_authenticated or not user.has_perm(GrantPermission.VIEW):
        return qs.none()
    customers = visible_customers(user)
    if customers.query.is_empty():
        return qs.none()
    if not customers.query.has_filters():
        return qs
    return qs.filter(customer__in=customers.values("pk"))


def _in_force(on: date) -> Q:
    return Q(status=GrantStatus.ACTIVE) & (Q(valid_until__isnull=True) | Q(valid_until__gte=on))


def in_force_limit_expression(on: date):
    """The limit of the grant in force on `on` for the outer customer row (as active_grant picks it),
    None without one: for annotating customer lists."""
    grant = CreditGrant.objects.filter(_in_force(on), customer_id=OuterRef("pk")).annotate(
        limit_of_day=limit_in_force_expression(on)  # the reduction schedule's step of the day
    )
    limit = grant.order_by("-valid_from", "-pk").values("limit_of_day")[:1]
    return Subquery(limit, output_field=CreditGrant._meta.get_field("limit_amount"))


def active_grant(customer, on: date | None = None) -> CreditGrant | None:
    """The grant in force for the customer on `on` (default today): active and not past valid_until."""
    on = on or timezone.localdate()
    customer_id = getattr(customer, "pk", customer)
    return (
        CreditGrant.objects.filter(_in_force(on), customer_id=customer_id)
        .order_by("-valid_from", "-pk")
        .first()
    )


def active_grants_for(customer_ids, on: date | None = None) -> dict[int, CreditGrant]:
    on = on or timezone.localdate()
    out: dict[int, CreditGrant] = {}
    qs = CreditGrant.objects.filter(_in_force(on), customer_id__in=list(customer_ids)).order_by(
        "customer_id", "valid_from", "pk"
    )
    for grant in qs:
        out[grant.customer_id] = grant  # the latest wins
    return out


def grant_terms(customer_ids, on: date | None = None) -> dict[int, int]:
    """Term days of each customer's grant in force (the ledger's default due date, 002 第二十三条)."""
    return {cid: g.term_days for cid, g in active_grants_for(customer_ids, on).items() if g.term_days}


def in_force_among(grants, on: date) -> CreditGrant | None:
    """active_grant's choice among grants already read: active, not past valid_until, the latest
    valid_from (none first, as PostgreSQL sorts it descending), then the highest id."""
    candidates = [
        g for g in grants if g.status == GrantStatus.ACTIVE and (g.valid_until is None or g.valid_until >= on)
    ]
    return max(candidates, key=lambda g: (g.valid_from is None, g.valid_from or date.min, g.pk), default=None)


def with_backing(grants: QuerySet[CreditGrant]) -> QuerySet[CreditGrant]:
    """Grants annotated with whether they have collateral and guarantees (`has_collateral`,
    `has_guarantees`), so that a page reads the lists only of a grant that has them."""
    return grants.annotate(
        has_collateral=Exists(Collateral.objects.filter(grant_id=OuterRef("pk"))),
        has_guarantees=Exists(Guarantee.objects.filter(grant_id=OuterRef("pk"))),
    )


def latest_grant(customer) -> CreditGrant | None:
    """The customer's active grant even when it has run out (for the "expired" warnings)."""
    return (
        CreditGrant.objects.filter(
            customer_id=customer.pk, status__in=[GrantStatus.ACTIVE, GrantStatus.EXPIRED]
        )
        .order_by("-valid_from", "-pk")
        .first()
    )


def is_expired(grant: CreditGrant, on: date | None = None) -> bool:
    on = on or timezone.localdate()
    return grant.status == GrantStatus.EXPIRED or (
        grant.status == GrantStatus.ACTIVE and grant.valid_until is not None and grant.valid_until < on
    )


def pending_grant(customer) -> CreditGrant | None:
    return CreditGrant.objects.filter(customer_id=customer.pk, status=GrantStatus.PENDING).first()


def total_active_limits(on: date | None = None, *, exclude_pk=None) -> Decimal:
    qs = CreditGrant.objects.filter(_in_force(on or timezone.localdate()))
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(total=Sum("limit_amount"))["total"] or ZERO


def customer_grants(customer) -> QuerySet[CreditGrant]:
    return CreditGrant.objects.filter(customer_id=customer.pk).select_related("requested_by", "approval")


# --- The list --------------------------------------------------------------------------------------
SORTS = {
    "customer": "customer__name",
    "-customer": "-customer__name",
    "limit": "limit_amount",
    "-limit": "-limit_amount",
    "valid_until": "valid_until",
    "-valid_until": "-valid_until",
    "requested": "requested_at",
    "-requested": "-requested_at",
}
DEFAULT_SORT = "-requested"


def grant_list(user, params) -> QuerySet[CreditGrant]:
    qs = visible_grants(user).select_related("customer", "customer__department", "requested_by")
    today = timezone.localdate()
    status = params.get("status", "")
    if status == "expired":
        qs = qs.filter(Q(status=GrantStatus.EXPIRED) | Q(status=GrantStatus.ACTIVE, valid_until__lt=today))
    elif status == GrantStatus.ACTIVE:
        qs = qs.filter(_in_force(today))
    elif status in GrantStatus.values:
        qs = qs.filter(status=status)
    if params.get("kind") in rules.KINDS:
        qs = qs.filter(kind=params["kind"])
    if params.get("grade"):
        qs = qs.filter(grade=params["grade"])
    if str(params.get("department", "")).isdigit():
        qs = qs.filter(customer__department_id=int(params["department"]))
    if str(params.get("customer", "")).isdigit():
        qs = qs.filter(customer_id=int(params["customer"]))
    if params.get("expiring"):
        days = current_policy().grants.expiring_days
        qs = qs.filter(_in_force(today), valid_until__lte=today + timedelta(days=days))
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(customer__name__icontains=q) | Q(customer__file_no__icontains=q))
    return qs.order_by(SORTS.get(params.get("sort") or DEFAULT_SORT, "-requested_at"), "-pk")


# --- The file header -------------------------------------------------------------------------------
@dataclass
class HeaderState:
    rating: object
    grant: CreditGrant | None
    exposure: Decimal
    utilisation: int | None
    warnings: list  # (css class, text)
    limit: Decimal | None = None  # in force today (a reduction schedule's step)


def header_state(customer, *, on: date | None = None) -> HeaderState:
    on = on or timezone.localdate()
    policy = current_policy()
    rating = current_rating(customer)
    grant = active_grant(customer, on)
    exposure = exposure_amount(customer)
    warnings = []
    if grant is None:
        last = latest_grant(customer)
        if last is not None and is_expired(last, on):
            warnings.append(("bad", _("Credit grant expired on %(date)s") % {"date": last.valid_until}))
    elif grant.valid_until and grant.valid_until <= on + timedelta(days=policy.grants.expiring_days):
        warnings.append(("warn", _("Credit grant expires on %(date)s") % {"date": grant.valid_until}))
    if investigation_expired(customer):
        warnings.append(("warn", _("Credit investigation missing or expired")))
    limit = limit_in_force(grant, on) if grant else None
    if exposure > (limit or ZERO):
        warnings.append(("bad", _("Exposure over the credit limit")))
    if grant is not None and limit != grant.limit_amount:
        warnings.append(
            (
                "warn",
                _("Limit reduced step by step to %(limit)s") % {"limit": format_yuan(grant.limit_amount)},
            )
        )
    if is_trade_suspended(customer):
        warnings.append(("bad", _("Trade suspended")))
    return HeaderState(
        rating=rating,
        grant=grant,
        exposure=exposure,
        utilisation=rules.utilisation_percent(exposure, limit) if grant else None,
        warnings=warnings,
        limit=limit,
    )


# --- Workbench -------------------------------------------------------------------------------------
def workbench_items(user) -> list[WorkItem]:
    """Grants expiring within the policy's days (credit manager: all visible; others: their own
    customers), and grants that ran out while the customer still owes us."""
    if not user.is_authenticated or not user.has_perm(GrantPermission.VIEW):
        return []
    today = timezone.localdate()
    days = current_policy().grants.expiring_days
    qs = visible_grants(user).select_related("customer")
    if not user.has_perm(GrantPermission.BACKTEST):  # not a credit manager/approver: own customers
        qs = qs.filter(customer__owner=user)
    items = []
    may_request = user.has_perm(GrantPermission.REQUEST)  # renewing is asking for the next grant
    expiring = qs.filter(_in_force(today), valid_until__lte=today + timedelta(days=days)).order_by(
        "valid_until"
    )[:50]
    for grant in expiring:
        items.append(
            WorkItem(
                kind="grants.expiring",
                label=_("Credit grant expiring"),
                title=f"{grant.customer.name} · {grant.limit_amount:,.2f}",
                due=grant.valid_until,
                url=reverse("grants:request", args=[grant.customer_id])
                if may_request
                else reverse("grants:detail", args=[grant.pk]),
                customer_id=grant.customer_id,
                customer_name=grant.customer.name,
            )
        )
    expired = list(
        qs.filter(Q(status=GrantStatus.EXPIRED) | Q(status=GrantStatus.ACTIVE, valid_until__lt=today))
        .exclude(customer__credit_grants__in=CreditGrant.objects.filter(_in_force(today)))
        .order_by("valid_until")[:200]
    )
    if expired:
        exposures = exposures_for({g.customer_id for g in expired})
        seen = set()
        for grant in expired:
            if grant.customer_id in seen or exposures.get(grant.customer_id, ZERO) <= ZERO:
                continue
            seen.add(grant.customer_id)
            items.append(
                WorkItem(
                    kind="grants.expired_with_exposure",
                    label=_("Credit grant expired, exposure remains"),
                    title=f"{grant.customer.name} · {exposures[grant.customer_id]:,.2f}",
                    due=grant.valid_until,
                    url=reverse("grants:detail", args=[grant.pk]),
                    overdue=True,
                    customer_id=grant.customer_id,
                    customer_name=grant.customer.name,
                )
            )
    return items


# --- The limit in force on a day (002 第二十六条2、第二十七条 并应逐步减少) ------------------------------
def limit_in_force(grant, on: date | None = None) -> Decimal | None:
    """The limit of `grant` in force on `on`: the step of its reduction schedule begun by then, or
    its limit (no schedule, or the schedule has run). The credit check and the reduction list use
    this (or the two expressions below, which answer the same in SQL)."""
    if grant is None:
        return None
    on = on or timezone.localdate()
    step = (
        ReductionStep.objects.filter(grant_id=grant.pk, from_on__isnull=False, from_on__lte=on)
        .order_by("-from_on")
        .values_list("limit_amount", flat=True)
        .first()
    )
    return step if step is not None else grant.limit_amount


def limit_in_force_expression(on: date, grant_ref: str = "pk"):
    """ORM: the limit in force on `on` of the grant `OuterRef(grant_ref)` names (annotate a grant
    queryset with it, e.g. in a Subquery over CreditGrant)."""

    money = DecimalField(max_digits=18, decimal_places=2)
    step = Subquery(
        ReductionStep.objects.filter(grant_id=OuterRef(grant_ref), from_on__isnull=False, from_on__lte=on)
        .order_by("-from_on")
        .values("limit_amount")[:1],
        output_field=money,
    )
    return Coalesce(step, F("limit_amount"), output_field=money)


def limit_in_force_sql(grant_alias: str) -> str:
    """Raw SQL (for a hand-written statement): the limit in force of the grant row `grant_alias`,
    with ONE date parameter (%s, the day) to bind before the statement's following parameters."""
    step, grant = ReductionStep._meta, CreditGrant._meta
    col = {f: step.get_field(f).column for f in ("grant", "from_on", "limit_amount")}
    limit = grant.get_field("limit_amount").column
    return (
        f"COALESCE((SELECT s.{col['limit_amount']} FROM {step.db_table} s "  # noqa: S608 - model metadata
        f"WHERE s.{col['grant']} = {grant_alias}.{grant.pk.column} AND s.{col['from_on']} IS NOT NULL "
        f"AND s.{col['from_on']} <= %s ORDER BY s.{col['from_on']} DESC LIMIT 1), {grant_alias}.{limit})"
    )


def reduction_steps(grant) -> list[ReductionStep]:
    return list(grant.reduction_steps.order_by("months")) if grant is not None and grant.pk else []


# --- Back-test before force (a draft credit policy is back-tested before it applies) -----
# The sections the back-test computes from: a draft that changes neither needs none.
BACKTESTED_SECTIONS = ("credit", "grants")


def latest_backtest(version) -> BacktestRun | None:
    """The newest back-test of the draft as it stands now (None when it changed since)."""
    return (
        BacktestRun.objects.filter(version_id=version.pk, draft_updated_at=version.updated_at)
        .select_related("computed_by")
        .order_by("-computed_at", "-pk")
        .first()
    )


def backtest_needed(version) -> bool:
    in_force = version_in_force()
    if in_force is None:
        return True
    new, old = section_values(version), section_values(in_force)
    return any(new.get(name) != old.get(name) for name in BACKTESTED_SECTIONS)


def backtest_check(version):
    """The policy's activation check (registered in apps.py): a draft that changes the credit or
    grant rules is put in force after a completed back-test of it (or with a written reason)."""

    if version.status != version.Status.DRAFT:
        return None
    run = latest_backtest(version)
    needed = backtest_needed(version)
    url = reverse("grants:backtest", args=[version.pk])
    if run is None:
        note = (
            _("This draft changes the credit rules: back-test it against every customer first.")
            if needed
            else _("This draft leaves the rating and grant rules as they are; no back-test is needed.")
        )
        return ActivationCheck("grants.backtest", _("Back-test"), needed, False, url=url, note=note)
    at = timezone.localtime(run.computed_at)
    summary = (
        (_("Customers"), str(run.customers)),
        (_("Grade would change"), str(run.grade_changed)),
        (_("Ceiling raised"), str(run.ceiling_raised)),
        (_("Ceiling lowered"), str(run.ceiling_lowered)),
        (_("Ceiling below current limit"), str(run.below_limit)),
        (_("Would be blocked"), str(run.blocked)),
        (_("Newly blocked by the draft"), str(run.newly_blocked)),
        (_("Against version in force"), f"v{run.in_force_number}"),
        (_("Computed"), f"{date_format(at, 'Y-m-d H:i')} · {run.computed_by or '—'}"),
    )
    return ActivationCheck(
        "grants.backtest", _("Back-test"), needed, True, summary=summary, url=url, ref={"backtest": run.pk}
    )

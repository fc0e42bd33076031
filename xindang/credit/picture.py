"""The credit picture (信用全貌, UI.md "The credit picture"): one read of everything a decision about a
customer's credit needs — grade and its reasons, limit, exposure by category with the utilisation,
headroom, overdue amount and oldest item, the ageing buckets, payment behaviour, the rules' ceiling
with its reasons, collateral and guarantees with their documents, previous grants, reservations held,
recent checks and over-limit decisions, the last investigation — as one typed value rendered by one
template (credit/_picture.html).

It is shown on the grant and over-limit approval pages (registered with the approvals engine as the
panel of those kinds, so approvals need not know credit), on the grant request page and as the
customer's credit-control page. A fixed number of queries, whatever the size of the customer's
ledger (counted in tests/test_picture.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.approvals.registry import register_panel
from xindang.core.together import Part, Rows
from xindang.credit import selectors as credit_selectors
from xindang.credit.control.models import CreditCheck, OverLimitRequest
from xindang.credit.control.services import OVER_LIMIT_KIND
from xindang.credit.grants import rules as grant_rules
from xindang.credit.grants.known import KnownCredit
from xindang.credit.grants.models import Guarantee
from xindang.credit.grants.services import APPROVAL_KIND as GRANT_KIND
from xindang.credit.grants.services import compute_ceiling
from xindang.credit.grants.texts import reason_text as ceiling_text
from xindang.ledger import ageing as ledger_ageing
from xindang.ledger import selectors as ledger_selectors
from xindang.ledger.collection.models import PaymentPromise, PromiseStatus
from xindang.ledger.collection.spreadsheets import bucket_label
from xindang.policy.selectors import current_policy
from xindang.relations.evidence import EVIDENCE_PARTS, evidence_from, evidence_parts, evidence_since

from .grants.rules import limit_below_exposure
from .texts import reason_rows

ZERO = Decimal("0.00")
GRADE_CLASSES = {
    **{"A": "active", "B": "warn", "C": "bad"},
    **{"jia": "active", "yi": "warn", "bing": "bad", "甲": "active", "乙": "warn", "丙": "bad"},
}


@dataclass(frozen=True)
class AgeingBucket:
    label: str
    amount: Decimal
    overdue: bool


@dataclass(frozen=True)
class ExposureLine:
    label: str
    amount: Decimal


@dataclass
class CreditPicture:
    customer: object
    on: date
    # grade
    rating: object | None
    grade: str
    grade_label: str
    grade_class: str
    grade_reasons: list  # credit.texts.reason_rows
    # limit and exposure
    grant: object | None  # the grant in force
    limit_amount: Decimal | None
    # 004 客户信息管理制度 第八条 + 002 第二十二条: open credit sales + prepayments + notes
    exposure_amount: Decimal
    reservations_amount: Decimal
    committed_amount: Decimal  # exposure + reservations (what a credit check counts)
    exposure_lines: list[ExposureLine]
    credit_balance_amount: Decimal
    utilisation: int | None
    headroom_amount: Decimal | None  # limit − committed; None without a limit
    # overdue and ageing
    overdue_amount: Decimal
    oldest_overdue: object | None  # ledger TradeEntry
    oldest_overdue_days: int | None
    ageing: list[AgeingBucket]
    # payment behaviour
    promises_kept: int
    promises_broken: int
    promises_open: int
    # the rules' ceiling
    ceiling_amount: Decimal | None
    ceiling_allowed: bool
    ceiling_max_term_days: int | None
    ceiling_reasons: list[str]
    ceiling_at_request: bool  # the stored ceiling of the grant asked for (not computed now)
    # collateral behind the grant asked for (or the one in force)
    collaterals: list
    guarantees: list
    previous_grants: list
    reservations: list
    checks: list | None  # None: not shown to this reader
    decisions: list | None  # over-limit requests; None: not shown
    investigation: object | None
    investigation_state: str  # valid | expired | missing
    # what is asked
    proposed_grant: object | None = None
    proposed_limit: Decimal | None = None
    asked_amount: Decimal | None = None  # an over-limit request's amount
    warnings: list = field(default_factory=list)
    # complaints, visit findings and satisfaction with their dates (relations.evidence.credit_evidence)
    relations: dict | None = None

    @property
    def bar_width(self) -> int:
        return min(self.utilisation or 0, 100)

    @property
    def over_limit(self) -> bool:
        return self.limit_amount is not None and self.committed_amount > self.limit_amount

    @property
    def headroom_after_amount(self) -> Decimal | None:
        """The headroom left once the asked amount passes (negative: over the limit by that much)."""
        if self.headroom_amount is None or self.asked_amount is None:
            return None
        return self.headroom_amount - self.asked_amount

    @property
    def below_exposure(self) -> bool:
        return self.proposed_limit is not None and limit_below_exposure(
            self.proposed_limit, self.committed_amount
        )


def _ageing_parts(on: date, buckets: list) -> dict:
    """The customer's ageing (ledger.ageing.ageing_sums of one customer) as two parts of the picture's
    statement: the open debits by bucket and the later allocations to them."""
    names = ("key", *(f"b{i}" for i in range(len(buckets))))

    def part(which: int) -> Part:
        def build(a):
            sums = ledger_ageing.ageing_querysets(
                on=on, dimension="customer", buckets=buckets, customer_id=a["customer"]
            )
            return Rows(sums[which], names)

        return Part(build, key=(on, tuple(buckets)))

    return {"picture_ageing_debits": part(0), "picture_ageing_later": part(1)}


def _ageing(rows: list, buckets: list) -> tuple[list[AgeingBucket], Decimal]:
    sums = ledger_ageing.summed_buckets(rows, len(buckets))
    amounts = next(iter(sums.values()), None) or [ZERO] * len(buckets)
    rows = [
        AgeingBucket(label=bucket_label(b), amount=a, overdue=b.low is not None)
        for b, a in zip(buckets, amounts, strict=True)
    ]
    return rows, sum((r.amount for r in rows if r.overdue), ZERO)


def picture_parts(
    customer, on: date, *, recent: int = 5, show_checks: bool = True, show_decisions: bool = True
) -> dict:
    """The picture's own reads (beside KnownCredit's rating, grants and exposure), as parts that
    KnownCredit reads in its one statement (core.together.Part, built from {"customer": id}): the last
    investigation, the oldest overdue item, the payment promises by status, the reservations held, the
    recent checks and over-limit decisions (when shown) and the relations evidence."""
    since = evidence_since(on)
    parts = {
        **_ageing_parts(on, ledger_ageing.policy_buckets()),
        "picture_investigation": Part(
            lambda a: credit_selectors.reviewed_investigations(a["customer"], on)[:1], key=on
        ),
        "picture_oldest_overdue": Part(
            lambda a: ledger_selectors.overdue_items(a["customer"], on)[:1], key=on
        ),
        "picture_promises": Part(
            lambda a: Rows(
                PaymentPromise.objects.filter(customer_id=a["customer"])
                .order_by()
                .values("status")
                .annotate(n=Count("pk")),
                ("status", "n"),
            )
        ),
        "picture_reservations": Part(lambda a: ledger_selectors.reservations_held(a["customer"])),
        **{
            f"picture_{name}": Part(
                lambda a, name=name: evidence_parts(a["customer"], on=on, since=since)[name], key=(on, since)
            )
            for name in EVIDENCE_PARTS
        },
    }
    if show_checks:
        parts["picture_checks"] = Part(
            lambda a: CreditCheck.objects.filter(customer_id=a["customer"]).select_related("checked_by")[
                :recent
            ],
            key=recent,
        )
    if show_decisions:
        parts["picture_decisions"] = Part(
            lambda a: OverLimitRequest.objects.filter(customer_id=a["customer"]).select_related(
                "requested_by"
            )[:recent],
            key=recent,
        )
    return parts


def picture_reads(customer, *, on: date | None = None, **options) -> KnownCredit:
    """The page's KnownCredit with the picture's reads asked for (credit_picture's options) and the
    trade facts of the ceiling it computes, so that the first of the page's credit reads brings them
    all in one statement."""
    known = KnownCredit(customer, on)
    known.want(**picture_parts(customer, known.on, **options))
    known.want_facts(current_policy().grants.window_months)
    return known


def _promises(rows: list[dict]) -> dict:
    counts = {row["status"]: row["n"] for row in rows}
    return {
        "kept": counts.get(PromiseStatus.KEPT, 0),
        "broken": counts.get(PromiseStatus.BROKEN, 0),
        "open": counts.get(PromiseStatus.OPEN, 0),
    }


def _exposure_lines(exposure) -> list[ExposureLine]:
    return [
        ExposureLine(_("Open shipments"), exposure.open_shipments_amount),
        ExposureLine(_("Open invoices"), exposure.open_invoices_amount),
        ExposureLine(_("Open prepayments"), exposure.prepayments_amount),
        ExposureLine(_("Unsettled notes"), exposure.notes_amount),
    ]


def credit_picture(
    customer,
    *,
    grant=None,
    asked_amount: Decimal | None = None,
    recent: int = 5,
    show_checks: bool = True,
    show_decisions: bool = True,
    on: date | None = None,
    known: KnownCredit | None = None,
) -> CreditPicture:
    """The credit picture of `customer` today. `grant`: a grant asked for (its limit is the proposed
    one, its collateral and stored ceiling are shown); `asked_amount`: an over-limit request's amount
    (the headroom after it is shown). `recent`: how many checks, decisions and previous grants.
    `known`: the page's reads of the customer's credit (rating, grants, exposure, ledger facts), so
    that each is asked once per page."""

    on = on or timezone.localdate()
    known = known if known is not None and known.on == on else KnownCredit(customer, on)
    options = {"recent": recent, "show_checks": show_checks, "show_decisions": show_decisions}
    known.want(**picture_parts(customer, on, **options))  # (asked already by picture_reads: kept)
    in_force = known.in_force
    # An approved grant's own page: it is the grant in force, nothing is asked any more.
    proposed = None if grant is not None and in_force is not None and grant.pk == in_force.pk else grant
    # Collateral and guarantees of the grant asked for, else of the grant in force (not asked when
    # the grant is known to have none: grant_selectors.with_backing). The guarantees come with the
    # other reads when they are not made yet; collateral (with its documents) is read on its own.
    backing = proposed or in_force
    if backing and getattr(backing, "has_guarantees", True):
        known.want(
            {"backing": backing.pk},
            picture_guarantees=Part(
                lambda a: Guarantee.objects.filter(grant_id=a["backing"]).select_related("document")
            ),
        )
    rating = known.rating
    grade = getattr(rating, "grade", "") or ""
    exposure = known.exposure
    limit = in_force.limit_amount if in_force else None
    committed = exposure.committed_amount
    ageing, overdue = _ageing(
        known.rows("picture_ageing_debits") + known.rows("picture_ageing_later"),
        ledger_ageing.policy_buckets(),
    )
    oldest = next(iter(known.rows("picture_oldest_overdue")), None)
    promises = _promises(known.rows("picture_promises"))
    collaterals = (
        list(backing.collaterals.prefetch_related("documents"))
        if backing and getattr(backing, "has_collateral", True)
        else []
    )
    guarantees = (
        known.rows("picture_guarantees") if backing and getattr(backing, "has_guarantees", True) else []
    )

    if proposed is not None:  # what the rules allowed when it was asked (the request was checked on it)
        ceiling_amount, allowed, max_term = proposed.ceiling_amount, True, None
        ceiling_reasons = [ceiling_text(r) for r in proposed.ceiling_reasons]
        at_request = True
    else:
        ctx = compute_ceiling(
            customer=customer,
            kind=in_force.kind if in_force else grant_rules.LONG_TERM,
            collateral_value=sum((c.value_amount for c in collaterals), ZERO),
            on=on,
            replaces=in_force,
            known=known,
        )
        ceiling_amount, allowed = ctx.ceiling.amount, ctx.ceiling.allowed
        max_term = ctx.ceiling.max_term_days
        ceiling_reasons = [ceiling_text(r) for r in ctx.ceiling.reasons]
        at_request = False

    previous = [g for g in known.grants if proposed is None or g.pk != proposed.pk]
    status = credit_selectors.investigation_state(next(iter(known.rows("picture_investigation")), None), on)
    picture = CreditPicture(
        customer=customer,
        on=on,
        rating=rating,
        grade=grade,
        grade_label=rating.get_grade_display() if rating else "",
        grade_class=GRADE_CLASSES.get(grade, ""),
        grade_reasons=reason_rows(rating.reasons) if rating else [],
        grant=in_force,
        limit_amount=limit,
        exposure_amount=exposure.total_amount,
        reservations_amount=exposure.reservations_amount,
        committed_amount=committed,
        exposure_lines=_exposure_lines(exposure),
        credit_balance_amount=exposure.credit_balance_amount,
        utilisation=grant_rules.utilisation_percent(committed, limit),
        headroom_amount=(limit - committed) if limit is not None else None,
        overdue_amount=overdue,
        oldest_overdue=oldest,
        oldest_overdue_days=(on - oldest.due_on).days if oldest is not None else None,
        ageing=ageing,
        promises_kept=promises["kept"],
        promises_broken=promises["broken"],
        promises_open=promises["open"],
        ceiling_amount=ceiling_amount,
        ceiling_allowed=allowed,
        ceiling_max_term_days=max_term,
        ceiling_reasons=ceiling_reasons,
        ceiling_at_request=at_request,
        collaterals=collaterals,
        guarantees=guarantees,
        previous_grants=previous[:recent],
        reservations=known.rows("picture_reservations"),
        checks=known.rows("picture_checks") if show_checks else None,
        decisions=known.rows("picture_decisions") if show_decisions else None,
        investigation=status["investigation"],
        investigation_state=status["state"],
        proposed_grant=proposed,
        proposed_limit=proposed.limit_amount if proposed is not None else None,
        asked_amount=asked_amount,
        relations=evidence_from({name: known.rows(f"picture_{name}") for name in EVIDENCE_PARTS}, on=on),
    )
    if picture.below_exposure:
        picture.warnings.extend(
            ceiling_text(w)
            for w in grant_rules.below_exposure_warnings(picture.proposed_limit, picture.committed_amount)
        )
    return picture


def render_picture(picture: CreditPicture, request=None, **extra) -> str:
    """The picture as HTML (credit/_picture.html), for pages that are not credit's own templates."""
    return render_to_string("credit/_picture.html", {"picture": picture, **extra}, request=request)


# --- The approvals engine's panel for credit kinds ------------------------------------------------
def grant_approval_panel(approval, request) -> str:
    """The credit picture on a grant approval: the grant asked for (its limit against the exposure)."""

    known, grant = KnownCredit.of_grant(_int(approval.object_id))
    if grant is None:
        return ""
    picture = credit_picture(grant.customer, grant=grant, known=known)
    return render_picture(picture, request, shown_warnings=approval.warnings or [])


def over_limit_approval_panel(approval, request) -> str:
    """The credit picture on an over-limit approval: the amount asked for against the headroom."""

    olr = OverLimitRequest.objects.select_related("customer").filter(pk=_int(approval.object_id)).first()
    if olr is None:
        return ""
    return render_picture(credit_picture(olr.customer, asked_amount=olr.amount), request)


def _int(value) -> int | None:
    return int(value) if str(value).isdigit() else None


def register_approval_panels() -> None:
    register_panel(GRANT_KIND, grant_approval_panel)
    register_panel(OVER_LIMIT_KIND, over_limit_approval_panel)

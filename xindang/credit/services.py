"""Every write to investigations and ratings: one function per business operation, atomic and audited.

Investigation: draft → signed by its author (002 第十条) → reviewed by another person (第十一条).
Rating: proposed (computed by rules.rate, optionally overridden with a written reason) → submitted
through the approval engine (kind "credit.rating", chain from the policy; 第十九条) → approved (in
force; the previous rating superseded) or rejected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.models import Customer
from xindang.policy.selectors import current_policy

from . import rules, selectors
from .models import (
    OPEN_RATING_STATUSES,
    Grade,
    Investigation,
    InvestigationStatus,
    InvestigationYear,
    Rating,
    RatingStatus,
    Scheme,
)
from .permissions import CreditPermission
from .texts import reason_rows

APPROVAL_KIND = "credit.rating"

INVESTIGATION_FIELDS = [
    "investigated_on",
    "basic_info",
    "shareholders",
    "bank_accounts",
    "operations",
    "financial_notes",
    "trade_history",
    "credit_record",
    "other_matters",
    "sources",
    "sources_other",
    "employee_count",
    "founded_on",
    "is_wholesaler",
    "cooperation_since",
    "yearly_collections_amount",
    "lawful_and_kept_promises",
    "operations_good",
    "bad_debt",
    "undelivered_goods",
    "serious_breach",
    "broken_promises",
    "broken_promises_count",
    "debt_disputes",
    "asset_transfers",
    "weak_capital",
    "losses",
    "falling_turnover",
    "falling_turnover_months",
    "sales_decline",
    "unfair_conduct",
    "illegal_operation",
    "ordered_to_stop",
    "freeze_risk",
    "past_credit_problems",
    "conclusion",
]
YEAR_FIELDS = [
    "revenue_amount",
    "profit_amount",
    "total_assets_amount",
    "liabilities_amount",
    "equity_amount",
    "cash_flow_amount",
]


def _audit_data(inv: Investigation) -> dict:
    return {"customer": inv.customer_id, "investigated_on": inv.investigated_on, "status": inv.status}


def _set_years(inv: Investigation, years) -> None:
    if years is None:
        return
    inv.years.all().delete()
    rows = []
    seen = set()
    for y in years:
        year = y.get("year")
        if not year:
            continue
        if year in seen:
            raise DomainError(
                "investigation.duplicate_year", _("Year %(year)s is given twice.") % {"year": year}
            )
        seen.add(year)
        rows.append(InvestigationYear(investigation=inv, year=year, **{f: y.get(f) for f in YEAR_FIELDS}))
    InvestigationYear.objects.bulk_create(rows)


def _apply(inv: Investigation, data: dict) -> None:
    for name in INVESTIGATION_FIELDS:
        if name in data:
            setattr(inv, name, data[name])
    unknown = set(inv.sources or []) - set(rules.SOURCES)
    if unknown:
        raise DomainError("investigation.unknown_source", _("Unknown source."), field="sources")
    if inv.investigated_on and inv.investigated_on > timezone.localdate():
        raise DomainError(
            "investigation.future_date",
            _("The investigation date cannot be in the future."),
            field="investigated_on",
        )


@transaction.atomic
def create_investigation(*, customer_id: int, by, data: dict, years=(), request=None) -> Investigation:
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    inv = Investigation(customer=customer, created_by=by, investigated_on=timezone.localdate())
    if not data.get("founded_on"):
        data = {**data, "founded_on": customer.founded_on}
    _apply(inv, data)
    inv.save()
    _set_years(inv, list(years))
    record_event("credit.investigation.create", actor=by, request=request, obj=inv, data=_audit_data(inv))
    return inv


def _lock_investigation(investigation_id: int) -> Investigation:
    try:
        return Investigation.objects.select_for_update().get(pk=investigation_id)
    except Investigation.DoesNotExist:
        raise DomainError("investigation.not_found", _("Investigation not found.")) from None


@transaction.atomic
def update_investigation(
    *, investigation_id: int, by, data: dict, years=None, expected_version: int | None = None, request=None
) -> Investigation:
    """Only a draft changes; a signed form is replaced by a new investigation, never edited."""
    inv = _lock_investigation(investigation_id)
    if inv.status != InvestigationStatus.DRAFT:
        raise DomainError("investigation.not_draft", _("Only a draft investigation can be changed."))
    if expected_version is not None and expected_version != inv.version:
        raise DomainError(
            "investigation.stale",
            _("Someone else changed this investigation meanwhile. Reload and try again."),
        )
    _apply(inv, data)
    inv.version += 1
    inv.save()
    _set_years(inv, list(years) if years is not None else None)
    record_event("credit.investigation.update", actor=by, request=request, obj=inv, data=_audit_data(inv))
    return inv


@transaction.atomic
def sign_investigation(*, investigation_id: int, by, request=None) -> Investigation:
    """002 第十条: the author signs that the form is true; validity runs from the investigation date."""
    inv = _lock_investigation(investigation_id)
    if inv.status != InvestigationStatus.DRAFT:
        raise DomainError("investigation.not_draft", _("This investigation is already signed."))
    if inv.created_by_id != by.pk:
        raise DomainError(
            "investigation.not_author", _("Only the person who filled in the form signs it (002 第十条).")
        )
    section = current_policy().credit
    years = [y for y in inv.years.all() if y.revenue_amount is not None or y.profit_amount is not None]
    if len(years) < section.min_financial_years:
        raise DomainError(
            "investigation.too_few_years",
            _("Give the financial figures of at least %(n)s years.") % {"n": section.min_financial_years},
        )
    if not inv.sources:
        raise DomainError(
            "investigation.no_sources", _("Tick the sources used (002 第九条)."), field="sources"
        )
    if not inv.conclusion.strip():
        raise DomainError("investigation.no_conclusion", _("Write the conclusion."), field="conclusion")
    inv.status = InvestigationStatus.SIGNED
    inv.signed_by = by
    inv.signed_at = timezone.now()
    inv.valid_until = rules.add_months(inv.investigated_on, section.investigation_valid_months)
    inv.version += 1
    inv.save()
    record_event("credit.investigation.sign", actor=by, request=request, obj=inv, data=_audit_data(inv))
    return inv


@transaction.atomic
def review_investigation(*, investigation_id: int, by, notes: str = "", request=None) -> Investigation:
    """002 第十一条: another person reviews, sees the contradictions the system found and records notes;
    when there are contradictions the notes must say how they were resolved."""
    inv = _lock_investigation(investigation_id)
    if inv.status != InvestigationStatus.SIGNED:
        raise DomainError("investigation.not_signed", _("Only a signed investigation can be reviewed."))
    if by.pk in (inv.created_by_id, inv.signed_by_id):
        raise DomainError(
            "investigation.self_review", _("The author cannot review their own investigation (002 第十一条).")
        )
    found = selectors.investigation_contradictions(inv)
    notes = (notes or "").strip()
    if found and not notes:
        raise DomainError(
            "investigation.notes_required",
            _("The system found contradictions: write in the notes how they were checked."),
            field="notes",
        )
    inv.status = InvestigationStatus.REVIEWED
    inv.reviewed_by = by
    inv.reviewed_at = timezone.now()
    inv.review_notes = notes
    inv.contradictions = [r.as_dict() for r in found]
    inv.version += 1
    inv.save()
    record_event(
        "credit.investigation.review",
        actor=by,
        request=request,
        obj=inv,
        data={**_audit_data(inv), "contradictions": [r.code for r in found]},
    )
    return inv


# --- Ratings ---------------------------------------------------------------------------------------
def scheme_grades(scheme: str) -> list[str]:
    return [rules.JIA, rules.YI, rules.BING] if scheme == Scheme.JYB else [rules.A, rules.B, rules.C]


def _new_rating(
    customer, result: rules.RatingResult, *, policy, inv, by, grade, override_reason, note
) -> Rating:
    return Rating(
        customer=customer,
        scheme=policy.credit.scheme,
        grade=grade,
        computed_grade=result.grade,
        is_override=grade != result.grade,
        override_reason=override_reason if grade != result.grade else "",
        reasons=result.reasons_json(),
        facts=result.facts.as_dict(),
        investigation=inv,
        policy_version=policy.version,
        policy_version_ref_id=policy.version_id,
        status=RatingStatus.PROPOSED,
        proposed_by=by,
        note=note,
    )


@transaction.atomic
def propose_rating(
    *,
    customer_id: int,
    by,
    grade: str | None = None,
    override_reason: str = "",
    note: str = "",
    submit: bool = True,
    on: date | None = None,
    request=None,
) -> Rating:
    """Compute the grade from the latest valid investigation, the ledger and the file; the proposer
    may set another grade only with a written reason (marked as an override). With submit, the
    proposal goes to the approval chain of the policy."""
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    policy = current_policy()
    on = on or timezone.localdate()
    inv = selectors.latest_valid_investigation(customer, on)
    if inv is None:
        raise DomainError(
            "rating.no_investigation",
            _("The customer has no valid reviewed investigation: investigate first."),
        )
    if selectors.open_proposals(customer).filter(status=RatingStatus.PENDING).exists():
        raise DomainError(
            "rating.pending_exists", _("A rating of this customer is already awaiting approval.")
        )
    result = selectors.compute_rating(customer, on=on, policy=policy)
    grade = grade or result.grade
    if grade not in scheme_grades(policy.credit.scheme):
        raise DomainError(
            "rating.invalid_grade", _("This grade does not belong to the policy's scheme."), field="grade"
        )
    override_reason = (override_reason or "").strip()
    if grade != result.grade:
        if not by.has_perm(CreditPermission.OVERRIDE):
            raise DomainError(
                "rating.override_forbidden", _("You may not override the computed grade."), field="grade"
            )
        if not override_reason:
            raise DomainError(
                "rating.override_reason_required",
                _("Overriding the computed grade needs a written reason."),
                field="override_reason",
            )
    # An older, not yet submitted proposal gives way to the new one.
    selectors.open_proposals(customer).filter(status=RatingStatus.PROPOSED).update(
        status=RatingStatus.WITHDRAWN
    )
    rating = _new_rating(
        customer,
        result,
        policy=policy,
        inv=inv,
        by=by,
        grade=grade,
        override_reason=override_reason,
        note=note,
    )
    rating.save()
    record_event(
        "credit.rating.propose",
        actor=by,
        request=request,
        obj=rating,
        data={
            "customer": customer.pk,
            "grade": rating.grade,
            "computed_grade": rating.computed_grade,
            "is_override": rating.is_override,
            "policy_version": rating.policy_version,
            "reasons": [r["code"] for r in rating.reasons],
        },
    )
    if submit:
        submit_rating(rating_id=rating.pk, by=by, request=request)
        rating.refresh_from_db()
    return rating


def _approval_services():
    from xindang.approvals import services as approvals

    return approvals


@transaction.atomic
def submit_rating(*, rating_id: int, by, request=None) -> Rating:
    rating = Rating.objects.select_for_update().select_related("customer").get(pk=rating_id)
    if rating.status != RatingStatus.PROPOSED:
        raise DomainError("rating.not_proposed", _("Only a proposed rating can be submitted."))
    inv = rating.investigation
    if inv is None or inv.valid_until is None or inv.valid_until < timezone.localdate():
        raise DomainError(
            "rating.investigation_expired",
            _("The investigation this proposal rests on is no longer valid: investigate and propose again."),
        )
    section = current_policy().credit
    warnings = []
    if rating.is_override:
        warnings.append(
            _("Override: computed %(computed)s, proposed %(grade)s. Reason: %(reason)s")
            % {
                "computed": rating.get_computed_grade_display(),
                "grade": rating.get_grade_display(),
                "reason": rating.override_reason,
            }
        )
    approval = _approval_services().submit_request(
        kind=APPROVAL_KIND,
        obj=rating,
        chain=list(section.rating_chain),
        requested_by=by,
        title=_("Credit rating %(grade)s: %(customer)s")
        % {"grade": rating.get_grade_display(), "customer": rating.customer.name},
        summary="\n".join(
            [
                _("Computed grade %(computed)s under policy version %(version)s.")
                % {"computed": rating.get_computed_grade_display(), "version": rating.policy_version},
                *(f"• {r['text']} — {r['article']}" for r in reason_rows(rating.reasons)),
            ]
        ),
        data={
            "grade": rating.grade,
            "computed_grade": rating.computed_grade,
            "is_override": rating.is_override,
            "reasons": [r["code"] for r in rating.reasons],
        },
        warnings=warnings,
        customer=rating.customer,
        request=request,
    )
    rating.status = RatingStatus.PENDING
    rating.approval = approval
    rating.save()
    record_event(
        "credit.rating.submit",
        actor=by,
        request=request,
        obj=rating,
        data={"approval": approval.pk, "grade": rating.grade},
    )
    return rating


def _make_effective(rating: Rating, *, at=None, actor=None, approval_id=None) -> Rating:
    """The rating comes into force; the one in force before is superseded (history stays)."""
    at = at or timezone.now()
    Rating.objects.filter(customer_id=rating.customer_id, status=RatingStatus.APPROVED).exclude(
        pk=rating.pk
    ).update(status=RatingStatus.SUPERSEDED)
    rating.status = RatingStatus.APPROVED
    rating.decided_at = at
    rating.effective_at = at
    rating.save(update_fields=["status", "decided_at", "effective_at"])
    record_event(
        "credit.rating.approve",
        actor=actor,
        obj=rating,
        data={"customer": rating.customer_id, "grade": rating.grade, "approval": approval_id},
    )
    return rating


def _rating_of(approval) -> Rating:
    try:
        return Rating.objects.select_for_update().get(pk=int(approval.object_id))
    except (Rating.DoesNotExist, ValueError):
        raise DomainError("rating.not_found", _("The rating of this approval no longer exists.")) from None


def on_rating_approved(approval) -> None:
    rating = _rating_of(approval)
    if rating.status != RatingStatus.PENDING:
        raise DomainError("rating.not_pending", _("This rating is no longer awaiting approval."))
    _make_effective(rating, approval_id=approval.pk)


def _close(approval, status: str, action: str) -> None:
    rating = _rating_of(approval)
    if rating.status != RatingStatus.PENDING:
        return
    rating.status = status
    rating.decided_at = timezone.now()
    rating.save(update_fields=["status", "decided_at"])
    record_event(action, obj=rating, data={"customer": rating.customer_id, "approval": approval.pk})


def on_rating_rejected(approval) -> None:
    _close(approval, RatingStatus.REJECTED, "credit.rating.reject")


def on_rating_withdrawn(approval) -> None:
    _close(approval, RatingStatus.WITHDRAWN, "credit.rating.withdraw")


def on_rating_returned(approval) -> None:
    """Returned for changes: the rating waits for the requester to resubmit (it stays pending in the
    engine's sense); nothing to change here."""


def register_approval_kind() -> None:
    from xindang.approvals import register

    register(
        APPROVAL_KIND,
        on_approved=on_rating_approved,
        on_rejected=on_rating_rejected,
        on_returned=on_rating_returned,
        on_withdrawn=on_rating_withdrawn,
        label=gettext_lazy("Credit rating"),
    )


# --- Rerate ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RateChange:
    customer_id: int
    customer_name: str
    old_grade: str | None
    new_grade: str
    reasons: tuple
    rating_id: int | None


def rerate(
    *, department: str | None = None, dry_run: bool = False, by=None, on: date | None = None
) -> list[RateChange]:
    """Recompute every customer with a valid reviewed investigation (or one department's) and propose
    a rating where the computed grade differs from the grade in force and no open proposal with that
    grade exists. Idempotent: a second run finds the proposals and reports nothing."""
    on = on or timezone.localdate()
    policy = current_policy()
    qs = Investigation.objects.filter(
        status=InvestigationStatus.REVIEWED, investigated_on__lte=on, valid_until__gte=on
    )
    if department:
        qs = qs.filter(customer__department__code=department)
    ids = sorted(set(qs.values_list("customer_id", flat=True)))
    facts = selectors.rating_facts_bulk(ids, on=on, policy=policy)
    grades = selectors.current_grades(ids)
    open_grades: dict[int, set] = {}
    for cid, g in Rating.objects.filter(customer_id__in=ids, status__in=OPEN_RATING_STATUSES).values_list(
        "customer_id", "computed_grade"
    ):
        open_grades.setdefault(cid, set()).add(g)
    names = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "name"))
    changes = []
    for cid in ids:
        result = rules.rate_with(policy.credit.scheme, facts[cid], policy.credit)
        if grades.get(cid) == result.grade or result.grade in open_grades.get(cid, set()):
            continue
        rating_id = None
        if not dry_run:
            rating_id = _propose_computed(cid, result, policy=policy, on=on, by=by)
        changes.append(
            RateChange(cid, names.get(cid, ""), grades.get(cid), result.grade, result.reasons, rating_id)
        )
    return changes


@transaction.atomic
def _propose_computed(customer_id: int, result, *, policy, on, by) -> int:
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    if Rating.objects.filter(
        customer=customer, status__in=OPEN_RATING_STATUSES, computed_grade=result.grade
    ).exists():
        return 0
    Rating.objects.filter(customer=customer, status=RatingStatus.PROPOSED).update(
        status=RatingStatus.WITHDRAWN
    )
    inv = selectors.latest_valid_investigation(customer, on)
    rating = _new_rating(
        customer, result, policy=policy, inv=inv, by=by, grade=result.grade, override_reason="", note="rerate"
    )
    rating.save()
    record_event(
        "credit.rating.propose",
        actor=by,
        obj=rating,
        data={
            "customer": customer_id,
            "grade": rating.grade,
            "source": "rerate",
            "policy_version": policy.version,
        },
    )
    return rating.pk


GRADE_VALUES = Grade.values

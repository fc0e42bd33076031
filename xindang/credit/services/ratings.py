"""Ratings: proposed with the computed grade and its reasons (an override needs a written reason), submitted
through the approval engine (kind "credit.rating", 002 第十九条), in force when approved."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xindang.approvals import register
from xindang.approvals import services as approvals
from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.models import Customer
from xindang.policy.selectors import current_policy

from .. import rules, selectors
from ..errors import CreditError
from ..models import (
    Rating,
    RatingStatus,
    Scheme,
)
from ..permissions import CreditPermission
from ..texts import reason_rows


# --- Ratings ---------------------------------------------------------------------------------------
def scheme_grades(scheme: str) -> list[str]:
    return [rules.JIA, rules.YI, rules.BING] if scheme == Scheme.JYB else [rules.A, rules.B, rules.C]


APPROVAL_KIND = "credit.rating"


def new_rating(
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
        salesperson_id=customer.owner_id,
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
            CreditError.NO_INVESTIGATION,
        )
    if selectors.open_proposals(customer).filter(status=RatingStatus.PENDING).exists():
        raise DomainError(CreditError.RATING_PENDING_EXISTS)
    result = selectors.compute_rating(customer, on=on, policy=policy)
    grade = grade or result.grade
    if grade not in scheme_grades(policy.credit.scheme):
        raise DomainError(CreditError.INVALID_GRADE, field="grade")
    override_reason = (override_reason or "").strip()
    if grade != result.grade:
        if not by.has_perm(CreditPermission.OVERRIDE):
            raise DomainError(CreditError.OVERRIDE_FORBIDDEN, field="grade")
        if not override_reason:
            raise DomainError(
                CreditError.OVERRIDE_REASON_REQUIRED,
                field="override_reason",
            )
    # An older, not yet submitted proposal gives way to the new one.
    selectors.open_proposals(customer).filter(status=RatingStatus.PROPOSED).update(
        status=RatingStatus.WITHDRAWN
    )
    rating = new_rating(
        customer,
        result,
        policy=policy,
        inv=inv,
        by=by,
        grade=grade,
        override_reason=override_reason,
        note=note,
    )
    if by.pk == customer.owner_id:
        # The salesperson in charge proposes: their opinion is the proposal itself (002 第十九条).
        rating.salesperson_agrees = True
        rating.salesperson_signed_at = timezone.now()
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
    if submit and not salesperson_pending(rating, policy.credit):
        submit_rating(rating_id=rating.pk, by=by, request=request)
        rating.refresh_from_db()
    return rating


def salesperson_pending(rating: Rating, section) -> bool:
    """002 第十九条 会同经办业务员: the salesperson in charge has not yet given an opinion (and the
    policy wants it)."""
    return bool(
        section.rating_salesperson_takes_part
        and rating.salesperson_id
        and rating.salesperson_signed_at is None
    )


@transaction.atomic
def sign_rating_as_salesperson(
    *, rating_id: int, by, agrees: bool, opinion: str = "", request=None
) -> Rating:
    """The salesperson in charge (经办业务员) takes part in the classification (002 第十九条): agrees
    with the proposed grade or not, with a written opinion when not. Only on a proposal not yet sent."""
    rating = Rating.objects.select_for_update().get(pk=rating_id)
    if rating.salesperson_id != by.pk:
        raise DomainError(
            CreditError.NOT_SALESPERSON, name=str(rating.salesperson) if rating.salesperson_id else "—"
        )
    if rating.status != RatingStatus.PROPOSED:
        raise DomainError(CreditError.NOT_PROPOSED)
    if rating.salesperson_signed_at is not None:
        raise DomainError(CreditError.SALESPERSON_SIGNED)
    opinion = (opinion or "").strip()
    if not agrees and not opinion:
        raise DomainError(CreditError.OPINION_REQUIRED, field="opinion")
    rating.salesperson_agrees = bool(agrees)
    rating.salesperson_opinion = opinion
    rating.salesperson_signed_at = timezone.now()
    rating.save(update_fields=["salesperson_agrees", "salesperson_opinion", "salesperson_signed_at"])
    record_event(
        "credit.rating.salesperson",
        actor=by,
        request=request,
        obj=rating,
        data={"customer": rating.customer_id, "agrees": rating.salesperson_agrees, "grade": rating.grade},
    )
    return rating


@transaction.atomic
def submit_rating(*, rating_id: int, by, request=None) -> Rating:
    rating = Rating.objects.select_for_update().select_related("customer").get(pk=rating_id)
    if rating.status != RatingStatus.PROPOSED:
        raise DomainError(CreditError.NOT_PROPOSED)
    inv = rating.investigation
    if inv is None or inv.valid_until is None or inv.valid_until < timezone.localdate():
        raise DomainError(
            CreditError.INVESTIGATION_EXPIRED,
        )
    section = current_policy().credit
    if salesperson_pending(rating, section):
        raise DomainError(CreditError.SALESPERSON_PENDING, name=str(rating.salesperson))
    warnings = []
    if rating.salesperson_agrees is False:
        warnings.append(
            _("The salesperson in charge (%(name)s) does not agree: %(opinion)s")
            % {"name": rating.salesperson, "opinion": rating.salesperson_opinion}
        )
    if rating.is_override:
        warnings.append(
            _("Override: computed %(computed)s, proposed %(grade)s. Reason: %(reason)s")
            % {
                "computed": rating.get_computed_grade_display(),
                "grade": rating.get_grade_display(),
                "reason": rating.override_reason,
            }
        )
    approval = approvals.submit_request(
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


def make_effective(rating: Rating, *, at=None, actor=None, approval_id=None) -> Rating:
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
        raise DomainError(CreditError.RATING_NOT_FOUND) from None


def on_rating_approved(approval) -> None:
    rating = _rating_of(approval)
    if rating.status != RatingStatus.PENDING:
        raise DomainError(CreditError.RATING_NOT_PENDING)
    make_effective(rating, approval_id=approval.pk)


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


def describe_approval_data(data: dict) -> list[tuple[str, str]]:
    """A rating request's recorded data for the approval page, in the reader's language."""
    items: list[tuple[str, str]] = []
    if data.get("grade"):
        items.append((_("Proposed grade"), str(data["grade"])))
    if data.get("computed_grade"):
        items.append((_("Grade by the rules"), str(data["computed_grade"])))
    if "is_override" in data:
        items.append((_("Overridden"), _("Yes") if data["is_override"] else _("No")))
    return items


def register_approval_kind() -> None:
    register(
        APPROVAL_KIND,
        on_approved=on_rating_approved,
        on_rejected=on_rating_rejected,
        on_returned=on_rating_returned,
        on_withdrawn=on_rating_withdrawn,
        label=gettext_lazy("Credit rating"),
        describe=describe_approval_data,
    )

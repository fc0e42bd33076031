"""The rating proposal with its facts and reasons, the salesperson's opinion, sending for approval and
the printed 客户信用等级分类表 (seed 002 第十三–十九条)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.accounts.roles import role_label
from xindang.audit.services import record_event
from xindang.core.errors import DomainError, form_error
from xindang.core.money import format_yuan
from xindang.customers.permissions import get_customer_for_user
from xindang.policy.selectors import current_policy
from xindang.relations.evidence import credit_evidence as relations_evidence

from .. import pdf, selectors, services
from ..forms import ProposeForm, SalespersonOpinionForm
from ..models import Investigation as Inv
from ..models import RatingStatus
from ..permissions import CreditPermission, get_rating_for_user
from ..texts import SOURCE_TEXTS, reason_rows
from .display import grade_label


@permission_required(CreditPermission.PROPOSE, raise_exception=True)
def propose(request, pk):
    customer = get_customer_for_user(request.user, pk, request=request)
    policy = current_policy()
    inv = selectors.latest_valid_investigation(customer)
    result = selectors.compute_rating(customer, policy=policy) if inv else None
    grades = services.scheme_grades(policy.credit.scheme)
    form = ProposeForm(request.POST or None, grades=grades, computed=result.grade if result else None)
    can_override = request.user.has_perm(CreditPermission.OVERRIDE)
    if not can_override:
        form.fields["grade"].disabled = True
    if request.method == "POST" and result is not None and form.is_valid():
        try:
            rating = services.propose_rating(
                customer_id=customer.pk,
                by=request.user,
                grade=form.cleaned_data.get("grade") or result.grade,
                override_reason=form.cleaned_data.get("override_reason", ""),
                note=form.cleaned_data.get("note", ""),
                request=request,
            )
            if rating.status == RatingStatus.PROPOSED:
                messages.success(
                    request,
                    _(
                        "Rating proposed. It goes for approval once the salesperson in charge "
                        "(%(name)s) has given an opinion (002 第十九条)."
                    )
                    % {"name": rating.salesperson},
                )
            else:
                messages.success(request, _("Rating proposed and sent for approval."))
            return redirect(rating.get_absolute_url())
        except DomainError as exc:
            form_error(form, exc)
    facts = fact_rows(result.facts) if result else []
    return render(
        request,
        "credit/propose.html",
        {
            "customer": customer,
            "inv": inv,
            "result": result,
            "grade": grade_label(result.grade) if result else None,
            "reasons": reason_rows(result.reasons) if result else [],
            "facts": facts,
            "form": form,
            "can_override": can_override,
            "policy": policy,
            "chain": [role_label(r) for r in policy.credit.rating_chain],
            # Complaints, visit findings and satisfaction as dated evidence (relations sits below)
            "relations_evidence": relations_evidence(customer, policy=policy),
        },
    )


def fact_rows(facts) -> list[tuple]:
    src = facts.sources or {}

    def source(key):
        return SOURCE_TEXTS.get(src.get(key, ""), "")

    def yn(value):
        return _("Yes") if value else _("No")

    rows = [
        (_("Months of cooperation"), facts.months_of_cooperation, source("months_of_cooperation")),
        (Inv._meta.get_field("bad_debt").verbose_name, yn(facts.bad_debt), source("bad_debt")),
        (_("Broken promises"), facts.broken_promises, source("broken_promises")),
        (_("Debt ratio (%)"), facts.debt_ratio_pct if facts.debt_ratio_pct is not None else "—", ""),
        (_("Equity"), format_yuan(facts.equity) if facts.equity is not None else "—", ""),
        (
            _("Yearly collections"),
            format_yuan(facts.yearly_collections) if facts.yearly_collections is not None else "—",
            source("yearly_collections"),
        ),
        (
            _("Yearly shipments"),
            format_yuan(facts.yearly_shipments) if facts.yearly_shipments is not None else "—",
            source("yearly_shipments"),
        ),
        (
            _("Investigator's finding: often breaks promises"),
            yn(facts.often_breaks_promises),
            facts.investigator,
        ),
        (
            _("Investigator's finding: customer's turnover falling for months"),
            yn(facts.falling_turnover),
            facts.investigator,
        ),
        (
            _("Months of falling turnover (the customer's own)"),
            facts.falling_turnover_months,
            source("falling_turnover_months"),
        ),
        (
            _("Months our sales to the customer fell (evidence, not 第十六条(5))"),
            facts.our_sales_falling_months,
            source("our_sales_falling_months"),
        ),
        (
            _("Service visit found operations worsening (policy departure)"),
            yn(facts.visit_operations_worsening),
            SOURCE_TEXTS["relations"] if facts.visit_operations_worsening else "",
        ),
        (_("New customer"), yn(facts.is_new), ""),
        (_("Key data complete"), yn(facts.key_data_complete), ", ".join(src.get("key_data_missing") or [])),
        (_("Required documents complete"), yn(facts.documents_complete), ""),
        (_("Employees"), facts.employee_count if facts.employee_count is not None else "—", ""),
        (_("Receivables"), format_yuan(facts.receivables), ""),
    ]
    return rows


@permission_required(CreditPermission.VIEW_RATING, raise_exception=True)
def rating_detail(request, pk):
    rating = get_rating_for_user(request.user, pk, request=request)
    section = current_policy().credit
    pending = services.salesperson_pending(rating, section)
    return render(
        request,
        "credit/rating_detail.html",
        {
            "rating": rating,
            "customer": rating.customer,
            "grade": grade_label(rating.grade),
            "computed": grade_label(rating.computed_grade),
            "reasons": reason_rows(rating.reasons),
            "can_submit": rating.status == RatingStatus.PROPOSED
            and not pending
            and request.user.has_perm(CreditPermission.PROPOSE),
            "salesperson_pending": pending and rating.status == RatingStatus.PROPOSED,
            "can_give_opinion": pending
            and rating.status == RatingStatus.PROPOSED
            and rating.salesperson_id == request.user.pk,
            "opinion_form": SalespersonOpinionForm(),
            "approval_url": reverse("approvals:detail", args=[rating.approval_id])
            if rating.approval_id
            else "",
            "relations_evidence": relations_evidence(rating.customer),
        },
    )


@require_POST
@permission_required(CreditPermission.PROPOSE, raise_exception=True)
def rating_submit(request, pk):
    rating = get_rating_for_user(request.user, pk, request=request)
    try:
        services.submit_rating(rating_id=rating.pk, by=request.user, request=request)
        messages.success(request, _("Rating sent for approval."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(rating.get_absolute_url())


@require_POST
@permission_required(CreditPermission.VIEW_RATING, raise_exception=True)
def rating_opinion(request, pk):
    """002 第十九条: the salesperson in charge gives their opinion on the proposed grade."""
    rating = get_rating_for_user(request.user, pk, request=request)
    form = SalespersonOpinionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether you agree with the proposed grade."))
        return redirect(rating.get_absolute_url())
    try:
        services.sign_rating_as_salesperson(
            rating_id=rating.pk,
            by=request.user,
            agrees=form.cleaned_data["agrees"],
            opinion=form.cleaned_data.get("opinion", ""),
            request=request,
        )
        messages.success(request, _("Your opinion is recorded."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(rating.get_absolute_url())


@permission_required(CreditPermission.VIEW_RATING, raise_exception=True)
def rating_pdf(request, pk):
    """The 客户信用等级分类表 (002 第十九条) of one rating, with its signatures."""
    rating = get_rating_for_user(request.user, pk, request=request)
    steps = rating.approval.current_steps() if rating.approval_id else ()
    data = pdf.rating_pdf(rating, steps=steps, printed_by=request.user)
    record_event(
        "credit.print", actor=request.user, request=request, obj=rating, data={"customer": rating.customer_id}
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rating-{rating.pk}.pdf"'
    return response

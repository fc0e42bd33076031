"""The investigation form (grouped like the paper 客户信用调查评定表), its page with contradictions, sign,
review, filing and the printed form (seed 002 第十–十一条)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.audit.services import record_event
from xindang.core.errors import DomainError, form_error
from xindang.customers.permissions import get_customer_for_user
from xindang.policy.selectors import current_policy

from .. import pdf, rules, selectors, services
from ..forms import InvestigationForm, ReviewForm, year_formset, years_data
from ..models import InvestigationStatus, RatingStatus
from ..permissions import CreditPermission, get_investigation_for_user
from ..texts import reason_rows


def finding_rows(inv) -> list[dict]:
    """The investigator's findings (rules.FINDINGS) with the figure given beside each, for the page."""
    rows = []
    for f in rules.FINDINGS:
        count = getattr(inv, f.count_field) if f.count_field else None
        rows.append(
            {
                "field": f.field,
                "label": inv._meta.get_field(f.field).verbose_name,
                "value": getattr(inv, f.field),
                "article": f.article,
                "count_label": inv._meta.get_field(f.count_field).verbose_name if f.count_field else "",
                "count": count,
            }
        )
    return rows


def _form_page(request, *, customer, inv=None):
    form = InvestigationForm(request.POST or None, instance=inv)
    years = year_formset(request.POST or None, investigation=inv)
    if request.method == "POST" and form.is_valid() and years.is_valid():
        try:
            if inv is None:
                saved = services.create_investigation(
                    customer_id=customer.pk,
                    by=request.user,
                    data=form.service_data(),
                    years=years_data(years),
                    request=request,
                )
                messages.success(request, _("Investigation saved as a draft."))
            else:
                saved = services.update_investigation(
                    investigation_id=inv.pk,
                    by=request.user,
                    data=form.service_data(),
                    years=years_data(years),
                    expected_version=form.cleaned_data.get("version"),
                    request=request,
                )
                messages.success(request, _("Investigation saved."))
            return redirect(saved.get_absolute_url())
        except DomainError as exc:
            form_error(form, exc)
    return render(
        request,
        "credit/investigation_form.html",
        {"form": form, "years": years, "customer": customer, "inv": inv},
    )


@permission_required(CreditPermission.ADD, raise_exception=True)
def investigation_create(request, pk):
    customer = get_customer_for_user(request.user, pk, request=request)
    return _form_page(request, customer=customer)


@permission_required(CreditPermission.CHANGE, raise_exception=True)
def investigation_edit(request, pk):
    inv = get_investigation_for_user(request.user, pk, request=request)
    if inv.status != InvestigationStatus.DRAFT:
        messages.error(request, _("Only a draft investigation can be changed."))
        return redirect(inv.get_absolute_url())
    return _form_page(request, customer=inv.customer, inv=inv)


@permission_required(CreditPermission.VIEW, raise_exception=True)
def investigation_detail(request, pk):
    inv = get_investigation_for_user(request.user, pk, request=request)
    user = request.user
    found = selectors.investigation_contradictions(inv)
    flags = (
        reason_rows(found) if inv.status != InvestigationStatus.REVIEWED else reason_rows(inv.contradictions)
    )
    can_sign = inv.status == InvestigationStatus.DRAFT and inv.created_by_id == user.pk
    can_review = (
        inv.status == InvestigationStatus.SIGNED
        and user.has_perm(CreditPermission.REVIEW)
        and user.pk not in (inv.created_by_id, inv.signed_by_id)
    )
    findings = finding_rows(inv)
    policy_section = current_policy().credit
    can_review = can_review and services.reviewer_problem(inv, user, policy_section) is None
    can_file = (
        inv.status == InvestigationStatus.REVIEWED
        and inv.filed_at is None
        and user.has_perm(CreditPermission.FILE)
    )
    return render(
        request,
        "credit/investigation_detail.html",
        {
            "inv": inv,
            "customer": inv.customer,
            "years": list(inv.years.all()),
            "flags": flags,
            "findings": findings,
            "can_edit": inv.status == InvestigationStatus.DRAFT and user.has_perm(CreditPermission.CHANGE),
            "can_sign": can_sign,
            "can_review": can_review,
            "can_file": can_file,
            "review_form": ReviewForm(),
        },
    )


@require_POST
@permission_required(CreditPermission.ADD, raise_exception=True)
def investigation_sign(request, pk):
    inv = get_investigation_for_user(request.user, pk, request=request)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("Confirm that you answer for the truth of this form."))
        return redirect(inv.get_absolute_url())
    try:
        services.sign_investigation(investigation_id=inv.pk, by=request.user, request=request)
        messages.success(request, _("Investigation signed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(inv.get_absolute_url())


@require_POST
@permission_required(CreditPermission.REVIEW, raise_exception=True)
def investigation_review(request, pk):
    inv = get_investigation_for_user(request.user, pk, request=request)
    form = ReviewForm(request.POST)
    form.is_valid()
    try:
        services.review_investigation(
            investigation_id=inv.pk,
            by=request.user,
            notes=form.cleaned_data.get("notes", ""),
            request=request,
        )
        messages.success(request, _("Investigation reviewed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(inv.get_absolute_url())


@require_POST
@permission_required(CreditPermission.FILE, raise_exception=True)
def investigation_file(request, pk):
    """002 第十条 财务部门备案."""
    inv = get_investigation_for_user(request.user, pk, request=request)
    try:
        services.file_investigation(investigation_id=inv.pk, by=request.user, request=request)
        messages.success(request, _("Investigation filed by the finance department."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(inv.get_absolute_url())


@permission_required(CreditPermission.VIEW, raise_exception=True)
def investigation_pdf(request, pk):
    inv = get_investigation_for_user(request.user, pk, request=request)
    rating = inv.ratings.exclude(status=RatingStatus.WITHDRAWN).order_by("-proposed_at", "-id").first()
    approval, steps = None, ()
    if rating is not None and rating.approval_id:
        approval = rating.approval
        steps = approval.current_steps()
    data = pdf.investigation_pdf(inv, rating=rating, approval=approval, steps=steps, printed_by=request.user)
    record_event(
        "credit.print", actor=request.user, request=request, obj=inv, data={"customer": inv.customer_id}
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="investigation-{inv.pk}.pdf"'
    return response

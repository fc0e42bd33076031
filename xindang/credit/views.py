"""Credit screens: the credit list, the file's 资信调查与评级 panel, the investigation form (grouped
like the paper form), its page with contradictions, sign and review, the printed form, and the
rating proposal. Thin: capability → access helper → form → one service → message + redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.accounts.models import Department
from xindang.accounts.roles import role_label
from xindang.audit.services import record_event
from xindang.core import xlsx
from xindang.core.errors import DomainError, form_error
from xindang.core.money import format_yuan
from xindang.core.pagination import CappedPaginator
from xindang.customers.selectors import get_customer_for_user
from xindang.policy.selectors import current_policy
from xindang.relations.selectors import credit_evidence as relations_evidence

from . import pdf, rules, selectors, services
from .forms import (
    InvestigationForm,
    ProposeForm,
    ReviewForm,
    SalespersonOpinionForm,
    year_formset,
    years_data,
)
from .models import Grade, Investigation, InvestigationStatus, Rating, RatingStatus
from .models import Investigation as Inv
from .permissions import CreditPermission
from .texts import SOURCE_TEXTS, reason_rows

PAGE_SIZE = 50
MAX_EXPORT_ROWS = 50000

GRADE_CLASSES = {"A": "active", "B": "warn", "C": "bad", "jia": "active", "yi": "warn", "bing": "bad"}
STATE_CLASSES = {selectors.VALID: "active", selectors.EXPIRED: "bad", selectors.MISSING: "warn"}


def state_labels():
    return {
        selectors.VALID: _("Valid"),
        selectors.EXPIRED: _("Expired"),
        selectors.MISSING: _("Missing"),
    }


def _grade_label(grade):
    if not grade:
        return None
    return {"code": grade, "label": Grade(grade).label, "css": GRADE_CLASSES.get(grade, "")}


def _inv_state(valid_until, today):
    if valid_until is None:
        return selectors.MISSING
    return selectors.VALID if valid_until >= today else selectors.EXPIRED


def _investigation_for_user(request, pk, *, for_update=False) -> Investigation:
    inv = Investigation.objects.filter(pk=pk).select_related("customer").first()
    if inv is None:
        raise Http404
    get_customer_for_user(request.user, inv.customer_id, request=request)
    return inv


def _rating_for_user(request, pk) -> Rating:
    rating = Rating.objects.filter(pk=pk).select_related("customer", "investigation", "proposed_by").first()
    if rating is None:
        raise Http404
    get_customer_for_user(request.user, rating.customer_id, request=request)
    return rating


# --- The credit list -------------------------------------------------------------------------------
@permission_required(CreditPermission.VIEW, raise_exception=True)
def credit_list(request):
    params = request.GET
    today = timezone.localdate()
    qs = selectors.credit_list(request.user, params, on=today)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(params.get("page"))
    labels = state_labels()
    rows = []
    for c in page.object_list:
        state = _inv_state(c.valid_until, today)
        rows.append(
            {
                "customer": c,
                "grade": _grade_label(c.grade),
                "rated_at": c.rated_at,
                "valid_until": c.valid_until,
                "state": state,
                "state_label": labels[state],
                "state_class": STATE_CLASSES[state],
                "has_open": c.has_open,
            }
        )
    return render(
        request,
        "credit/list.html",
        {
            "page": page,
            "rows": rows,
            "params": params,
            "grades": Grade.choices,
            "states": list(labels.items()),
            "departments": Department.objects.filter(is_active=True),
            "sort": params.get("sort") or selectors.DEFAULT_SORT,
            "can_export": request.user.has_perm(CreditPermission.EXPORT),
        },
    )


@permission_required(CreditPermission.EXPORT, raise_exception=True)
def export(request):
    today = timezone.localdate()
    qs = selectors.credit_list(request.user, request.GET, on=today)[:MAX_EXPORT_ROWS]
    columns = [
        xlsx.Column(_("File number")),
        xlsx.Column(_("Customer")),
        xlsx.Column(_("Department")),
        xlsx.Column(_("Salesperson")),
        xlsx.Column(_("Grade")),
        xlsx.Column(_("Rated on")),
        xlsx.Column(_("Investigation valid until")),
        xlsx.Column(_("Investigation")),
    ]
    labels = state_labels()
    count = 0

    def rows():
        nonlocal count
        for c in qs:
            count += 1
            yield [
                c.file_no,
                c.name,
                str(c.department),
                str(c.owner),
                str(Grade(c.grade).label) if c.grade else "",
                timezone.localtime(c.rated_at).date() if c.rated_at else None,
                c.valid_until,
                str(labels[_inv_state(c.valid_until, today)]),
            ]

    out = xlsx.xlsx_file(columns, rows(), title=_("Credit"))
    record_event("credit.export", actor=request.user, request=request, data={"rows": count})
    return xlsx.file_response(out, f"credit-{today:%Y%m%d}.xlsx")


# --- The file's panel ------------------------------------------------------------------------------
def customer_section(request, pk):
    customer = get_customer_for_user(request.user, pk, request=request)
    user = request.user
    allowed = user.has_perm(CreditPermission.VIEW)
    ctx = {"customer": customer, "allowed": allowed}
    if allowed:
        current = selectors.current_rating(customer)
        status = selectors.investigation_status(customer)
        ratings = (
            list(selectors.ratings_of(customer)[:50]) if user.has_perm(CreditPermission.VIEW_RATING) else []
        )
        for r in ratings:
            r.grade_info = _grade_label(r.grade)
            r.reason_rows = reason_rows(r.reasons)
        ctx.update(
            {
                "current": current,
                "current_grade": _grade_label(current.grade) if current else None,
                "current_reasons": reason_rows(current.reasons) if current else [],
                "status": status,
                "state_label": state_labels()[status["state"]],
                "state_class": STATE_CLASSES[status["state"]],
                "investigations": list(selectors.investigations_of(customer)[:30]),
                "ratings": ratings,
                "can_add": user.has_perm(CreditPermission.ADD),
                "can_propose": user.has_perm(CreditPermission.PROPOSE) and status["state"] == selectors.VALID,
            }
        )
    return render(request, "credit/_customer_section.html", ctx)


# --- Investigation form ----------------------------------------------------------------------------
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
    inv = _investigation_for_user(request, pk)
    if inv.status != InvestigationStatus.DRAFT:
        messages.error(request, _("Only a draft investigation can be changed."))
        return redirect(inv.get_absolute_url())
    return _form_page(request, customer=inv.customer, inv=inv)


@permission_required(CreditPermission.VIEW, raise_exception=True)
def investigation_detail(request, pk):
    inv = _investigation_for_user(request, pk)
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
    inv = _investigation_for_user(request, pk)
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
    inv = _investigation_for_user(request, pk)
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
    inv = _investigation_for_user(request, pk)
    try:
        services.file_investigation(investigation_id=inv.pk, by=request.user, request=request)
        messages.success(request, _("Investigation filed by the finance department."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(inv.get_absolute_url())


@permission_required(CreditPermission.VIEW, raise_exception=True)
def investigation_pdf(request, pk):
    inv = _investigation_for_user(request, pk)
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


# --- Ratings ---------------------------------------------------------------------------------------
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
    facts = _fact_rows(result.facts) if result else []
    return render(
        request,
        "credit/propose.html",
        {
            "customer": customer,
            "inv": inv,
            "result": result,
            "grade": _grade_label(result.grade) if result else None,
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


def _fact_rows(facts) -> list[tuple]:
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
    rating = _rating_for_user(request, pk)
    section = current_policy().credit
    pending = services.salesperson_pending(rating, section)
    return render(
        request,
        "credit/rating_detail.html",
        {
            "rating": rating,
            "customer": rating.customer,
            "grade": _grade_label(rating.grade),
            "computed": _grade_label(rating.computed_grade),
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
    rating = _rating_for_user(request, pk)
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
    rating = _rating_for_user(request, pk)
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
    rating = _rating_for_user(request, pk)
    steps = rating.approval.current_steps() if rating.approval_id else ()
    data = pdf.rating_pdf(rating, steps=steps, printed_by=request.user)
    record_event(
        "credit.print", actor=request.user, request=request, obj=rating, data={"customer": rating.customer_id}
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="rating-{rating.pk}.pdf"'
    return response

"""Credit-grant screens: the list, the request form with the live ceiling, the grant page, the notice
PDF, the customer file's section and header badge, the contract badge, and the policy back-test.
Thin: capability check → access helper → form → one service → message/redirect."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.accounts.models import Department
from xindang.approvals.selectors import trail_rows
from xindang.audit.services import record_event
from xindang.contracts.permissions import get_contract_for_user
from xindang.core.errors import DomainError, form_error
from xindang.core.pagination import CappedPaginator
from xindang.core.xlsx import XLSX_TYPE
from xindang.credit.picture import credit_picture, picture_reads
from xindang.customers.permissions import get_customer_for_user
from xindang.documents.selectors import visible_documents
from xindang.policy.selectors import current_policy, get_version

from . import rules, selectors, services
from .backtest import cached_backtest
from .forms import CollateralFormSet, GrantRequestForm, GuaranteeFormSet, filled, parse_amount
from .letters import reply_kind
from .models import GrantKind, GrantStatus
from .pdf import notice_pdf, reply_letter_pdf
from .permissions import GrantPermission, get_grant_for_user
from .spreadsheets import write_backtest_xlsx, write_grants_xlsx
from .texts import reason_text, step_text

PAGE_SIZE = 50
MAX_EXPORT_ROWS = 100_000

GRADE_CLASSES = {"A": "active", "B": "warn", "C": "bad", "jia": "active", "yi": "warn", "bing": "bad"}
GRADE_LABELS = {"jia": "甲", "yi": "乙", "bing": "丙"}
STATUS_CLASSES = {
    GrantStatus.DRAFT: "prospective",
    GrantStatus.PENDING: "prospective",
    GrantStatus.ACTIVE: "active",
    GrantStatus.REJECTED: "bad",
    GrantStatus.REPLACED: "past",
    GrantStatus.EXPIRED: "warn",
    GrantStatus.WITHDRAWN: "past",
}


def grade_label(grade: str) -> str:
    return GRADE_LABELS.get(grade, grade or "—")


def _decorate(grants, today=None):
    today = today or timezone.localdate()
    for g in grants:
        expired = selectors.is_expired(g, today)
        g.status_label = _("Expired") if expired else g.get_status_display()
        g.status_class = STATUS_CLASSES.get(GrantStatus.EXPIRED if expired else g.status, "")
        g.grade_label = grade_label(g.grade)
        g.grade_class = GRADE_CLASSES.get(g.grade, "")
        yield g


# --- The list --------------------------------------------------------------------------------------
@permission_required(GrantPermission.VIEW, raise_exception=True)
def grant_list(request):
    params = request.GET
    qs = selectors.grant_list(request.user, params)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(params.get("page"))
    page.object_list = list(_decorate(page.object_list))
    return render(
        request,
        "grants/list.html",
        {
            "page": page,
            "params": params,
            "sort": params.get("sort") or selectors.DEFAULT_SORT,
            "statuses": [*GrantStatus.choices],
            "kinds": GrantKind.choices,
            "grades": [(g, grade_label(g)) for g in ("A", "B", "C", "jia", "yi", "bing")],
            "departments": Department.objects.filter(is_active=True),
            "can_export": request.user.has_perm(GrantPermission.EXPORT),
        },
    )


@permission_required(GrantPermission.EXPORT, raise_exception=True)
def export(request):
    qs = selectors.grant_list(request.user, request.GET)
    count = qs.count()
    if count > MAX_EXPORT_ROWS:
        messages.error(request, _("Too many grants to export; narrow the filter."))
        return redirect(reverse("grants:list") + "?" + request.GET.urlencode())
    out = write_grants_xlsx(_decorate(qs.iterator(chunk_size=2000)))
    record_event(
        "grant.export", actor=request.user, request=request, data={"count": count, **request.GET.dict()}
    )
    response = HttpResponse(out, content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="credit-grants.xlsx"'
    return response


# --- Request ---------------------------------------------------------------------------------------
def _documents(user, customer):
    return visible_documents(user, customer).order_by("title")


def _ceiling_view(ctx, limit_amount=None, term_days=None, customer=None) -> dict:
    ceiling = ctx.ceiling
    problems = ceiling.problems(limit_amount, term_days or 1) if limit_amount is not None else []
    plan = (
        services.reduction_plan(
            ctx, limit_amount=limit_amount, section=current_policy().grants, customer=customer
        )
        if limit_amount is not None and customer is not None and not problems
        else []
    )
    return {
        "schedule": [step_text(step) for step in plan],
        "ceiling": ceiling,
        "grade": ctx.grade,
        "grade_label": grade_label(ctx.grade),
        "grade_class": GRADE_CLASSES.get(ctx.grade, ""),
        "reasons": [reason_text(r) for r in ceiling.reasons],
        "facts": ctx.facts,
        "existing": ctx.existing,
        "problems": problems,
        "limit_amount": limit_amount,
        "warnings": [
            reason_text(w)
            for w in rules.adjustment_warnings(
                ctx.existing.limit_amount if ctx.existing else None, limit_amount or 0
            )
        ]
        + [  # 第三十三条: below what is owed, the customer goes on the reduction list at once
            reason_text(w)
            for w in rules.below_exposure_warnings(limit_amount, selectors.committed_amount(customer))
        ]
        if limit_amount is not None and customer is not None
        else [],
    }


def _collateral_total(formset) -> Decimal:
    total = Decimal(0)
    for form in formset.forms:
        if not form.has_changed():
            continue
        data = form.data
        if data.get(form.add_prefix("DELETE")):
            continue
        try:
            total += parse_amount(
                data.get(form.add_prefix("value_amount")), data.get(form.add_prefix("value_unit"))
            )
        except ValidationError:  # half-typed input while the user types
            continue
    return total


@permission_required(GrantPermission.REQUEST, raise_exception=True)
def ceiling(request, pk):
    """htmx: the ceiling for what the form holds now (kind, collateral), and the limit checked."""
    customer = get_customer_for_user(request.user, pk, request=request)
    data = request.POST if request.method == "POST" else request.GET
    docs = _documents(request.user, customer)
    collateral = CollateralFormSet(data, prefix="collateral", form_kwargs={"documents": docs})
    kind = data.get("kind") if data.get("kind") in rules.KINDS else rules.LONG_TERM
    ctx = services.compute_ceiling(
        customer=customer, kind=kind, collateral_value=_collateral_total(collateral)
    )
    try:
        limit = (
            parse_amount(data.get("limit_amount"), data.get("limit_unit"))
            if data.get("limit_amount")
            else None
        )
    except ValidationError:
        limit = None
    term = int(data["term_days"]) if str(data.get("term_days", "")).isdigit() else None
    return render(
        request, "grants/_ceiling.html", {"customer": customer, **_ceiling_view(ctx, limit, term, customer)}
    )


@permission_required(GrantPermission.REQUEST, raise_exception=True)
def request_grant(request, pk):
    customer = get_customer_for_user(request.user, pk, request=request)
    docs = _documents(request.user, customer)
    data = request.POST if request.method == "POST" else None
    # The rating, grants, exposure and the credit picture's lists in one statement, once for the page.
    known = picture_reads(customer)
    existing = known.in_force
    form = GrantRequestForm(
        data,
        initial={"kind": existing.kind if existing else GrantKind.LONG_TERM, "term_days": 30},
    )
    collateral = CollateralFormSet(data, prefix="collateral", form_kwargs={"documents": docs})
    guarantees = GuaranteeFormSet(data, prefix="guarantee", form_kwargs={"documents": docs})
    if request.method == "POST" and form.is_valid() and collateral.is_valid() and guarantees.is_valid():
        try:
            grant = services.request_grant(
                customer=customer,
                by=request.user,
                kind=form.cleaned_data["kind"],
                limit_amount=form.cleaned_data["limit_amount"],
                term_days=form.cleaned_data["term_days"],
                reason=form.cleaned_data["reason"],
                collateral=[
                    {k: c[k] for k in ("type", "description", "value_amount", "documents")}
                    for c in filled(collateral)
                ],
                guarantees=[
                    {k: g[k] for k in ("guarantor_name", "credit_code", "amount", "document")}
                    for g in filled(guarantees)
                ],
                request=request,
            )
        except DomainError as exc:
            form_error(form, exc)
            form.error_code = exc.code
        else:
            messages.success(request, _("The grant request was sent for approval."))
            return redirect("grants:detail", pk=grant.pk)
    kind = (data or {}).get("kind") if (data or {}).get("kind") in rules.KINDS else form["kind"].value()
    ctx = services.compute_ceiling(
        customer=customer,
        kind=kind or rules.LONG_TERM,
        collateral_value=_collateral_total(collateral),
        known=known,
    )
    limit = form.cleaned_data.get("limit_amount") if form.is_bound and hasattr(form, "cleaned_data") else None
    return render(
        request,
        "grants/form.html",
        {
            "customer": customer,
            "form": form,
            "collateral": collateral,
            "guarantees": guarantees,
            "existing": existing,
            "pending": known.pending,
            "error_code": getattr(form, "error_code", ""),
            "picture": credit_picture(customer, known=known),
            **_ceiling_view(
                ctx, limit, form.cleaned_data.get("term_days") if limit is not None else None, customer
            ),
        },
        status=422 if request.method == "POST" else 200,
    )


# --- The grant -------------------------------------------------------------------------------------
def _trail(grant) -> list[dict]:
    if grant.approval_id is None:
        return []

    return trail_rows(grant.approval)


def _reply_kind(grant):
    previous = grant.replaces
    return reply_kind(
        status=grant.status,
        limit_amount=grant.limit_amount,
        previous_limit=previous.limit_amount if previous is not None else None,
    )


@permission_required(GrantPermission.VIEW, raise_exception=True)
def grant_detail(request, pk):
    grant = get_grant_for_user(request.user, pk, request=request)
    _decorate_one = next(_decorate([grant]))
    return render(
        request,
        "grants/detail.html",
        {
            "grant": _decorate_one,
            "customer": grant.customer,
            "reasons": [reason_text(r) for r in grant.ceiling_reasons],
            "collaterals": grant.collaterals.prefetch_related("documents"),
            "guarantees": grant.guarantees.select_related("document"),
            "replaced_by": grant.replaced_by.all(),
            "steps": selectors.reduction_steps(grant),
            "limit_today": selectors.limit_in_force(grant) if grant.status == GrantStatus.ACTIVE else None,
            "can_print": request.user.has_perm(GrantPermission.PRINT_NOTICE)
            and grant.status == GrantStatus.ACTIVE,
            "reply_kind": _reply_kind(grant) if request.user.has_perm(GrantPermission.PRINT_NOTICE) else None,
            "history": grant.history.select_related("history_user").order_by("-history_date")[:20],
            "picture": credit_picture(
                grant.customer, grant=grant if grant.status == GrantStatus.PENDING else None
            ),
        },
    )


@permission_required(GrantPermission.PRINT_NOTICE, raise_exception=True)
def notice(request, pk):
    grant = get_grant_for_user(request.user, pk, request=request)
    if grant.status not in (GrantStatus.ACTIVE, GrantStatus.EXPIRED, GrantStatus.REPLACED):
        raise Http404
    internal = request.GET.get("copy") == "internal"  # the internal copy carries the approval trail
    company = current_policy().core.company_name
    pdf = notice_pdf(grant, trail=_trail(grant) if internal else [], company=company, internal=internal)
    services.record_notice_download(grant=grant, by=request.user, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"grant-notice-{grant.pk}{'-internal' if internal else ''}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@permission_required(GrantPermission.PRINT_NOTICE, raise_exception=True)
def reply_letter(request, pk):
    """回复客户的标准函 to a refused request or a reduced limit, on the company's letterhead."""

    grant = get_grant_for_user(request.user, pk, request=request)
    kind = _reply_kind(grant)
    if kind is None:
        raise Http404
    company = current_policy().core.company_name
    pdf = reply_letter_pdf(grant, kind=kind, company=company, previous=grant.replaces)
    services.record_notice_download(grant=grant, by=request.user, request=request)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="grant-reply-{grant.pk}.pdf"'
    return response


# --- Fragments on other pages ----------------------------------------------------------------------
def customer_section(request, pk):
    """The 授信 panel of the customer file (htmx into #grants)."""
    customer = get_customer_for_user(request.user, pk, request=request)
    allowed = request.user.has_perm(GrantPermission.VIEW)
    grants = list(_decorate(selectors.customer_grants(customer)[:20])) if allowed else []
    active = selectors.active_grant(customer) if allowed else None
    return render(
        request,
        "grants/_customer_section.html",
        {
            "customer": customer,
            "allowed": allowed,
            "grants": grants,
            "active": active,
            "pending": selectors.pending_grant(customer) if allowed else None,
            "can_request": request.user.has_perm(GrantPermission.REQUEST),
        },
    )


def customer_header(request, pk):
    """Grade, limit, exposure, utilisation bar and warnings for the customer file header."""
    customer = get_customer_for_user(request.user, pk, request=request)
    if not request.user.has_perm(GrantPermission.VIEW):
        return HttpResponse("")  # limits and exposure are for those who may see the grants
    state = selectors.header_state(customer)
    grade = getattr(state.rating, "grade", "") or ""
    return render(
        request,
        "grants/_customer_header.html",
        {
            "customer": customer,
            "state": state,
            "grade": grade,
            "grade_label": grade_label(grade),
            "grade_class": GRADE_CLASSES.get(grade, ""),
            "bar_width": min(state.utilisation or 0, 100),
            "bar_class": "bad" if (state.utilisation or 0) >= 100 else "",
        },
    )


def contract_badge(request, pk):
    """The customer's grant in force on a contract page (htmx into #grant)."""

    contract = get_contract_for_user(request.user, pk, request=request)
    grant = selectors.active_grant(contract.customer)
    return render(
        request,
        "grants/_contract_badge.html",
        {
            "contract": contract,
            "grant": grant,
            "allowed": request.user.has_perm(GrantPermission.VIEW),
            "grade_label": grade_label(grant.grade) if grant else "",
            "grade_class": GRADE_CLASSES.get(grant.grade, "") if grant else "",
        },
    )


# --- Back-test -------------------------------------------------------------------------------------
@permission_required(GrantPermission.BACKTEST, raise_exception=True)
def backtest(request, pk):
    version = get_version(pk)
    if version is None or version.status != version.Status.DRAFT:
        raise Http404
    result, computed = cached_backtest(version, fresh=bool(request.GET.get("fresh")))
    if computed or selectors.latest_backtest(version) is None:
        services.record_backtest(result=result, draft=version, by=request.user, request=request)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(write_backtest_xlsx(result, grade_label), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="backtest-v{version.number}.xlsx"'
        return response
    show = request.GET.get("show", "")
    rows = result.rows
    if show in ("grade_changed", "ceiling_changed", "below_limit", "newly_blocked"):
        rows = [r for r in rows if getattr(r, show)]
    page = CappedPaginator(rows, PAGE_SIZE, cap=None).get_page(request.GET.get("page"))
    for r in page.object_list:
        r.grade_old_label, r.grade_new_label = grade_label(r.grade_old), grade_label(r.grade_new)
        r.grade_old_class, r.grade_new_class = (
            GRADE_CLASSES.get(r.grade_old, ""),
            GRADE_CLASSES.get(r.grade_new, ""),
        )
    return render(
        request,
        "grants/backtest.html",
        {
            "version": version,
            "result": result,
            "page": page,
            "show": show,
            "transitions": sorted(
                ((grade_label(a), grade_label(b), n) for (a, b), n in result.transitions.items()),
                key=lambda t: -t[2],
            ),
            "policy": current_policy(),
        },
    )

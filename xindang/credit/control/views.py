"""Credit control screens: the reduction list (第三十三–三十四条) with export, a customer's credit
control page (over-limit decisions and recent checks), the check form (the same service as
POST /api/credit-check) and the over-limit request. Thin: capability → access helper → form →
one service → message/redirect; DomainError becomes a form error."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.accounts.models import Department, User
from xindang.audit.services import record_event
from xindang.core import xlsx
from xindang.core.errors import DomainError, form_error
from xindang.core.pagination import CappedPaginator
from xindang.credit.grants.known import KnownCredit
from xindang.credit.picture import credit_picture, picture_reads
from xindang.customers.permissions import get_customer_for_user

from . import permissions, rules, selectors, services
from .forms import CheckForm, DecideStopForm, OverLimitForm, StopShipmentsForm
from .models import OverLimitStatus
from .permissions import ControlPermission
from .services import stops
from .services.stops import can_decide_stop, can_stop_shipments
from .services.stops import stop_shipments as stop
from .texts import reasons_out

PAGE_SIZE = 50

OUTCOME_CLASSES = {
    rules.ALLOW: "active",
    rules.WARN: "warn",
    rules.BLOCK: "bad",
    rules.APPROVAL_REQUIRED: "warn",
}
STATUS_CLASSES = {
    OverLimitStatus.PENDING: "warn",
    OverLimitStatus.APPROVED: "active",
    OverLimitStatus.USED: "past",
    OverLimitStatus.REJECTED: "bad",
    OverLimitStatus.RETURNED: "warn",
    OverLimitStatus.WITHDRAWN: "past",
}


def grade_class(grade: str | None) -> str:
    return {"A": "active", "甲": "active", "B": "warn", "乙": "warn", "C": "bad", "丙": "bad"}.get(
        grade or "", ""
    )


def _filters(request) -> dict:
    return {
        "department": request.GET.get("department") or "",
        "owner": request.GET.get("owner") or "",
        "q": (request.GET.get("q") or "").strip(),
        "reason": request.GET.get("reason") or "",
    }


def _queryset(request, params):
    def as_int(v):
        return int(v) if str(v).isdigit() else None

    return selectors.reduction_queryset(
        request.user,
        department=as_int(params["department"]),
        owner=as_int(params["owner"]),
        q=params["q"],
        reason=params["reason"],
    )


MAX_EXPORT_ROWS = 100_000


@permission_required(ControlPermission.VIEW_REDUCTION, raise_exception=True)
def reduction(request):
    """Customers over their limit or without one but with exposure, with the amount to reduce."""

    params = _filters(request)
    qs = _queryset(request, params)
    totals = qs.aggregate(count=Count("pk"), total=Sum("reduce_by"))  # one pass for both
    paginator = CappedPaginator(qs, PAGE_SIZE, cap=None)
    paginator.count = totals["count"]
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.reduction_rows(page.object_list)
    for row in page.object_list:
        row.grade_class = grade_class(row.grade)
    return render(
        request,
        "credit_control/reduction.html",
        {
            "page": page,
            "params": params,
            "departments": Department.objects.order_by("code"),
            "owners": User.objects.filter(is_active=True).order_by("username"),
            "total_reduce": totals["total"] or 0,
            "can_export": request.user.has_perm(ControlPermission.EXPORT_REDUCTION),
            "can_check": request.user.has_perm(ControlPermission.CHECK),
        },
    )


@permission_required(ControlPermission.EXPORT_REDUCTION, raise_exception=True)
def reduction_export(request):
    params = _filters(request)
    rows = selectors.reduction_rows(_queryset(request, params)[:MAX_EXPORT_ROWS])
    columns = [
        xlsx.Column(_("File number")),
        xlsx.Column(_("Customer")),
        xlsx.Column(_("Grade")),
        xlsx.Column(_("Department")),
        xlsx.Column(_("Owner")),
        xlsx.Column(_("Reason")),
        xlsx.Column(_("Limit")),
        xlsx.Column(_("Exposure")),
        xlsx.Column(_("To reduce")),
    ]
    out = xlsx.xlsx_file(
        columns,
        (
            [
                r.customer.file_no,
                r.customer.name,
                r.grade or "",
                r.customer.department.name,
                str(r.customer.owner),
                _("Over the limit") if r.reason == selectors.OVER_LIMIT else _("No limit"),
                r.limit_amount,
                r.exposure_amount,
                r.reduce_by_amount,
            ]
            for r in rows
        ),
        title=_("Reduction list"),
    )
    record_event(
        "reduction.export", actor=request.user, request=request, data={"filters": params, "count": len(rows)}
    )
    return xlsx.file_response(out, f"reduction-{timezone.localdate().isoformat()}.xlsx")


def _context(request, customer, known=None) -> dict:
    user = request.user
    known = known or KnownCredit(customer)
    lists = selectors.file_parts(user)
    known.want(**lists)
    open_stop, past_stops = selectors.stops_among(known.rows("control_stops"))
    return {
        "stop": open_stop,
        "past_stops": past_stops,
        "can_stop": can_stop_shipments(user, customer),
        "can_decide_stop": can_decide_stop(user, customer),
        "stop_form": StopShipmentsForm(),
        "decide_form": DecideStopForm(),
        "customer": customer,
        "row": selectors.on_reduction_list(customer, known),
        "over_limit": known.rows("control_decisions") if "control_decisions" in lists else [],
        "checks": known.rows("control_checks") if "control_checks" in lists else [],
        "status_classes": STATUS_CLASSES,
        "outcome_classes": OUTCOME_CLASSES,
        "can_check": user.has_perm(ControlPermission.CHECK),
        # 第三十四条: without a limit there is no approval route (unless the GM-only exception is on).
        "can_request": user.has_perm(ControlPermission.REQUEST_OVER_LIMIT) and _has_route(known),
    }


def _has_route(known) -> bool:
    if known.in_force is not None:
        return True
    section, _version = services.section_in_force()
    return section.no_limit_exception


def _decorate(ctx):
    for olr in ctx["over_limit"]:
        olr.status_class = STATUS_CLASSES.get(olr.status, "")
    for c in ctx["checks"]:
        c.outcome_class = OUTCOME_CLASSES.get(c.outcome, "")
        c.reason_list = reasons_out(c.reasons)
    return ctx


def customer_control(request, pk, *, forms=None, status=200):
    """A customer's credit control page: emergency stop, reduction status, over-limit decisions,
    recent checks."""
    if not (
        request.user.has_perm(ControlPermission.VIEW_OVER_LIMIT)
        or request.user.has_perm(ControlPermission.VIEW_CHECKS)
    ):
        raise PermissionDenied
    customer = get_customer_for_user(request.user, pk, request=request)
    # The rating, grants, exposure and the credit picture's lists in one statement, once for the page.
    known = picture_reads(customer, show_checks=False, show_decisions=False)
    ctx = _decorate(_context(request, customer, known))
    ctx.update(forms or {})
    ctx["over_limit"] = list(ctx["over_limit"])
    ctx["checks"] = list(ctx["checks"])
    # The credit picture on top; its checks and decisions are the full lists below.
    ctx["picture"] = credit_picture(customer, show_checks=False, show_decisions=False, known=known)
    return render(request, "credit_control/customer.html", ctx, status=status)


@require_POST
@permission_required(ControlPermission.STOP_SHIPMENTS, raise_exception=True)
def stop_shipments(request, pk):
    """004 客户信息管理制度 第十一条1(3): the salesperson in charge stops shipments at once."""

    customer = get_customer_for_user(request.user, pk, request=request)
    form = StopShipmentsForm(request.POST)
    if form.is_valid():
        try:
            stop(customer=customer, by=request.user, reason=form.cleaned_data["reason"], request=request)
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Shipments stopped; the department manager has been told."))
            return redirect(reverse("credit_control:customer", args=[customer.pk]) + "#shipment-stop")
    return customer_control(request, pk, forms={"stop_form": form}, status=400)


@require_POST
@permission_required(ControlPermission.DECIDE_STOP, raise_exception=True)
def decide_stop(request, pk, action):
    """The department manager confirms or lifts the emergency stop (lifting needs a reason)."""

    if action not in ("confirm", "lift"):
        raise Http404
    customer = get_customer_for_user(request.user, pk, request=request)
    form = DecideStopForm(request.POST)
    if form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if action == "confirm":
                stops.confirm_shipment_stop(customer=customer, by=request.user, note=note, request=request)
                messages.success(request, _("The stop is confirmed: shipments stay stopped."))
            else:
                stops.lift_shipment_stop(customer=customer, by=request.user, reason=note, request=request)
                messages.success(request, _("The stop is lifted: the credit check no longer blocks on it."))
        except DomainError as exc:
            form.add_error("note" if exc.field == "reason" else None, exc.message)
        else:
            return redirect(reverse("credit_control:customer", args=[customer.pk]) + "#shipment-stop")
    return customer_control(request, pk, forms={"decide_form": form}, status=400)


@permission_required(ControlPermission.CHECK, raise_exception=True)
def check(request, pk):
    """The check form: the same service as the API; shows the answer with its reasons."""
    customer = get_customer_for_user(request.user, pk, request=request)
    approved = list(selectors.usable_over_limit(customer))
    form = CheckForm(
        request.POST or None, initial={"amount": request.GET.get("amount") or None}, approved=approved
    )
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.check_credit(
                customer=customer,
                amount=data["amount"],
                kind=data["kind"],
                control_point=data["control_point"],
                reserve=data["reserve"],
                reference=data["reference"],
                over_limit_id=data["over_limit_id"],
                by=request.user,
                request=request,
            )
        except DomainError as exc:
            form_error(form, exc)
    over_form = None
    if result is not None and result.outcome == rules.BLOCK and result.approvable:
        over_form = OverLimitForm(
            initial={
                "amount": result.amount,
                "kind": result.kind,
                "control_point": result.control_point,
                "reference": form.cleaned_data.get("reference", ""),
            }
        )
    return render(
        request,
        "credit_control/check.html",
        {
            "customer": customer,
            "form": form,
            "result": result,
            "outcome_class": OUTCOME_CLASSES.get(result.outcome, "") if result else "",
            "grade_class": grade_class(result.grade) if result else "",
            "over_form": over_form if request.user.has_perm(ControlPermission.REQUEST_OVER_LIMIT) else None,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )


@permission_required(ControlPermission.REQUEST_OVER_LIMIT, raise_exception=True)
def over_limit_request(request, pk):
    customer = get_customer_for_user(request.user, pk, request=request)
    form = OverLimitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            olr = services.request_over_limit(
                customer=customer,
                amount=data["amount"],
                kind=data["kind"],
                control_point=data["control_point"],
                reference=data["reference"],
                reason=data["reason"],
                by=request.user,
                request=request,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Sent for over-limit approval."))
            return redirect("credit_control:over_limit_detail", olr.pk)
    return render(request, "credit_control/over_limit_form.html", {"customer": customer, "form": form})


@permission_required(ControlPermission.VIEW_OVER_LIMIT, raise_exception=True)
def over_limit_detail(request, pk):
    olr = permissions.get_over_limit_for_user(request.user, pk, request=request)
    olr.status_class = STATUS_CLASSES.get(olr.status, "")
    return render(
        request,
        "credit_control/over_limit_detail.html",
        {
            "olr": olr,
            "customer": olr.customer,
            "reasons": reasons_out(olr.reasons),
            "usable": selectors.over_limit_usable(olr),
            "grade_class": grade_class(olr.grade),
            "checks": list(olr.checks.select_related("checked_by")[:10]),
            "picture": credit_picture(
                olr.customer,
                asked_amount=olr.amount
                if olr.status in (OverLimitStatus.PENDING, OverLimitStatus.RETURNED)
                else None,
            ),
        },
    )

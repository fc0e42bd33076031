"""Collection work: the open-work list and its export, the customer file's collection section,
records, promises and trade suspension."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.accounts.models import Department
from xindang.core.errors import DomainError, form_error
from xindang.core.xlsx import XLSX_TYPE
from xindang.ledger import ageing

from .. import selectors, services
from ..errors import CollectionError
from ..forms import (
    PromiseForm,
    ReasonForm,
    RecordForm,
)
from ..permissions import CollectionPermission, get_customer_for_request
from ..spreadsheets import work_xlsx

PAGE_SIZE = 50
PROMISE_CLASSES = {"open": "prospective", "kept": "active", "broken": "bad", "cancelled": "past"}
REPORT_CLASSES = {"open": "warn", "submitted": "prospective", "reviewed": "active", "closed": "past"}


def _back(customer):
    return redirect(customer.get_absolute_url() + "#collection")


# --- The open-work list ---------------------------------------------------------------------------
@permission_required(CollectionPermission.VIEW, raise_exception=True)
def collection_list(request):
    items = selectors.open_work(request.user, request.GET)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "collection/list.html",
        {
            "page": page,
            "count": len(items),
            "params": request.GET,
            "kinds": list(selectors.KIND_LABELS.items()),
            "departments": Department.objects.filter(is_active=True),
            "can_export": request.user.has_perm(CollectionPermission.EXPORT),
            "can_ageing": request.user.has_perm(CollectionPermission.VIEW_AGEING),
        },
    )


@permission_required(CollectionPermission.EXPORT, raise_exception=True)
def collection_export(request):
    items = selectors.open_work(request.user, request.GET)
    services.record_export(
        by=request.user, request=request, what="work", count=len(items), filters=dict(request.GET.items())
    )
    return FileResponse(
        work_xlsx(items),
        as_attachment=True,
        filename=f"collection-{timezone.localdate():%Y%m%d}.xlsx",
        content_type=XLSX_TYPE,
    )


# --- The customer file's section --------------------------------------------------------------------
def customer_section(request, pk):
    customer = get_customer_for_request(request, pk)
    allowed = request.user.has_perm(CollectionPermission.VIEW)
    data = selectors.customer_collection(customer) if allowed else None
    if data:
        for p in data.promises:
            p.css = PROMISE_CLASSES.get(p.display_state, "")
    user = request.user
    ageing_row = None
    if allowed and user.has_perm(CollectionPermission.VIEW_AGEING):
        buckets = ageing.policy_buckets()
        amounts = ageing.ageing_sums(on=timezone.localdate(), buckets=buckets, customer_id=customer.pk).get(
            customer.pk
        )
        if amounts:
            ageing_row = list(zip(buckets, amounts, strict=True))
    return render(
        request,
        "collection/_customer_section.html",
        {
            "customer": customer,
            "allowed": allowed,
            "data": data,
            "today": timezone.localdate(),
            "can_record": user.has_perm(CollectionPermission.ADD_RECORD),
            "can_promise": user.has_perm(CollectionPermission.ADD_PROMISE),
            "can_danger": user.has_perm(CollectionPermission.ADD_DANGER),
            "can_suspend": user.has_perm(CollectionPermission.SUSPEND),
            "can_ageing": user.has_perm(CollectionPermission.VIEW_AGEING),
            "report_classes": REPORT_CLASSES,
            "ageing_row": ageing_row,
        },
    )


# --- Records and promises ---------------------------------------------------------------------------
@permission_required(CollectionPermission.ADD_RECORD, raise_exception=True)
def record_create(request, pk):
    customer = get_customer_for_request(request, pk)
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                record = services.add_record(
                    customer=customer,
                    by=request.user,
                    method=d["method"],
                    contacted_on=d["contacted_on"],
                    summary=d["summary"],
                    contact_person=d["contact_person"],
                    next_step=d["next_step"],
                    next_step_on=d["next_step_on"],
                    request=request,
                )
                if d.get("promise_amount"):
                    if not request.user.has_perm(CollectionPermission.ADD_PROMISE):
                        raise PermissionDenied
                    services.add_promise(
                        customer=customer,
                        by=request.user,
                        amount=d["promise_amount"],
                        promised_on=d["promised_on"],
                        made_on=d["contacted_on"],
                        record=record,
                        request=request,
                    )
            messages.success(request, _("Collection record saved."))
            return _back(customer)
        except DomainError as exc:
            form_error(form, exc)
    return render(
        request,
        "collection/form.html",
        {"form": form, "customer": customer, "title": _("New collection record (商账追讨记录)")},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@permission_required(CollectionPermission.ADD_RECORD, raise_exception=True)
def record_done(request, pk):
    record = selectors.get_record_for_user(request.user, pk)
    services.mark_next_step_done(record=record, by=request.user, request=request)
    messages.success(request, _("Next step marked done."))
    return _back(record.customer)


@permission_required(CollectionPermission.ADD_PROMISE, raise_exception=True)
def promise_create(request, pk):
    customer = get_customer_for_request(request, pk)
    form = PromiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.add_promise(
                customer=customer,
                by=request.user,
                amount=d["amount"],
                promised_on=d["promised_on"],
                note=d["note"],
                request=request,
            )
            messages.success(request, _("Payment promise recorded."))
            return _back(customer)
        except DomainError as exc:
            form_error(form, exc)
    return render(
        request,
        "collection/form.html",
        {"form": form, "customer": customer, "title": _("New payment promise")},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@permission_required(CollectionPermission.ADD_PROMISE, raise_exception=True)
def promise_cancel(request, pk):
    promise = selectors.get_promise_for_user(request.user, pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(CollectionError.REASON_REQUIRED)
        services.cancel_promise(
            promise=promise, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, _("Promise cancelled."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(promise.customer)


# --- Trade suspension -----------------------------------------------------------------------------
@permission_required(CollectionPermission.SUSPEND, raise_exception=True)
def suspension(request, pk, action):
    customer = get_customer_for_request(request, pk)
    form = ReasonForm(request.POST or None)
    active = selectors.active_suspension(customer)
    if request.method == "POST" and form.is_valid():
        try:
            if action == "suspend":
                danger = None
                if request.POST.get("danger", "").isdigit():
                    danger = selectors.get_danger_for_user(request.user, request.POST["danger"])
                services.suspend_trade(
                    customer=customer,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    danger_report=danger,
                    request=request,
                )
                messages.success(
                    request, _("Trade suspended: the credit check blocks this customer until it is lifted.")
                )
            else:
                services.lift_suspension(
                    customer=customer, by=request.user, reason=form.cleaned_data["reason"], request=request
                )
                messages.success(request, _("Trade suspension lifted."))
            return _back(customer)
        except DomainError as exc:
            form_error(form, exc)
    return render(
        request,
        "collection/suspension.html",
        {
            "form": form,
            "customer": customer,
            "action": action,
            "active": active,
            "danger": request.GET.get("danger", ""),
        },
        status=400 if request.method == "POST" else 200,
    )

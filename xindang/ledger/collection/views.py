"""Collection screens: the open-work list, ageing with drill-down, the customer file's collection
section, records, promises, the three reports (with print views) and trade suspension. Thin:
capability check → access helper → form → one service → message + redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xindang.accounts.models import Department
from xindang.core.errors import DomainError
from xindang.customers.selectors import get_customer_for_user, visible_customers

from . import selectors, services
from .forms import (
    MEASURE_LABELS,
    AgeingForm,
    AnomalyForm,
    DangerForm,
    DecideForm,
    OpinionForm,
    ProblemForm,
    PromiseForm,
    ReasonForm,
    RecordForm,
)
from .models import DangerStatus, ReportStatus
from .permissions import CollectionPermission, may_complete
from .spreadsheets import XLSX_TYPE, ageing_xlsx, work_xlsx

PAGE_SIZE = 50
KIND_LABELS = {
    "promise": gettext_lazy("Payment promise"),
    "anomaly": gettext_lazy("Collection-anomaly report"),
    "problem": gettext_lazy("Problem account"),
    "danger": gettext_lazy("Dangerous customer"),
    "next_step": gettext_lazy("Collection next step"),
    "suspension": gettext_lazy("Trade suspended"),
}
PROMISE_CLASSES = {"open": "prospective", "kept": "active", "broken": "bad", "cancelled": "past"}
REPORT_CLASSES = {"open": "warn", "submitted": "prospective", "reviewed": "active", "closed": "past"}


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _customer(request, pk):
    return get_customer_for_user(request.user, pk, request=request)


def _back(customer):
    return redirect(customer.get_absolute_url() + "#collection")


# --- The open-work list ---------------------------------------------------------------------------
def _work(request):
    items = selectors.open_work(request.user, request.GET)
    for i in items:
        i.kind_label = KIND_LABELS[i.kind]
    return items


@permission_required(CollectionPermission.VIEW, raise_exception=True)
def collection_list(request):
    items = _work(request)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "collection/list.html",
        {
            "page": page,
            "count": len(items),
            "params": request.GET,
            "kinds": list(KIND_LABELS.items()),
            "departments": Department.objects.filter(is_active=True),
            "can_export": request.user.has_perm(CollectionPermission.EXPORT),
            "can_ageing": request.user.has_perm(CollectionPermission.VIEW_AGEING),
        },
    )


@permission_required(CollectionPermission.EXPORT, raise_exception=True)
def collection_export(request):
    items = _work(request)
    services.record_export(
        by=request.user, request=request, what="work", count=len(items), filters=dict(request.GET.items())
    )
    return FileResponse(
        work_xlsx(items),
        as_attachment=True,
        filename=f"collection-{timezone.localdate():%Y%m%d}.xlsx",
        content_type=XLSX_TYPE,
    )


# --- Ageing ---------------------------------------------------------------------------------------
def _ageing_params(request):
    form = AgeingForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    on = data.get("on") or timezone.localdate()
    by = data.get("by") or "department"
    return form, on, by, data.get("department"), data.get("salesperson")


def _ageing(request):
    from xindang.ledger import ageing

    form, on, by, department_id, salesperson_id = _ageing_params(request)
    report = ageing.ageing_report(
        on=on,
        dimension=by,
        customers=visible_customers(request.user),
        department_id=department_id,
        salesperson_id=salesperson_id,
    )
    return form, report, department_id, salesperson_id


@permission_required(CollectionPermission.VIEW_AGEING, raise_exception=True)
def ageing_view(request):
    form, report, department_id, salesperson_id = _ageing(request)
    services.record_ageing_view(by=request.user, request=request, on=report.on, dimension=report.dimension)
    page = Paginator(report.rows, 100).get_page(request.GET.get("page"))
    next_by = {"company": "department", "department": "salesperson", "salesperson": "customer"}.get(
        report.dimension
    )
    on = report.on.isoformat()
    for row in page.object_list:
        if report.dimension == "customer":
            row.url = reverse("collection:ageing_entries", args=[row.key]) + f"?on={on}"
        elif next_by:
            key = {"department": "department", "salesperson": "salesperson"}.get(report.dimension)
            extra = {"department": department_id, "salesperson": salesperson_id}
            if key:
                extra[key] = row.key
            row.url = selectors.ageing_url(on=on, by=next_by, **extra)
        if report.dimension == "company":
            row.label = _("Company")
        elif not row.label:
            row.label = _("(none)")
    crumbs = [(_("Company"), selectors.ageing_url(on=on, by="department"))]
    if department_id:
        dept = Department.objects.filter(pk=department_id).first()
        crumbs.append(
            (
                str(dept) if dept else "?",
                selectors.ageing_url(on=on, by="salesperson", department=department_id),
            )
        )
    if salesperson_id:
        from xindang.accounts.models import User

        user = User.objects.filter(pk=salesperson_id).first()
        crumbs.append(
            (
                (user.get_full_name() or user.username) if user else "?",
                selectors.ageing_url(
                    on=on, by="customer", department=department_id, salesperson=salesperson_id
                ),
            )
        )
    return render(
        request,
        "collection/ageing.html",
        {
            "form": form,
            "report": report,
            "page": page,
            "crumbs": crumbs,
            "dimensions": [
                ("department", _("Department")),
                ("salesperson", _("Salesperson")),
                ("customer", _("Customer")),
            ],
            "can_export": request.user.has_perm(CollectionPermission.EXPORT),
        },
    )


@permission_required(CollectionPermission.EXPORT, raise_exception=True)
def ageing_export(request):
    _form, report, _d, _s = _ageing(request)
    services.record_export(
        by=request.user,
        request=request,
        what="ageing",
        count=len(report.rows),
        filters=dict(request.GET.items()),
    )
    name = f"ageing-{report.dimension}-{report.on:%Y%m%d}.xlsx"
    return FileResponse(ageing_xlsx(report), as_attachment=True, filename=name, content_type=XLSX_TYPE)


@permission_required(CollectionPermission.VIEW_AGEING, raise_exception=True)
def ageing_entries(request, pk):
    from xindang.ledger import ageing

    customer = _customer(request, pk)
    form = AgeingForm(request.GET or None)
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()
    buckets = ageing.policy_buckets()
    entries = ageing.aged_entries(customer_id=customer.pk, on=on, buckets=buckets)
    labels = {b.code: b for b in buckets}
    for e in entries:
        e.bucket_obj = labels[e.bucket]
    return render(
        request,
        "collection/ageing_entries.html",
        {
            "customer": customer,
            "on": on,
            "entries": entries,
            "total": sum((e.open_amount for e in entries), 0),
        },
    )


# --- The customer file's section --------------------------------------------------------------------
def customer_section(request, pk):
    customer = _customer(request, pk)
    allowed = request.user.has_perm(CollectionPermission.VIEW)
    data = selectors.customer_collection(customer) if allowed else None
    if data:
        for p in data.promises:
            p.css = PROMISE_CLASSES.get(p.display_state, "")
    user = request.user
    ageing_row = None
    if allowed and user.has_perm(CollectionPermission.VIEW_AGEING):
        from xindang.ledger import ageing

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
    customer = _customer(request, pk)
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            from django.db import transaction

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
            _form_error(form, exc)
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
    customer = _customer(request, pk)
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
            _form_error(form, exc)
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
            raise DomainError("collection.reason_required", _("Give a reason."))
        services.cancel_promise(
            promise=promise, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(request, _("Promise cancelled."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(promise.customer)


# --- Collection-anomaly reports (收款异样报告表) -------------------------------------------------------
@permission_required(CollectionPermission.VIEW, raise_exception=True)
def anomaly_detail(request, pk):
    report = selectors.get_anomaly_for_user(request.user, pk)
    can_complete = (
        report.status == ReportStatus.OPEN
        and request.user.has_perm(CollectionPermission.COMPLETE_ANOMALY)
        and may_complete(request.user, report)
    )
    form = AnomalyForm(request.POST or None) if can_complete else None
    if request.method == "POST":
        if not can_complete:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.complete_anomaly(
                    report=report, by=request.user, request=request, **form.cleaned_data
                )
                messages.success(request, _("Report completed."))
                return redirect(report.get_absolute_url())
            except DomainError as exc:
                _form_error(form, exc)
    return render(
        request, "collection/anomaly.html", {"report": report, "customer": report.customer, "form": form}
    )


def _pdf(report, kind):
    from django.http import HttpResponse

    from .pdf import report_pdf

    response = HttpResponse(report_pdf(report, kind=kind), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{report.pk}.pdf"'
    return response


@permission_required(CollectionPermission.VIEW, raise_exception=True)
def anomaly_print(request, pk):
    report = selectors.get_anomaly_for_user(request.user, pk)
    if request.GET.get("format") == "pdf":
        return _pdf(report, "anomaly")
    return render(
        request,
        "collection/print_anomaly.html",
        {"report": report, "customer": report.customer, "today": timezone.localdate()},
    )


# --- Problem-account reports (问题帐款报告书) ---------------------------------------------------------
@permission_required(CollectionPermission.VIEW, raise_exception=True)
def problem_detail(request, pk):
    report = selectors.get_problem_for_user(request.user, pk)
    user = request.user
    can_write = (
        report.status in (ReportStatus.OPEN, ReportStatus.SUBMITTED)
        and user.has_perm(CollectionPermission.WRITE_PROBLEM)
        and may_complete(user, report)
    )
    can_review = (
        report.status == ReportStatus.SUBMITTED
        and user.has_perm(CollectionPermission.REVIEW_PROBLEM)
        and report.completed_by_id != user.pk
    )
    initial = {
        "facts": report.facts,
        "cause": report.cause,
        "measures": report.measures,
        "responsible": report.responsible_id,
    }
    write_form = (
        ProblemForm(request.POST if request.POST.get("action") == "submit" else None, initial=initial)
        if can_write
        else None
    )
    review_form = (
        OpinionForm(request.POST if request.POST.get("action") == "review" else None) if can_review else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "submit" and write_form is not None:
                if write_form.is_valid():
                    services.submit_problem(
                        report=report, by=user, request=request, **write_form.cleaned_data
                    )
                    messages.success(request, _("Report submitted to the manager."))
                    return redirect(report.get_absolute_url())
            elif action == "review" and review_form is not None:
                if review_form.is_valid():
                    services.review_problem(
                        report=report, by=user, opinion=review_form.cleaned_data["opinion"], request=request
                    )
                    messages.success(request, _("Opinion recorded."))
                    return redirect(report.get_absolute_url())
            else:
                raise PermissionDenied
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "collection/problem.html",
        {"report": report, "customer": report.customer, "write_form": write_form, "review_form": review_form},
    )


@permission_required(CollectionPermission.VIEW, raise_exception=True)
def problem_print(request, pk):
    report = selectors.get_problem_for_user(request.user, pk)
    if request.GET.get("format") == "pdf":
        return _pdf(report, "problem")
    return render(
        request,
        "collection/print_problem.html",
        {"report": report, "customer": report.customer, "today": timezone.localdate()},
    )


# --- Dangerous-customer reports (危险客户报告) ----------------------------------------------------------
@permission_required(CollectionPermission.ADD_DANGER, raise_exception=True)
def danger_create(request, pk):
    customer = _customer(request, pk)
    form = DangerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_danger(
                customer=customer,
                by=request.user,
                kind=form.cleaned_data["kind"],
                situation=form.cleaned_data["situation"],
                measures=form.measures(),
                request=request,
            )
            messages.success(request, _("Report sent to your superior."))
            return redirect(report.get_absolute_url())
        except DomainError as exc:
            _form_error(form, exc)
    return render(
        request,
        "collection/danger_form.html",
        {"form": form, "customer": customer},
        status=400 if request.method == "POST" else 200,
    )


@permission_required(CollectionPermission.VIEW, raise_exception=True)
def danger_detail(request, pk):
    report = selectors.get_danger_for_user(request.user, pk)
    user = request.user
    can_decide = (
        report.status == DangerStatus.SUBMITTED
        and user.has_perm(CollectionPermission.DECIDE_DANGER)
        and report.reported_by_id != user.pk
    )
    initial = {f"approve_{c}": (m or {}).get("proposed") for c, m in report.measures.items()}
    form = DecideForm(request.POST or None, initial=initial) if can_decide else None
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.decide_danger(
                    report=report,
                    by=user,
                    approved=form.approved(),
                    decision=form.cleaned_data["decision"],
                    request=request,
                )
                messages.success(request, _("Instruction recorded."))
                return redirect(report.get_absolute_url())
            except DomainError as exc:
                _form_error(form, exc)
    measures = [
        {
            "code": c,
            "label": MEASURE_LABELS[c],
            **(report.measures.get(c) or {}),
            "field": form[f"approve_{c}"] if form else None,
        }
        for c in MEASURE_LABELS
    ]
    return render(
        request,
        "collection/danger.html",
        {
            "report": report,
            "customer": report.customer,
            "form": form,
            "measures": measures,
            "can_suspend": user.has_perm(CollectionPermission.SUSPEND),
        },
    )


# --- Trade suspension -----------------------------------------------------------------------------
@permission_required(CollectionPermission.SUSPEND, raise_exception=True)
def suspension(request, pk, action):
    customer = _customer(request, pk)
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
            _form_error(form, exc)
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

"""Ledger screens: the entry list (filters, .xlsx export), the customer file's 往来 section, the
customer ledger with its running balance, entry detail, manual entry, reversal, write-off request and
the spreadsheet import. Thin: capability → visibility (get_customer_for_user) → form → one service."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xindang.accounts.models import Department, User
from xindang.audit.services import record_event
from xindang.core import xlsx
from xindang.core.errors import DomainError, form_error
from xindang.core.pagination import CappedPaginator
from xindang.customers.permissions import get_customer_for_user
from xindang.policy.selectors import current_policy

from . import importing, rules, selectors, services
from .forms import EntryForm, ReverseForm, UploadForm, WriteOffForm
from .models import EntryKind, LedgerImport, TradeEntry
from .permissions import LedgerPermission

PAGE_SIZE = 50
MAX_EXPORT_ROWS = 200_000


def _options(request) -> dict:
    return {
        "kinds": EntryKind.choices,
        "departments": Department.objects.filter(is_active=True),
        "salespeople": User.objects.filter(is_active=True, groups__name="salesperson").order_by("username"),
    }


@permission_required(LedgerPermission.VIEW, raise_exception=True)
def entry_list(request):
    params = request.GET
    qs = selectors.entry_list(request.user, params)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(params.get("page"))
    customer = None
    if params.get("customer", "").isdigit():
        customer = get_customer_for_user(request.user, params["customer"], request=request)
    return render(
        request,
        "ledger/list.html",
        {
            "page": page,
            "params": params,
            "customer": customer,
            "can_export": request.user.has_perm(LedgerPermission.EXPORT),
            "can_import": request.user.has_perm(LedgerPermission.IMPORT),
            **_options(request),
        },
    )


@permission_required(LedgerPermission.EXPORT, raise_exception=True)
def export(request):
    """The entry list with the list page's filters (same query string) as .xlsx; audited."""

    qs = selectors.entry_list(request.user, request.GET)
    count = qs.count()
    if count > MAX_EXPORT_ROWS:
        messages.error(request, _("Too many entries to export; narrow the filter."))
        return redirect(reverse("ledger:list") + "?" + request.GET.urlencode())
    columns = [
        xlsx.Column(_("Entry")),
        xlsx.Column(_("Date")),
        xlsx.Column(_("Customer")),
        xlsx.Column(_("File number")),
        xlsx.Column(_("Kind")),
        xlsx.Column(_("Amount")),
        xlsx.Column(_("Currency")),
        xlsx.Column(_("Amount in currency")),
        xlsx.Column(_("Due on")),
        xlsx.Column(_("Open")),
        xlsx.Column(_("Source system")),
        xlsx.Column(_("Document number")),
        xlsx.Column(_("Department")),
        xlsx.Column(_("Salesperson")),
        xlsx.Column(_("Memo")),
    ]
    rows = (
        [
            e.pk,
            e.entry_on,
            e.customer.name,
            e.customer.file_no,
            e.get_kind_display(),
            e.amount,
            e.currency,
            e.original_amount,
            e.due_on,
            e.open_amount,
            e.source_system,
            e.external_id or "",
            e.department.name if e.department_id else "",
            str(e.salesperson) if e.salesperson_id else "",
            e.memo,
        ]
        for e in qs.iterator(chunk_size=2000)
    )
    out = xlsx.xlsx_file(columns, rows, title=_("Trade entries"))
    record_event(
        "ledger.export",
        actor=request.user,
        request=request,
        data={"count": count, "filters": {k: v for k, v in request.GET.items() if k != "page"}},
    )
    return xlsx.file_response(out, f"ledger-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


def customer_section(request, pk):
    """往来 on the customer file page: exposure by category, recent entries, actions (htmx)."""
    customer = get_customer_for_user(request.user, pk, request=request)
    allowed = request.user.has_perm(LedgerPermission.VIEW)
    context = {"customer": customer, "allowed": allowed}
    if allowed:
        today = timezone.localdate()
        context.update(
            exposure=selectors.exposure_of(customer),
            entries=selectors.recent_entries(customer, 10),
            overdue=selectors.overdue_amount(customer, today),
            oldest_overdue=selectors.oldest_overdue_item(customer, today),
            reservations=selectors.held_reservations(customer),
            can_post=request.user.has_perm(LedgerPermission.POST),
            can_write_off=request.user.has_perm(LedgerPermission.REQUEST_WRITE_OFF),
        )
    return render(request, "ledger/_customer_section.html", context)


def prepayments_section(request, pk):
    """Prepayments to a supplier not yet delivered against (htmx, on the supplier's section of the file
    page): read-only, from the ledger's prepayment entries and the goods received against them."""
    customer = get_customer_for_user(request.user, pk, request=request)
    allowed = request.user.has_perm(LedgerPermission.VIEW)
    context = {"customer": customer, "allowed": allowed}
    if allowed:
        context["entries"], context["total"] = selectors.undelivered_prepayments(customer)
    return render(request, "ledger/_prepayments.html", context)


@permission_required(LedgerPermission.VIEW, raise_exception=True)
def customer_ledger(request, pk):
    """The customer's full ledger, oldest first, with the running balance."""
    customer = get_customer_for_user(request.user, pk, request=request)
    page = selectors.customer_ledger_page(customer, request.GET.get("page"))
    return render(
        request,
        "ledger/customer.html",
        {
            "customer": customer,
            "page": page,
            "exposure": selectors.exposure_of(customer),
            "overdue": selectors.overdue_amount(customer),
            "can_post": request.user.has_perm(LedgerPermission.POST),
            "can_write_off": request.user.has_perm(LedgerPermission.REQUEST_WRITE_OFF),
        },
    )


def _entry_for_user(request, pk) -> TradeEntry:
    entry = (
        TradeEntry.objects.select_related(
            "customer", "reverses", "settles", "contract", "salesperson", "department"
        )
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404
    get_customer_for_user(request.user, entry.customer_id, request=request)
    return entry


@permission_required(LedgerPermission.VIEW, raise_exception=True)
def entry_detail(request, pk):
    entry = _entry_for_user(request, pk)
    reversal = TradeEntry.objects.filter(reverses=entry).first()
    return render(
        request,
        "ledger/entry.html",
        {
            "entry": entry,
            "reversal": reversal,
            "allocations_in": entry.allocations_in.select_related("credit_entry"),
            "allocations_out": entry.allocations_out.select_related("debit_entry"),
            "lines": entry.lines.all(),
            "can_reverse": request.user.has_perm(LedgerPermission.REVERSE)
            and reversal is None
            and entry.kind != rules.REVERSAL,
        },
    )


@permission_required(LedgerPermission.POST, raise_exception=True)
@require_http_methods(["GET", "POST"])
def entry_create(request, pk):
    customer = get_customer_for_user(request.user, pk, request=request)
    policy = current_policy()
    form = EntryForm(
        request.POST or None,
        customer=customer,
        currencies=list(policy.ledger.currencies),
        contracts=customer.contracts.all(),
        notes=TradeEntry.objects.filter(
            customer=customer, kind=rules.NOTE_RECEIVED, reversed_by__isnull=True
        ),
        shipments=selectors.billable_shipments(customer),
        initial={"entry_on": timezone.localdate(), "currency": "CNY", "kind": rules.SHIPMENT},
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry, created = services.post_trade_entry(
                customer=customer, **form.service_data(), by=request.user, request=request
            )
        except DomainError as exc:
            form.add_error(form.error_field(exc.field), exc.message)
        else:
            if created:
                messages.success(request, _("Entry posted."))
            else:
                messages.info(request, _("This document number was already posted; nothing changed."))
            return redirect("ledger:entry", pk=entry.pk)
    return render(request, "ledger/form.html", {"customer": customer, "form": form})


@permission_required(LedgerPermission.REVERSE, raise_exception=True)
@require_http_methods(["GET", "POST"])
def entry_reverse(request, pk):
    entry = _entry_for_user(request, pk)
    form = ReverseForm(request.POST or None, initial={"entry_on": max(entry.entry_on, timezone.localdate())})
    if request.method == "POST" and form.is_valid():
        try:
            reversal, _created = services.reverse_entry(
                entry=entry,
                reason=form.cleaned_data["reason"],
                entry_on=form.cleaned_data["entry_on"],
                by=request.user,
                request=request,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Entry reversed."))
            return redirect("ledger:entry", pk=reversal.pk)
    return render(request, "ledger/reverse.html", {"entry": entry, "form": form})


@permission_required(LedgerPermission.REQUEST_WRITE_OFF, raise_exception=True)
@require_http_methods(["GET", "POST"])
def write_off(request, pk):
    customer = get_customer_for_user(request.user, pk, request=request)
    exposure = selectors.exposure_of(customer)
    form = WriteOffForm(request.POST or None, initial={"entry_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.request_write_off(
                customer=customer,
                amount=form.cleaned_data["amount"],
                entry_on=form.cleaned_data["entry_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
                request=request,
            )
        except DomainError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The write-off was sent for approval."))
            return redirect("ledger:customer", pk=customer.pk)
    return render(
        request, "ledger/write_off.html", {"customer": customer, "form": form, "exposure": exposure}
    )


# --- import ----------------------------------------------------------------------------------------


@permission_required(LedgerPermission.IMPORT, raise_exception=True)
@require_http_methods(["GET", "POST"])
def import_index(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            batch = importing.start_ledger_preview(
                by=request.user,
                upload=form.cleaned_data["file"],
                source_system=form.cleaned_data["source_system"],
                request=request,
            )
        except DomainError as exc:
            error = exc
        else:
            return redirect("ledger:import_preview", pk=batch.pk)
    return render(
        request,
        "ledger/import_index.html",
        {
            "form": form,
            "error": error,
            "columns": importing.COLUMNS,
            "batches": LedgerImport.objects.filter(created_by=request.user)[:20],
        },
    )


def _batch_for_user(request, pk) -> LedgerImport:
    batch = LedgerImport.objects.filter(pk=pk, created_by=request.user).first()
    if batch is None:
        raise Http404
    return batch


@permission_required(LedgerPermission.IMPORT, raise_exception=True)
@require_GET
def import_preview(request, pk):
    batch = _batch_for_user(request, pk)
    return render(request, "ledger/import_preview.html", {"batch": batch})


@permission_required(LedgerPermission.IMPORT, raise_exception=True)
@require_GET
def import_status(request, pk):
    """The htmx partial polled while the file is checked or posted by the worker; once that is over
    it asks htmx to reload the page, which then shows the preview or the outcome."""
    batch = _batch_for_user(request, pk)
    response = render(request, "ledger/_import_status.html", {"batch": batch})
    if batch.status not in importing.BUSY and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@permission_required(LedgerPermission.IMPORT, raise_exception=True)
@require_POST
def import_confirm(request, pk):
    batch = _batch_for_user(request, pk)
    try:
        importing.start_ledger_import(batch=batch, by=request.user, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("ledger:import_preview", pk=batch.pk)

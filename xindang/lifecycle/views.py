"""Lifecycle screens: loans of originals (list, record from the slip, page with return and loss
report, the printed slip), the yearly transfer (lists, proposing, recording acts), archive statistics,
and the customer file's section. Thin: capability → access helper → form → one service → redirect."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.core import xlsx
from xindang.core.errors import DomainError
from xindang.customers.permissions import get_customer_for_user
from xindang.policy.selectors import current_policy

from . import rules, selectors, services
from .forms import LoanForm, LossReportForm, ReturnForm, TransferActForm
from .models import TransferStage
from .permissions import LifecyclePermission
from .statistics import archive_statistics, write_statistics_xlsx

PAGE_SIZE = 50


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- Loans ------------------------------------------------------------------------------------------
@permission_required(LifecyclePermission.VIEW_LOAN, raise_exception=True)
def loan_list(request):
    params = request.GET
    page = Paginator(selectors.loan_list(request.user, params), PAGE_SIZE).get_page(params.get("page"))
    today = timezone.localdate()
    for loan in page:
        loan.overdue = rules.is_overdue(loan.due_on, loan.returned_on, today)
    return render(
        request,
        "lifecycle/loans.html",
        {
            "page": page,
            "state": params.get("state") or "open",
            "q": params.get("q", ""),
            "states": [
                ("open", _("Out")),
                ("overdue", _("Overdue")),
                ("returned", _("Returned")),
                ("all", _("All")),
            ],
            "can_record": request.user.has_perm(LifecyclePermission.RECORD_LOAN),
        },
    )


@permission_required(LifecyclePermission.RECORD_LOAN, raise_exception=True)
def loan_create(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    policy = current_policy()
    out_ids = selectors.open_document_ids(customer)
    form = LoanForm(
        request.POST or None,
        customer=customer,
        out_ids=out_ids,
        default_days=policy.lifecycle.default_loan_days,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            loan = services.lend(
                by=request.user,
                customer=customer,
                borrower=data["borrower"],
                purpose=data["purpose"],
                lent_on=data["lent_on"],
                due_on=data["due_on"],
                documents=list(data["documents"] or []),
                whole_file=data["whole_file"],
                slip_no=data["slip_no"],
                slip_signed_by=data["slip_signed_by"],
                request=request,
            )
            messages.success(request, _("Loan %(no)s recorded.") % {"no": loan.number})
            return redirect(loan.get_absolute_url())
        except DomainError as exc:
            _form_error(form, exc)
    return render(
        request,
        "lifecycle/loan_form.html",
        {
            "form": form,
            "customer": customer,
            "whole_file_out": None in out_ids,
            "in_archive_room": selectors.is_in_archive_room(customer),
        },
        status=400 if request.method == "POST" else 200,
    )


def _loan_page(request, loan, *, return_form=None, report_form=None, status=200):
    can_record = request.user.has_perm(LifecyclePermission.RECORD_LOAN)
    return render(
        request,
        "lifecycle/loan.html",
        {
            "loan": loan,
            "items": selectors.loan_items(loan),
            "reports": selectors.loan_reports(loan),
            "overdue": rules.is_overdue(loan.due_on, loan.returned_on, timezone.localdate()),
            "can_record": can_record,
            "return_form": return_form or (ReturnForm() if can_record and loan.is_open else None),
            "report_form": report_form or (LossReportForm(loan=loan) if can_record else None),
        },
        status=status,
    )


def loan_detail(request, pk):
    loan = selectors.get_loan_for_user(request.user, pk)
    return _loan_page(request, loan)


@require_POST
@permission_required(LifecyclePermission.RECORD_LOAN, raise_exception=True)
def loan_return(request, pk):
    loan = selectors.get_loan_for_user(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.record_return(
                by=request.user,
                loan=loan,
                returned_on=form.cleaned_data["returned_on"],
                condition=form.cleaned_data["condition"],
                note=form.cleaned_data["note"],
                request=request,
            )
            messages.success(request, _("Return recorded."))
            return redirect(loan.get_absolute_url())
        except DomainError as exc:
            _form_error(form, exc)
    return _loan_page(request, loan, return_form=form, status=400)


@require_POST
@permission_required(LifecyclePermission.RECORD_LOAN, raise_exception=True)
def loan_report(request, pk):
    loan = selectors.get_loan_for_user(request.user, pk)
    form = LossReportForm(request.POST, loan=loan)
    if form.is_valid():
        try:
            services.report_loss(
                by=request.user,
                loan=loan,
                kind=form.cleaned_data["kind"],
                document=form.cleaned_data["document"],
                occurred_on=form.cleaned_data["occurred_on"],
                description=form.cleaned_data["description"],
                request=request,
            )
            messages.success(request, _("Report recorded and submitted for approval."))
            return redirect(loan.get_absolute_url())
        except DomainError as exc:
            _form_error(form, exc)
    return _loan_page(request, loan, report_form=form, status=400)


def loan_slip(request, pk):
    from .pdf import loan_slip_pdf

    loan = selectors.get_loan_for_user(request.user, pk)
    data = loan_slip_pdf(
        loan, selectors.loan_items(loan), company=current_policy().core.company_name, printed_by=request.user
    )
    services.record_slip_print(by=request.user, loan=loan, request=request)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="loan-slip-{loan.pk}.pdf"'
    return response


# --- Transfer ---------------------------------------------------------------------------------------
@permission_required(LifecyclePermission.VIEW_TRANSFER, raise_exception=True)
def transfers(request):
    year = timezone.localdate().year
    can_record = request.user.has_perm(LifecyclePermission.RECORD_TRANSFER)
    return render(
        request,
        "lifecycle/transfers.html",
        {
            "lists": selectors.transfer_lists(),
            "year": year,
            "can_record": can_record,
            "candidates": selectors.transfer_candidates(year) if can_record else [],
        },
    )


@require_POST
@permission_required(LifecyclePermission.RECORD_TRANSFER, raise_exception=True)
def transfer_propose(request):
    year = timezone.localdate().year
    try:
        transfer_list, added = services.propose_transfer_list(by=request.user, year=year, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("lifecycle:transfers")
    messages.success(
        request, _("%(n)s files added to the transfer list of %(year)s.") % {"n": added, "year": year}
    )
    return redirect(transfer_list.get_absolute_url())


@permission_required(LifecyclePermission.VIEW_TRANSFER, raise_exception=True)
def transfer_list(request, year):
    tl = selectors.get_transfer_list(year)
    stage = request.GET.get("stage", "")
    page = Paginator(selectors.transfer_items(tl, stage=stage), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lifecycle/transfer_list.html",
        {
            "tl": tl,
            "page": page,
            "stage": stage,
            "stages": TransferStage.choices,
            "today": timezone.localdate(),
            "can_record": request.user.has_perm(LifecyclePermission.RECORD_TRANSFER),
        },
    )


@permission_required(LifecyclePermission.RECORD_TRANSFER, raise_exception=True)
def transfer_act(request, year, customer_pk):
    tl = selectors.get_transfer_list(year)
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    item = tl.items.filter(customer=customer).first()
    next_stage = rules.NEXT_STAGE.get(item.stage) if item else None
    form = TransferActForm(
        request.POST or None, customer=customer, initial={"customer": customer.pk, "stage": next_stage}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            act = services.record_transfer(
                by=request.user,
                transfer_list=tl,
                customer=customer,
                stage=data["stage"],
                acted_on=data["acted_on"],
                handed_by=data["handed_by"],
                missing_documents=list(data["missing_documents"] or []),
                missing_note=data["missing_note"],
                request=request,
            )
            if act.check_ok:
                messages.success(request, _("Transfer recorded; the four-property check found nothing."))
            else:
                messages.warning(request, _("Transfer recorded with findings of the four-property check."))
            return redirect(reverse("lifecycle:transfer_list", args=[year]) + f"#item-{item.pk}")
        except DomainError as exc:
            _form_error(form, exc)
    return render(
        request,
        "lifecycle/transfer_act.html",
        {
            "tl": tl,
            "customer": customer,
            "item": item,
            "form": form,
            "acts": selectors.customer_transfers(customer),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Statistics -------------------------------------------------------------------------------------
def _mb(value) -> str:
    return f"{value / 1024 / 1024:,.2f} MB"


@permission_required(LifecyclePermission.VIEW_STATISTICS, raise_exception=True)
def statistics(request):
    tables = archive_statistics()
    for table in tables:
        table.display = [
            [(_mb(v) if i in table.size_columns else v) for i, v in enumerate(row)] for row in table.rows
        ]
    services.record_statistics(by=request.user, fmt="screen", request=request)
    return render(request, "lifecycle/statistics.html", {"tables": tables})


@permission_required(LifecyclePermission.VIEW_STATISTICS, raise_exception=True)
def statistics_export(request):
    out = tempfile.SpooledTemporaryFile(max_size=xlsx.SPOOL_BYTES)  # noqa: SIM115 - handed to FileResponse
    write_statistics_xlsx(archive_statistics(), out)
    out.seek(0)
    services.record_statistics(by=request.user, fmt="xlsx", request=request)
    return xlsx.file_response(out, f"archive-statistics-{timezone.localdate():%Y%m%d}.xlsx")


# --- The customer file's section --------------------------------------------------------------------
def customer_section(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    allowed = request.user.has_perm(LifecyclePermission.VIEW_LOAN)
    context = {"customer": customer, "allowed": allowed}
    if allowed:
        context.update(selectors.customer_section(request.user, customer))
        context["can_record"] = request.user.has_perm(LifecyclePermission.RECORD_LOAN)
    return render(request, "lifecycle/_customer_section.html", context)

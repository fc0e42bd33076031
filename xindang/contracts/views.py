"""Contract screens: the ledger, statistics, the customer file's contract section, the contract page,
create/edit, status changes and handovers. Thin: capability check → access helper → form → one
service → message/redirect; DomainError becomes a form error or a message."""

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
from xindang.core.errors import DomainError, form_error
from xindang.core.xlsx import XLSX_TYPE
from xindang.customers.permissions import get_customer_for_user
from xindang.documents import services as documents
from xindang.documents.permissions import DocumentPermission
from xindang.policy.selectors import current_policy

from . import rules, selectors, services
from .forms import (
    ContractDocumentForm,
    ContractForm,
    HandOverForm,
    NewVersionForm,
    ReceiveForm,
    StatisticsForm,
    StatusForm,
)
from .models import Kind, Status
from .permissions import ContractPermission, can_do_step, get_contract_for_user
from .spreadsheets import MAX_EXPORT_ROWS, group_label, write_ledger_xlsx, write_statistics_xlsx

PAGE_SIZE = 50

# Headline state of a contract's file, and its label colour (UI.md: colour plus text).
STATE_LABELS = {
    rules.OVERDUE: gettext_lazy("Handover overdue"),
    rules.TO_HAND_OVER: gettext_lazy("Handover due"),
    rules.AWAITING_RECEIPT: gettext_lazy("Awaiting receipt"),
    rules.RECEIVED: gettext_lazy("Filed"),
}
STEP_LABELS = {
    **STATE_LABELS,
    rules.TO_HAND_OVER: gettext_lazy("To hand over"),
    rules.RECEIVED: gettext_lazy("Received"),
}
STATE_CLASSES = {
    rules.OVERDUE: "bad",
    rules.TO_HAND_OVER: "warn",
    rules.AWAITING_RECEIPT: "prospective",
    rules.RECEIVED: "active",
}
STATUS_CLASSES = {
    rules.DRAFT: "prospective",
    rules.SIGNED: "active",
    rules.IN_PERFORMANCE: "active",
    rules.CHANGED: "warn",
    rules.TERMINATED: "past",
    rules.COMPLETED: "past",
    rules.CANCELLED: "past",
}


def _decorated(contracts, today=None):
    """Each contract with its handover state and label colours (a generator: exports stream)."""
    today = today or timezone.localdate()
    for c in contracts:
        c.handover_state = selectors.contract_handover_state(c, today)
        c.handover_label = STATE_LABELS.get(c.handover_state, "")
        c.handover_class = STATE_CLASSES.get(c.handover_state, "")
        c.status_class = STATUS_CLASSES.get(c.status, "")
        yield c


def _decorate(contracts, today=None) -> list:
    return list(_decorated(contracts, today))


def _apply_domain_error(form, exc: DomainError):
    errors = exc.params.get("errors")
    if errors:
        for field, msgs in errors.items():
            for msg in msgs:
                form.add_error(field if field in form.fields else None, msg)
    else:
        form_error(form, exc)


# --- The ledger ------------------------------------------------------------------------------------
def _ledger_options(request) -> dict:
    return {
        "departments": Department.objects.filter(is_active=True),
        "statuses": Status.choices,
        "kinds": Kind.choices,
        "currencies": current_policy().contracts.currencies,
    }


@permission_required(ContractPermission.VIEW, raise_exception=True)
def contract_list(request):
    params = request.GET
    qs = selectors.contract_ledger(request.user, params)
    page = Paginator(selectors.with_handover_state(qs), PAGE_SIZE).get_page(params.get("page"))
    page.object_list = _decorate(page.object_list)
    customer = None
    if params.get("customer", "").isdigit():
        customer = get_customer_for_user(request.user, params["customer"], request=request)
    return render(
        request,
        "contracts/list.html",
        {
            "page": page,
            "params": params,
            "customer": customer,
            "totals": selectors.ledger_totals(qs),
            "sort": params.get("sort") or selectors.DEFAULT_SORT,
            "can_export": request.user.has_perm(ContractPermission.EXPORT_LEDGER),
            "can_statistics": request.user.has_perm(ContractPermission.VIEW_STATISTICS),
            "filters_active": any(
                params.get(k) for k in ("signed_from", "signed_to", "amount_min", "amount_max", "currency")
            ),
            **_ledger_options(request),
        },
    )


@permission_required(ContractPermission.EXPORT_LEDGER, raise_exception=True)
def export(request):
    """The ledger with the list page's filters (same query string) as .xlsx; audited."""
    qs = selectors.contract_ledger(request.user, request.GET)
    count = qs.count()
    if count > MAX_EXPORT_ROWS:
        messages.error(request, _("Too many contracts to export; narrow the filter."))
        return redirect(reverse("contracts:list") + "?" + request.GET.urlencode())
    contracts = _decorated(selectors.with_handover_state(qs).iterator(chunk_size=2000))
    out = write_ledger_xlsx(contracts, STATE_LABELS)
    filters = {k: request.GET[k] for k in (*selectors.FILTER_KEYS, "sort") if request.GET.get(k)}
    services.record_ledger_export(by=request.user, request=request, filters=filters, count=count)
    name = f"contracts-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX_TYPE)


# --- Statistics ------------------------------------------------------------------------------------
def _statistics_period(request):
    due = selectors.next_statistics_due()
    initial = (
        {"year": due.year, "part": due.part} if due else {"year": timezone.localdate().year, "part": "year"}
    )
    form = StatisticsForm(request.GET if "year" in request.GET else None, initial=initial)
    if form.is_bound and form.is_valid():
        return form, due, form.cleaned_data["year"], form.cleaned_data["part"]
    return form, due, initial["year"], initial["part"]


def _statistics_title(year: int, part: str) -> str:
    names = {
        rules.YEAR: _("year %(year)s"),
        rules.H1: _("first half of %(year)s"),
        rules.H2: _("second half of %(year)s"),
    }
    return _("Contract statistics, %(period)s") % {"period": names[part] % {"year": year}}


def _table(dimension, groups, currencies):
    return [
        {
            "label": group_label(dimension, g.key),
            "count": g.count,
            "amounts": [(c, g.amounts.get(c)) for c in currencies],
        }
        for g in groups
    ]


@permission_required(ContractPermission.VIEW_STATISTICS, raise_exception=True)
def statistics(request):
    form, due, year, part = _statistics_period(request)
    stats = selectors.contract_statistics(request.user, year, part)
    services.record_statistics(by=request.user, request=request, year=year, part=part, fmt="screen")
    currencies = stats.currencies
    return render(
        request,
        "contracts/statistics.html",
        {
            "form": form,
            "due": due,
            "year": year,
            "part": part,
            "title": _statistics_title(year, part),
            "stats": stats,
            "currencies": currencies,
            "total_amounts": [(c, stats.total.amounts.get(c)) for c in currencies],
            "tables": [
                (_("Movements in the period"), _table("movement", stats.movements, currencies), False),
                (
                    _("Contracts signed in the period by department"),
                    _table("department", stats.by_department, currencies),
                    True,
                ),
                (
                    _("Contracts signed in the period by type"),
                    _table("kind", stats.by_kind, currencies),
                    True,
                ),
                (
                    _("Contracts signed in the period by status"),
                    _table("status", stats.by_status, currencies),
                    True,
                ),
            ],
        },
    )


@permission_required(ContractPermission.VIEW_STATISTICS, raise_exception=True)
def statistics_export(request):
    _form, _due, year, part = _statistics_period(request)
    stats = selectors.contract_statistics(request.user, year, part)
    out = write_statistics_xlsx(stats, _statistics_title(year, part))
    services.record_statistics(by=request.user, request=request, year=year, part=part, fmt="xlsx")
    return FileResponse(
        out, as_attachment=True, filename=f"contract-statistics-{year}-{part}.xlsx", content_type=XLSX_TYPE
    )


# --- The customer file's section, create, page, edit -----------------------------------------------
def customer_section(request, customer_pk):
    """The contract section of the customer file page (loaded by htmx into #contracts)."""
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    allowed = request.user.has_perm(ContractPermission.VIEW)
    contracts = _decorate(selectors.customer_contracts(request.user, customer)) if allowed else []
    return render(
        request,
        "contracts/_customer_section.html",
        {
            "customer": customer,
            "allowed": allowed,
            "contracts": contracts,
            "can_add": request.user.has_perm(ContractPermission.ADD),
        },
    )


def _form_page(request, *, customer, contract=None):
    policy = current_policy()
    form = ContractForm(
        request.POST or None,
        instance=contract,
        customer=customer,
        currencies=policy.contracts.currencies,
        initial=None if contract else {"handler": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            if contract is None:
                saved = services.create_contract(
                    by=request.user, customer_id=customer.pk, data=form.service_data(), request=request
                )
                messages.success(request, _("Contract %(no)s created.") % {"no": saved.contract_no})
            else:
                saved = services.update_contract(
                    by=request.user,
                    contract_id=contract.pk,
                    expected_version=form.cleaned_data.get("version") or 0,
                    data=form.service_data(),
                    request=request,
                )
                messages.success(request, _("Contract saved."))
            return redirect(saved.get_absolute_url())
        except DomainError as exc:
            _apply_domain_error(form, exc)
    return render(
        request,
        "contracts/form.html",
        {"form": form, "customer": customer, "contract": contract},
        status=400 if request.method == "POST" else 200,
    )


@permission_required(ContractPermission.ADD, raise_exception=True)
def contract_create(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    return _form_page(request, customer=customer)


@permission_required(ContractPermission.CHANGE, raise_exception=True)
def contract_edit(request, pk):
    contract = get_contract_for_user(request.user, pk, request=request)
    if not rules.is_editable(contract.status):
        messages.error(
            request, _("This contract is completed or terminated; its data can no longer be changed.")
        )
        return redirect(contract.get_absolute_url())
    return _form_page(request, customer=contract.customer, contract=contract)


def _steps(user, contract):
    today = timezone.localdate()
    steps = selectors.contract_handovers(contract)
    for step in steps:
        step.state = selectors.step_state(step, today)
        step.state_label = STEP_LABELS[step.state]
        step.state_class = STATE_CLASSES[step.state]
        step.can_hand = can_do_step(user, step, "hand", handler_id=contract.handler_id)
        step.can_receive = can_do_step(user, step, "receive", handler_id=contract.handler_id)
        handed_on = timezone.localdate(step.handed_at) if step.handed_at else None
        step.late = rules.was_late(due_on=step.due_on, handed_on=handed_on)
    return steps


def _history(contract):
    """Field changes of the contract from simple-history, newest first."""
    records = list(contract.history.select_related("history_user").order_by("history_date", "history_id"))
    entries, previous = [], None
    for record in records:
        changes = []
        if previous is not None:
            for change in record.diff_against(previous).changes:
                field = contract._meta.get_field(change.field)
                changes.append({"label": field.verbose_name, "old": change.old, "new": change.new})
        entries.append(
            {"at": record.history_date, "user": record.history_user, "changes": changes, "record": record}
        )
        previous = record
    return list(reversed(entries))


@permission_required(ContractPermission.VIEW, raise_exception=True)
def contract_detail(request, pk):
    contract = get_contract_for_user(request.user, pk, request=request)
    services.record_view(by=request.user, contract=contract, request=request)
    _decorate([contract])
    can_change = request.user.has_perm(ContractPermission.CHANGE)
    status_form = StatusForm(contract=contract) if can_change else None
    document_groups, hidden_documents = selectors.contract_documents(request.user, contract)
    can_upload = request.user.has_perm(DocumentPermission.ADD)
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "customer": contract.customer,
            "status_form": status_form,
            "can_edit": can_change and rules.is_editable(contract.status),
            "steps": _steps(request.user, contract),
            "events": selectors.contract_events(contract),
            "history": _history(contract),
            "hand_form": HandOverForm(),
            "receive_form": ReceiveForm(),
            "documents_section": True,
            "document_groups": document_groups,
            "hidden_documents": hidden_documents,
            "document_form": ContractDocumentForm(categories=selectors.contract_document_categories())
            if can_upload
            else None,
            "can_add_version": request.user.has_perm(DocumentPermission.CHANGE),
        },
    )


@require_POST
@permission_required(ContractPermission.CHANGE, raise_exception=True)
def contract_status(request, pk):
    contract = get_contract_for_user(request.user, pk, request=request)
    form = StatusForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            services.change_contract_status(
                by=request.user,
                contract_id=contract.pk,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                occurred_on=form.cleaned_data["occurred_on"],
                expected_version=form.cleaned_data["version"],
                request=request,
            )
            messages.success(request, _("Status changed."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(contract.get_absolute_url() + "#status")


# --- Handovers -------------------------------------------------------------------------------------
def _step_or_403(request, pk, action):
    step = selectors.get_handover_for_user(request.user, pk)
    if not can_do_step(request.user, step, action, handler_id=step.contract.handler_id, check_object=False):
        raise PermissionDenied
    return step


@require_POST
def handover_hand(request, pk):
    step = _step_or_403(request, pk, "hand")
    form = HandOverForm(request.POST)
    if form.is_valid():
        try:
            services.hand_over(
                by=request.user, handover_id=step.pk, note=form.cleaned_data["note"], request=request
            )
            messages.success(request, _("Handover recorded."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect(step.contract.get_absolute_url() + "#handover")


@require_POST
def handover_receive(request, pk):
    step = _step_or_403(request, pk, "receive")
    form = ReceiveForm(request.POST)
    if form.is_valid():
        try:
            services.receive(
                by=request.user,
                handover_id=step.pk,
                missing_items=form.cleaned_data["missing_items"],
                archive_location=form.cleaned_data["archive_location"],
                request=request,
            )
            messages.success(request, _("Receipt recorded."))
        except DomainError as exc:
            messages.error(request, exc.message)
    return redirect(step.contract.get_absolute_url() + "#handover")


@permission_required(ContractPermission.VIEW, raise_exception=True)
def handover_list(request):
    """The handovers waiting for the user (as handler, credit manager or archive room), overdue first."""
    steps = selectors.open_handover_steps(request.user)
    for s in steps:
        s.label = STEP_LABELS[s.state]
        s.css = STATE_CLASSES[s.state]
    steps.sort(key=lambda s: (s.state != rules.OVERDUE, s.handover.due_on))
    return render(request, "contracts/handovers.html", {"steps": steps})


# --- The contract's own file (documents) ------------------------------------------------------------
@require_POST
@permission_required(DocumentPermission.ADD, raise_exception=True)
def document_upload(request, pk):
    contract = get_contract_for_user(request.user, pk, request=request)
    form = ContractDocumentForm(
        request.POST, request.FILES, categories=selectors.contract_document_categories()
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = services.add_contract_document(
                by=request.user,
                contract_id=contract.pk,
                category=data["category"],
                uploaded_file=data["file"],
                title=data["title"],
                confidentiality=data["confidentiality"],
                location=data["location"],
                request=request,
            )
            messages.success(request, _("Document “%(title)s” filed.") % {"title": document.title})
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect(contract.get_absolute_url() + "#documents")


@require_POST
@permission_required(DocumentPermission.CHANGE, raise_exception=True)
def document_version(request, pk, document_pk):
    """A new version of one of the contract's documents, through the documents service."""
    contract = get_contract_for_user(request.user, pk, request=request)
    document = selectors.get_contract_document(request.user, contract, document_pk)
    form = NewVersionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            version = documents.add_version(
                by=request.user, document=document, uploaded_file=form.cleaned_data["file"], request=request
            )
            messages.success(request, _("Version %(n)s filed.") % {"n": version.number})
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Choose a file."))
    return redirect(contract.get_absolute_url() + "#documents")

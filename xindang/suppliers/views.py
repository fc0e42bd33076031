"""Supplier screens: the list, a supplier's selection page with its steps, the evaluation form and the
section on the file page. Thin: capability → visibility (get_customer_for_user) → form → one service."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.core.errors import DomainError
from xindang.customers.permissions import get_customer_for_user
from xindang.policy.selectors import current_policy

from . import rules, selectors, services
from .forms import ApplicationForm, ContractsForm, EvaluationForm, GeneralSurveyForm, SiteSurveyForm
from .models import SelectionStatus, SupplierSelection
from .permissions import SupplierPermission

PAGE_SIZE = 25
STEP_FORMS = {
    rules.GENERAL_SURVEY: GeneralSurveyForm,
    rules.SITE_SURVEY: SiteSurveyForm,
    rules.APPLICATION: ApplicationForm,
}


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@permission_required(SupplierPermission.VIEW, raise_exception=True)
def supplier_list(request):
    params = request.GET
    qs = selectors.filter_suppliers(selectors.supplier_files(request.user), params)
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    grades = list(current_policy().suppliers.grade_bands)
    statuses = [(selectors.NOT_STARTED, _("Not started")), *SelectionStatus.choices]
    status_labels = dict(statuses)
    for row in page:
        row.status_label = status_labels.get(row.selection_status or selectors.NOT_STARTED, "")
    return render(
        request,
        "suppliers/list.html",
        {
            "page": page,
            "grades": grades,
            "statuses": statuses,
            "grade": params.get("grade", ""),
            "status": params.get("status", ""),
            "q": params.get("q", ""),
        },
    )


def _supplier_or_404(request, pk):
    customer = get_customer_for_user(request.user, pk, request=request)
    if not rules.is_supplier(customer.relationship):
        raise Http404
    return customer


def _selection_context(request, customer, selection, forms=None):
    forms = forms or {}
    instance = selection or SupplierSelection(customer=customer)
    done = services.done_steps(selection)
    labels = services.step_labels()
    steps = [{"code": code, "label": labels[code], "done": done.get(code, False)} for code in rules.STEPS]
    can_manage = request.user.has_perm(SupplierPermission.MANAGE)
    editable = instance.editable and can_manage
    contracts_initial = {
        "supply_contract": instance.supply_contract_id,
        "quality_contract": instance.quality_contract_id,
    }
    missing = services.missing_contracts(instance) if selection else [rules.SUPPLY, rules.QUALITY_ASSURANCE]
    return {
        "customer": customer,
        "selection": selection,
        "steps": steps,
        "editable": editable,
        "general_form": forms.get(rules.GENERAL_SURVEY) or GeneralSurveyForm(instance=instance),
        "site_form": forms.get(rules.SITE_SURVEY) or SiteSurveyForm(instance=instance),
        "application_form": forms.get(rules.APPLICATION) or ApplicationForm(instance=instance),
        "contracts_form": forms.get(rules.CONTRACTS)
        or ContractsForm(initial=contracts_initial, customer=customer),
        "missing_contracts": services.missing_contracts_text(missing) if missing else "",
        "evaluations": selectors.evaluations_of(customer),
        "can_evaluate": request.user.has_perm(SupplierPermission.EVALUATE)
        and instance.status == SelectionStatus.APPROVED,
        "submit_error": forms.get("submit_error", ""),
        "notice": selectors.open_notice(request.user, customer),
    }


@permission_required(SupplierPermission.VIEW, raise_exception=True)
def selection(request, pk):
    customer = _supplier_or_404(request, pk)
    return render(
        request,
        "suppliers/selection.html",
        _selection_context(request, customer, selectors.selection_of(customer)),
    )


@permission_required(SupplierPermission.VIEW, raise_exception=True)
def selection_by_id(request, pk):
    """A selection by its own id (links from the audit log and approvals) → its page, if the file is
    visible (404 otherwise, like the file)."""
    row = SupplierSelection.objects.filter(pk=pk).values_list("customer_id", flat=True).first()
    if row is None:
        raise Http404
    customer = _supplier_or_404(request, row)
    return redirect("suppliers:selection", pk=customer.pk)


@require_POST
@permission_required(SupplierPermission.MANAGE, raise_exception=True)
def save_step(request, pk, step):
    customer = get_customer_for_user(request.user, pk, request=request)
    selection = selectors.selection_of(customer)
    if step == rules.CONTRACTS:
        form = ContractsForm(request.POST, customer=customer)
    elif step in STEP_FORMS:
        form = STEP_FORMS[step](request.POST, instance=SupplierSelection(customer=customer))
    else:
        raise Http404
    if form.is_valid():
        try:
            services.save_step(
                by=request.user, customer_id=customer.pk, step=step, data=form.cleaned_data, request=request
            )
            messages.success(request, _("Saved."))
            return redirect("suppliers:selection", pk=customer.pk)
        except DomainError as exc:
            _form_error(form, exc)
    if not rules.is_supplier(customer.relationship):
        raise Http404
    context = _selection_context(request, customer, selection, {step: form})
    return render(request, "suppliers/selection.html", context, status=400)


@require_POST
@permission_required(SupplierPermission.MANAGE, raise_exception=True)
def submit(request, pk):
    customer = get_customer_for_user(request.user, pk, request=request)
    try:
        services.submit_selection(by=request.user, customer_id=customer.pk, request=request)
    except DomainError as exc:
        if not rules.is_supplier(customer.relationship):
            raise Http404 from None
        context = _selection_context(
            request, customer, selectors.selection_of(customer), {"submit_error": exc.message}
        )
        return render(request, "suppliers/selection.html", context, status=exc.status)
    messages.success(request, _("The selection application was sent for approval."))
    return redirect("suppliers:selection", pk=customer.pk)


@permission_required(SupplierPermission.EVALUATE, raise_exception=True)
def evaluate(request, pk):
    customer = _supplier_or_404(request, pk)
    policy = current_policy().suppliers
    form = EvaluationForm(request.POST or None, score_max=policy.score_max)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                evaluation = services.evaluate(
                    by=request.user,
                    customer_id=customer.pk,
                    year=data["year"],
                    scores={c: data[c] for c in rules.CRITERIA},
                    notes=data["notes"],
                    request=request,
                )
                messages.success(
                    request,
                    _("Evaluation for %(year)s saved: grade %(grade)s (%(score)s).")
                    % {"year": evaluation.year, "grade": evaluation.grade, "score": evaluation.score},
                )
                return redirect("suppliers:selection", pk=customer.pk)
            except DomainError as exc:
                _form_error(form, exc)
                status = exc.status if exc.status != 422 else 400
    weights = [(services.criterion_labels()[c], policy.weights[c]) for c in rules.CRITERIA]
    bands = sorted(policy.grade_bands.items(), key=lambda b: -b[1])
    return render(
        request,
        "suppliers/evaluate.html",
        {"form": form, "customer": customer, "weights": weights, "bands": bands, "policy": policy},
        status=status,
    )


def customer_section(request, pk):
    customer = get_customer_for_user(request.user, pk, request=request)
    allowed = request.user.has_perm(SupplierPermission.VIEW)
    context = {
        "customer": customer,
        "allowed": allowed,
        "is_supplier": rules.is_supplier(customer.relationship),
    }
    if allowed and context["is_supplier"]:
        selection = selectors.selection_of(customer)
        labels = services.step_labels()
        pending = [labels[s] for s in rules.pending_steps(services.done_steps(selection))]
        evaluations = selectors.evaluations_of(customer)
        context.update(selection=selection, pending=pending, latest=evaluations[0] if evaluations else None)
    return render(request, "suppliers/_customer_section.html", context)


@permission_required(SupplierPermission.VIEW, raise_exception=True)
def selection_pdf(request, pk):
    """The selection application (认定申请报告) printed with its approval trail; the print is audited."""
    from xindang.approvals.selectors import trail_rows

    from .pdf import selection_pdf as render_pdf

    customer = _supplier_or_404(request, pk)
    selection = selectors.selection_of(customer)
    if selection is None:
        raise Http404
    content = render_pdf(
        selection,
        services.principles(selection),
        trail_rows(selection.approval) if selection.approval_id else [],
        company=current_policy().core.company_name,
    )
    services.record_print(selection=selection, by=request.user, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="supplier-selection-{customer.pk}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@require_POST
@permission_required(SupplierPermission.VIEW, raise_exception=True)
def acknowledge(request, pk):
    customer = _supplier_or_404(request, pk)
    try:
        services.acknowledge_notice(by=request.user, customer_id=customer.pk, request=request)
        messages.success(request, _("Noted."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("suppliers:selection", pk=customer.pk)

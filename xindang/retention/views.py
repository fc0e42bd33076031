"""Retention screens: the appraisal queue, holds, disposals (witness, carry out), the destruction
register (screen, PDF, .xlsx) and the customer file's section. Thin: capability → access helper →
form → one service → message and redirect; a DomainError becomes a form error."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.core.errors import DomainError
from xindang.core.pagination import CappedPaginator
from xindang.core.xlsx import XLSX_TYPE
from xindang.customers.permissions import get_customer_for_user
from xindang.documents.selectors import get_document, readable_documents, retention_of
from xindang.policy.selectors import current_policy

from . import selectors, services
from .forms import AppraisalForm, DisposalRequestForm, HoldForm, ReasonForm, WitnessForm
from .holds import document_holds
from .models import DisposalStatus
from .pdf import register_pdf
from .permissions import RetentionPermission as P
from .spreadsheets import register_xlsx

HOLD_CLASSES = {"active": "bad", "ended": "past", "lifted": "past"}
DISPOSAL_CLASSES = {"pending": "warn", "approved": "prospective", "rejected": "past", "destroyed": "active"}


def _form_error(form, exc: DomainError):
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def paginate(request, qs, per_page):
    return CappedPaginator(qs, per_page, cap=None).get_page(request.GET.get("page"))


# --- The appraisal queue ------------------------------------------------------------------------------
@permission_required(P.APPRAISE, raise_exception=True)
def appraisal(request):
    files = selectors.appraisal_queue(request.user)
    customer = request.GET.get("customer")
    if customer and customer.isdigit():
        files = [f for f in files if f.customer.pk == int(customer)]
    candidates = [r for f in files for r in f.rows if r.to_destroy and not r.held]
    return render(
        request,
        "retention/appraisal.html",
        {
            "files": files,
            "request_form": DisposalRequestForm(candidates=candidates) if candidates else None,
            "rule": selectors.RETENTION_RULE,
            "can_request": request.user.has_perm(P.REQUEST_DISPOSAL),
        },
    )


@permission_required(P.APPRAISE, raise_exception=True)
def appraise(request, document_pk):
    document = get_document(document_pk)
    if document is None or not readable_documents(request.user).filter(pk=document.pk).exists():
        raise Http404
    form = AppraisalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appraise_document(
                by=request.user,
                document=document,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                keep_until=form.cleaned_data["keep_until"],
                request=request,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Appraisal of “%(title)s” recorded.") % {"title": document.title})
            return redirect("retention:appraisal")
    cls, clock = retention_of(document)
    return render(
        request,
        "retention/appraise.html",
        {
            "document": document,
            "form": form,
            "retention": cls,
            "clock": clock,
            "holds": document_holds(document),
            "history": selectors.appraisals_of(document),
            "rule": selectors.RETENTION_RULE,
        },
    )


@require_POST
@permission_required(P.REQUEST_DISPOSAL, raise_exception=True)
def disposal_request(request):
    candidates = selectors.destroy_candidates(request.user)
    form = DisposalRequestForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            disposal = services.request_disposal(
                by=request.user,
                documents=[int(pk) for pk in form.cleaned_data["documents"]],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("Disposal %(number)s sent to the general manager for approval.")
                % {"number": disposal.number},
            )
            return redirect(disposal.get_absolute_url())
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("retention:appraisal")


# --- Holds --------------------------------------------------------------------------------------------
@permission_required(P.VIEW_HOLDS, raise_exception=True)
def hold_list(request):
    qs = selectors.visible_holds(request.user).order_by("-placed_at", "-pk")
    state = request.GET.get("state", "active")
    today = timezone.localdate()
    if state == "active":
        qs = (
            selectors.active_manual_holds()
            .filter(pk__in=qs.values("pk"))
            .select_related("customer", "placed_by")
            .order_by("-placed_at", "-pk")
        )
    page = paginate(request, qs, 50)
    for h in page.object_list:
        h.state = selectors.hold_state(h, today)
        h.state_class = HOLD_CLASSES[h.state]
    return render(request, "retention/holds.html", {"page": page, "state": state})


@permission_required(P.PLACE_HOLD, raise_exception=True)
def hold_new(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    docs = readable_documents(request.user).filter(customer=customer).select_related("category")
    form = HoldForm(request.POST or None, documents=docs)
    if request.method == "POST" and form.is_valid():
        try:
            hold = services.place_hold(
                by=request.user,
                customer=customer,
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"],
                documents=form.cleaned_data["documents"],
                request=request,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Hold placed on %(customer)s.") % {"customer": customer.name})
            return redirect(hold.get_absolute_url())
    return render(request, "retention/hold_form.html", {"customer": customer, "form": form})


@permission_required(P.VIEW_HOLDS, raise_exception=True)
def hold_detail(request, pk):
    hold = selectors.get_hold_for_user(request.user, pk)
    if hold is None:
        raise Http404
    can_lift = request.user.has_perm(P.LIFT_HOLD) and hold.lifted_at is None
    form = ReasonForm(request.POST or None) if can_lift else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.lift_hold(
                    by=request.user, hold=hold, reason=form.cleaned_data["reason"], request=request
                )
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("Hold lifted."))
                return redirect(hold.get_absolute_url())
    hold.state = selectors.hold_state(hold)
    hold.state_class = HOLD_CLASSES[hold.state]
    return render(request, "retention/hold.html", {"hold": hold, "form": form})


# --- Disposals ----------------------------------------------------------------------------------------
@permission_required(P.VIEW_REGISTER, raise_exception=True)
def disposal_list(request):
    page = paginate(request, selectors.visible_disposals(request.user), 50)
    for d in page.object_list:
        d.status_class = DISPOSAL_CLASSES[d.status]
    return render(request, "retention/disposals.html", {"page": page})


@permission_required(P.VIEW_REGISTER, raise_exception=True)
def disposal_detail(request, pk):
    disposal = selectors.get_disposal_for_user(request.user, pk)
    if disposal is None:
        raise Http404
    user = request.user
    witnesses = list(disposal.witnesses.select_related("witness"))
    signed = {w.witness_id for w in witnesses}
    approved = disposal.status == DisposalStatus.APPROVED
    required = current_policy().retention.witnesses_required
    can_witness = (
        approved
        and user.has_perm(P.WITNESS)
        and user.pk != disposal.requested_by_id
        and user.pk not in signed
    )
    can_carry_out = approved and user.has_perm(P.CARRY_OUT)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "witness" and can_witness:
                form = WitnessForm(request.POST)
                remark = form.cleaned_data["remark"] if form.is_valid() else ""
                services.witness_disposal(by=user, disposal=disposal, remark=remark, request=request)
                messages.success(request, _("Your signature as a witness is recorded."))
            elif action == "carry_out" and can_carry_out:
                services.carry_out_disposal(by=user, disposal=disposal, request=request)
                messages.success(
                    request,
                    _("Disposal %(number)s carried out; the content is erased.")
                    % {"number": disposal.number},
                )
            else:
                raise PermissionDenied
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(disposal.get_absolute_url())
    disposal.status_class = DISPOSAL_CLASSES[disposal.status]
    return render(
        request,
        "retention/disposal.html",
        {
            "disposal": disposal,
            "items": disposal.items.select_related("appraisal", "appraisal__appraised_by", "document"),
            "witnesses": witnesses,
            "required": required,
            "can_witness": can_witness,
            "can_carry_out": can_carry_out,
            "witness_form": WitnessForm() if can_witness else None,
        },
    )


# --- The destruction register ---------------------------------------------------------------------------
def _register(request):
    qs = selectors.register_entries(request.user)
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(carried_out_at__year=int(year))
    return qs, year


@permission_required(P.VIEW_REGISTER, raise_exception=True)
def register(request):
    qs, year = _register(request)
    page = paginate(request, qs, 25)
    return render(
        request,
        "retention/register.html",
        {"page": page, "rows": selectors.register_rows(page.object_list), "year": year},
    )


@permission_required(P.VIEW_REGISTER, raise_exception=True)
def register_pdf_view(request):
    qs, year = _register(request)
    content = register_pdf(
        selectors.register_rows(qs), company=current_policy().core.company_name, printed_by=request.user
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="destruction-register.pdf"'
    return response


@permission_required(P.VIEW_REGISTER, raise_exception=True)
def register_xlsx_view(request):
    qs, year = _register(request)
    return FileResponse(
        register_xlsx(selectors.register_rows(qs)),
        as_attachment=True,
        filename="destruction-register.xlsx",
        content_type=XLSX_TYPE,
    )


# --- The customer file's section ----------------------------------------------------------------------
def customer_section(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    allowed = request.user.has_perm(P.VIEW_HOLDS)
    context = {"customer": customer, "allowed": allowed}
    if allowed:
        context.update(selectors.customer_section(request.user, customer))
        for h in context["manual_holds"]:
            h.state_class = HOLD_CLASSES[h.state]
        context["can_place"] = request.user.has_perm(P.PLACE_HOLD)
        context["can_see_register"] = request.user.has_perm(P.VIEW_REGISTER)
    return render(request, "retention/_customer_section.html", context)

"""Personal-data screens: the file page's privacy section, a person's basis and number, the unmask
button, the persons' requests (list, record, carry out, refuse) and consents to share. Thin:
capability → access helper (file visibility) → form → one service → message / redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xindang.core.errors import DomainError
from xindang.customers.permissions import get_customer_for_user

from . import rules, selectors, services
from .forms import ConsentForm, PersonalDataForm, RefuseForm, RequestForm, ShareForm, correction_form_class
from .models import PersonKind, RequestKind, RequestState, SharingConsent
from .permissions import PrivacyPermission, get_request_for_user, reveal_id_number

PAGE_SIZE = 50


def _form_error(form, exc: DomainError) -> None:
    errors = exc.params.get("errors") or {}
    added = False
    for name, msgs in errors.items():
        if name in form.fields:
            for msg in msgs:
                form.add_error(name, msg)
            added = True
    if not added:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _section_url(customer) -> str:
    return customer.get_absolute_url() + "#privacy"


def customer_section(request, customer_pk):
    """HTML fragment loaded by the customer file page (htmx)."""
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    context = {"customer": customer, **selectors.section_context(request.user, customer)}
    return render(request, "privacy/_customer_section.html", context)


@require_POST
def unmask(request, customer_pk, kind, pk):
    """The unmask button (htmx): the number in full for the policy's roles, audited; else a refusal."""
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    person = selectors.get_person(customer, kind, pk)
    try:
        number = reveal_id_number(by=request.user, person=person, person_kind=kind, request=request)
    except DomainError as exc:
        return render(request, "privacy/_unmask.html", {"error": exc.message}, status=exc.status)
    return render(request, "privacy/_unmask.html", {"number": number})


@permission_required(PrivacyPermission.RECORD_PERSONAL_DATA, raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_edit(request, customer_pk, kind, pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    person = selectors.get_person(customer, kind, pk)
    initial = {
        "collection_purpose": person.collection_purpose,
        "collection_basis": person.collection_basis,
        "consent_on": person.consent_on,
        "id_kind": person.id_kind,
    }
    form = PersonalDataForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_personal_data(
                by=request.user,
                customer=customer,
                person_kind=kind,
                person_id=person.pk,
                collection_purpose=data["collection_purpose"],
                collection_basis=data["collection_basis"],
                consent_on=data["consent_on"],
                id_kind=data["id_kind"],
                id_number=form.id_number_value(),
                request=request,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The personal data basis was recorded."))
            return redirect(_section_url(customer))
    return render(
        request,
        "privacy/person_edit.html",
        {
            "customer": customer,
            "person": person,
            "kind_label": PersonKind(kind).label,
            "masked": selectors.mask(person.id_number),
            "form": form,
        },
    )


@permission_required(PrivacyPermission.HANDLE_REQUESTS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def request_new(request, customer_pk, kind, pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    person = selectors.get_person(customer, kind, pk)
    form = RequestForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        try:
            dsr = services.receive_request(
                by=request.user,
                customer=customer,
                person_kind=kind,
                person_id=person.pk,
                request=request,
                **form.cleaned_data,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The request was recorded."))
            return redirect(dsr.get_absolute_url())
    return render(
        request,
        "privacy/request_new.html",
        {"customer": customer, "person": person, "kind_label": PersonKind(kind).label, "form": form},
    )


@permission_required(PrivacyPermission.VIEW_REQUESTS, raise_exception=True)
def request_list(request):
    params = request.GET
    qs = selectors.request_list(request.user, params)
    page = Paginator(qs, PAGE_SIZE).get_page(params.get("page"))
    return render(
        request,
        "privacy/request_list.html",
        {"page": page, "states": RequestState.choices, "state": params.get("state", "")},
    )


@permission_required(PrivacyPermission.VIEW_REQUESTS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def request_detail(request, pk):
    dsr = get_request_for_user(request.user, pk, request=request)
    customer = get_customer_for_user(request.user, dsr.customer_id, request=request)
    person = selectors.get_person(customer, dsr.person_kind, dsr.person_id)
    fields = rules.CORRECTABLE_FIELDS[dsr.person_kind]
    Correction = correction_form_class(fields)
    # The number is never put into the page in full (that is the audited unmask): empty keeps it.
    correction = Correction(initial={f: getattr(person, f) for f in fields if f != "id_number"})
    refuse = RefuseForm()
    holds = []
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "access":
        try:
            name, content = services.export_person(
                by=request.user,
                customer=customer,
                person_kind=dsr.person_kind,
                person_id=dsr.person_id,
                dsr=dsr,
                request=request,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(dsr.get_absolute_url())
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
    if action == "correction":
        correction = Correction(request.POST)
        if correction.is_valid():
            data = dict(correction.cleaned_data)
            reason = data.pop("reason", "")
            if not data.get("id_number"):
                data.pop("id_number", None)
            try:
                services.correct_person(
                    by=request.user, dsr=dsr, changes=data, reason=reason, request=request
                )
            except DomainError as exc:
                _form_error(correction, exc)
            else:
                messages.success(request, _("The data was corrected; the history keeps the old values."))
                return redirect(dsr.get_absolute_url())
    if action == "erasure":
        try:
            services.erase_person(by=request.user, dsr=dsr, request=request)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The person's data was erased."))
        return redirect(dsr.get_absolute_url())
    if action == "refuse":
        refuse = RefuseForm(request.POST)
        if refuse.is_valid():
            try:
                services.refuse_request(
                    by=request.user, dsr=dsr, refusal=refuse.cleaned_data["refusal"], request=request
                )
            except DomainError as exc:
                _form_error(refuse, exc)
            else:
                messages.success(request, _("The request was refused."))
                return redirect(dsr.get_absolute_url())
    if dsr.kind == RequestKind.ERASURE and dsr.state == RequestState.RECEIVED:
        holds = selectors.erasure_holds(customer)
    history = list(type(person).history.filter(id=person.pk).order_by("-history_date")[:30])
    return render(
        request,
        "privacy/request_detail.html",
        {
            "dsr": dsr,
            "customer": customer,
            "person": person,
            "masked": selectors.mask(person.id_number),
            "correction": correction,
            "refuse": refuse,
            "holds": holds,
            "history": history,
            "is_open": dsr.state == RequestState.RECEIVED,
            "can_handle": request.user.is_superuser
            or request.user.has_perm(PrivacyPermission.HANDLE_REQUESTS),
        },
    )


@permission_required(PrivacyPermission.HANDLE_REQUESTS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_share(request, customer_pk, kind, pk):
    """Export a person's data for an outside party: only under a consent in force (第十条)."""
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    person = selectors.get_person(customer, kind, pk)
    consents = SharingConsent.objects.filter(customer=customer, withdrawn_at__isnull=True)
    form = ShareForm(request.POST or None, consents=consents)
    if request.method == "POST" and form.is_valid():
        try:
            name, content = services.export_person(
                by=request.user,
                customer=customer,
                person_kind=kind,
                person_id=person.pk,
                outside_party=True,
                consent=form.cleaned_data["consent"],
                request=request,
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            response = HttpResponse(content, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = content_disposition_header(True, name)
            return response
    return render(
        request,
        "privacy/person_share.html",
        {"customer": customer, "person": person, "kind_label": PersonKind(kind).label, "form": form},
    )


@permission_required(PrivacyPermission.ADD_CONSENT, raise_exception=True)
@require_http_methods(["GET", "POST"])
def consent_new(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_sharing_consent(
                by=request.user, customer=customer, request=request, **form.cleaned_data
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The consent to share was recorded."))
            return redirect(_section_url(customer))
    return render(request, "privacy/consent_new.html", {"customer": customer, "form": form})


@permission_required(PrivacyPermission.CHANGE_CONSENT, raise_exception=True)
@require_POST
def consent_withdraw(request, pk):
    consent = get_object_or_404(SharingConsent, pk=pk)
    customer = get_customer_for_user(request.user, consent.customer_id, request=request)
    try:
        services.withdraw_sharing_consent(by=request.user, consent=consent, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The consent was withdrawn."))
    return redirect(_section_url(customer))

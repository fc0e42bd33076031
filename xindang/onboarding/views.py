"""Onboarding screens: the card on the prospect's file (section + full page), its submission, the
conditions, the staff contacts and their reports. Thin: capability → access helper → form → service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xindang.core.errors import DomainError
from xindang.customers import services as customer_services
from xindang.customers.permissions import CustomerPermission, get_customer_for_user

from . import selectors, services
from .forms import CardForm, ConditionsForm, ContactReportForm, StaffContactForm
from .permissions import OnboardingPermission, has


def _file_url(customer) -> str:
    return customer.get_absolute_url() + "#onboarding"


def _back(request, customer):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(_file_url(customer))


def customer_section(request, customer_pk):
    """The onboarding section of the customer file (loaded by htmx into #onboarding)."""
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    allowed = has(request.user, OnboardingPermission.VIEW)
    state = selectors.onboarding_state(customer) if allowed else None
    card = state.card if state else None
    contacts = selectors.staff_contacts(customer) if allowed else []
    section = None
    if allowed:
        from xindang.policy.selectors import current_policy

        section = current_policy().onboarding
    return render(
        request,
        "onboarding/_customer_section.html",
        {
            "customer": customer,
            "allowed": allowed,
            "state": state,
            "card": card,
            "rows": selectors.card_rows(card) if card else [],
            "blank_count": sum(1 for r in selectors.card_rows(card) if r["blank"]) if card else 0,
            "can_fill": has(request.user, OnboardingPermission.FILL),
            "can_set": has(request.user, OnboardingPermission.SET_CONDITIONS)
            and card is not None
            and card.status in ("submitted", "approved"),
            "conditions_form": ConditionsForm.for_card(card) if card else None,
            "can_give_code": state is not None
            and state.onboarded
            and not customer.code
            and request.user.has_perm(CustomerPermission.ASSIGN_CODE),
            "contacts": contacts,
            "needs_contacts": allowed and selectors.needs_staff_contacts(customer),
            "min_contacts": section.min_staff_contacts if section else 0,
            "can_assign": has(request.user, OnboardingPermission.ASSIGN_CONTACT),
            "contact_form": StaffContactForm(),
            "report_form": ContactReportForm(),
        },
    )


def customer_header(request, pk):
    """Onboarding and the conditions of trade on the file header (htmx into #onboarding-header)."""
    customer = get_customer_for_user(request.user, pk, request=request)
    if not has(request.user, OnboardingPermission.VIEW):
        return HttpResponse("")
    return render(
        request,
        "onboarding/_customer_header.html",
        {"customer": customer, "state": selectors.onboarding_state(customer)},
    )


@require_http_methods(["GET", "POST"])
def card(request, customer_pk):
    """The transaction card, full page: fill in and save; "submit" saves and sends it for approval."""
    if not has(request.user, OnboardingPermission.VIEW):
        raise PermissionDenied
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    existing = selectors.card_of(customer)
    editable = existing is None or existing.status in ("draft", "rejected")
    can_fill = has(request.user, OnboardingPermission.FILL) and editable
    form = CardForm(request.POST or None, instance=existing)
    if existing is None and request.method == "GET":
        from django.utils import timezone

        form.initial["first_contact_on"] = timezone.localdate(customer.created_at)
    if request.method == "POST":
        if not can_fill:
            raise PermissionDenied
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.save_card(
                        by=request.user, customer_id=customer.pk, data=form.service_data(), request=request
                    )
                    if "submit" in request.POST:
                        services.submit_card(by=request.user, customer_id=customer.pk, request=request)
                if "submit" in request.POST:
                    messages.success(request, _("The transaction card was submitted for approval."))
                else:
                    messages.success(request, _("Transaction card saved."))
                return redirect(_file_url(customer))
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    card_obj = selectors.card_of(customer)
    return render(
        request,
        "onboarding/card.html",
        {
            "customer": customer,
            "form": form,
            "card": card_obj,
            "can_fill": can_fill,
            "rows": selectors.card_rows(card_obj) if card_obj else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def submit(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    try:
        services.submit_card(by=request.user, customer_id=customer.pk, request=request)
        messages.success(request, _("The transaction card was submitted for approval."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_file_url(customer))


@require_POST
def conditions(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    form = ConditionsForm(request.POST)
    if form.is_valid():
        try:
            services.set_conditions(
                by=request.user,
                customer_id=customer.pk,
                conditions=form.cleaned_data["conditions"],
                note=form.cleaned_data["note"],
                request=request,
            )
            messages.success(request, _("Conditions saved."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Please correct the errors below."))
    return _back(request, customer)


@require_POST
def staff_contact(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    form = StaffContactForm(request.POST)
    if form.is_valid():
        try:
            services.add_staff_contact(
                by=request.user,
                customer_id=customer.pk,
                user_id=form.cleaned_data["user"].pk,
                request=request,
            )
            messages.success(request, _("Staff contact named."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Choose an active member of staff."))
    return redirect(_file_url(customer))


@require_POST
def contact_report(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    form = ContactReportForm(request.POST)
    if form.is_valid():
        try:
            services.file_contact_report(
                by=request.user,
                staff_contact_id=form.cleaned_data["staff_contact"],
                reported_on=form.cleaned_data["reported_on"],
                summary=form.cleaned_data["summary"],
                request=request,
            )
            messages.success(request, _("Contact report filed."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Give the date and a summary of the contact."))
    return redirect(_file_url(customer))


@require_POST
def give_code(request, customer_pk):
    """The customer code of a file onboarded before the card existed (its approval lies behind it)."""
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    try:
        saved = customer_services.assign_code(by=request.user, customer_id=customer.pk, request=request)
        messages.success(request, _("Customer code %(code)s given.") % {"code": saved.code})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_file_url(customer))


def card_pdf(request, customer_pk):
    """The transaction card printed with its approval trail; the print is audited."""
    from xindang.approvals.selectors import trail_rows
    from xindang.policy.selectors import current_policy

    from .pdf import card_pdf as render_pdf

    if not has(request.user, OnboardingPermission.VIEW):
        raise PermissionDenied
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    card_obj = selectors.card_of(customer)
    if card_obj is None:
        raise Http404
    content = render_pdf(
        card_obj,
        selectors.card_rows(card_obj),
        trail_rows(card_obj.approval) if card_obj.approval_id else [],
        company=current_policy().core.company_name,
    )
    services.record_print(card=card_obj, by=request.user, request=request)
    response = HttpResponse(content, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="card-{customer.pk}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response

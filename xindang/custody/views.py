"""Lookup request screens: the list, asking (choose the file, then the documents, purpose and
period), the request's page with its approval trail, its printed form, and the file page's section
(who may read the file now and why, and its lookup history)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.models import Customer
from xindang.customers.permissions import get_customer_for_user
from xindang.documents.models import Document
from xindang.policy.selectors import current_policy

from . import rules, selectors, services
from .forms import LookupForm
from .models import LookupStatus
from .permissions import CustodyPermission, get_lookup_for_user

PAGE_SIZE = 50


@permission_required(CustodyPermission.VIEW, raise_exception=True)
def request_list(request):
    qs = selectors.request_list(request.user, request.GET)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for lookup in page.object_list:
        lookup.phase = selectors.phase_of(lookup)
        lookup.phase_label = selectors.phase_label(lookup.phase)
    states = [
        ("", _("All")),
        ("mine", _("Mine")),
        (LookupStatus.PENDING.value, LookupStatus.PENDING.label),
        (rules.OPEN, _("Open")),
        (rules.EXPIRED, _("Expired")),
        (LookupStatus.REJECTED.value, LookupStatus.REJECTED.label),
    ]
    return render(
        request,
        "custody/list.html",
        {
            "page": page,
            "states": states,
            "state": request.GET.get("state", ""),
            "can_request": request.user.has_perm(CustodyPermission.REQUEST),
        },
    )


@permission_required(CustodyPermission.REQUEST, raise_exception=True)
@require_http_methods(["GET", "POST"])
def new(request):
    """Step 1 (no customer yet): find the file in the customer list for lookups by name or number.
    Step 2: the documents, purpose and period."""
    customer_pk = request.GET.get("customer") or request.POST.get("customer")
    if not (customer_pk and str(customer_pk).isdigit()):
        query = request.GET.get("q", "")
        return render(
            request,
            "custody/choose_customer.html",
            {"q": query, "customers": selectors.choosable_customers(query)},
        )
    customer = Customer.objects.filter(pk=int(customer_pk)).select_related("department").first()
    if customer is None:
        raise Http404
    documents = list(
        Document.objects.filter(customer=customer)
        .select_related("category")
        .order_by("confidentiality", "title")
    )
    initial = {}
    wanted = request.GET.getlist("document")
    if wanted:
        initial["documents"] = [d for d in wanted if d.isdigit()]
    form = LookupForm(request.POST or None, documents=documents, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            lookup = services.request_lookup(
                by=request.user,
                customer=customer,
                purpose=d["purpose"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                whole_file=d["whole_file"],
                documents=[int(x) for x in d["documents"]],
                rights=["view", *d["rights"]],
                request=request,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Lookup request sent for approval."))
            return redirect(lookup.get_absolute_url())
    return render(request, "custody/new.html", {"customer": customer, "form": form, "documents": documents})


@permission_required(CustodyPermission.VIEW, raise_exception=True)
def detail(request, pk):
    from xindang.approvals.selectors import trail_rows

    lookup = get_lookup_for_user(request.user, pk, request=request)
    phase = selectors.phase_of(lookup)
    documents = list(selectors.documents_of(lookup).select_related("category"))
    return render(
        request,
        "custody/detail.html",
        {
            "lookup": lookup,
            "phase": phase,
            "phase_label": selectors.phase_label(phase),
            "is_open": phase == rules.OPEN and lookup.reader_id == request.user.pk,
            "documents": documents,
            "rights": [services.right_label(r) for r in lookup.rights],
            "trail": trail_rows(lookup.approval) if lookup.approval else [],
        },
    )


@permission_required(CustodyPermission.VIEW, raise_exception=True)
@require_http_methods(["POST"])
def export(request, pk):
    """The documents of an open request as one ZIP of the copies its reader may take (watermarked where
    the level asks): the export right, separate from viewing and downloading (as in Mayan EDMS)."""
    lookup = get_lookup_for_user(request.user, pk, request=request)
    try:
        name, content = services.export_lookup(by=request.user, lookup=lookup, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(lookup.get_absolute_url())
    response = HttpResponse(content, content_type="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@permission_required(CustodyPermission.VIEW, raise_exception=True)
def print_form(request, pk):
    from xindang.approvals.selectors import trail_rows

    from .pdf import lookup_pdf

    lookup = get_lookup_for_user(request.user, pk, request=request)
    company = current_policy().core.company_name
    content = lookup_pdf(
        lookup,
        documents=list(selectors.documents_of(lookup).select_related("category")),
        trail=trail_rows(lookup.approval) if lookup.approval else [],
        company=company,
    )
    record_event("lookup.print", request=request, obj=lookup, data={"customer_id": lookup.customer_id})
    response = HttpResponse(content, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="lookup-{lookup.pk}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@permission_required(CustodyPermission.VIEW, raise_exception=True)
def customer_section(request, customer_pk):
    """HTML fragment of the file page: who may read the file now and why, and its lookup history."""
    customer = get_customer_for_user(request.user, customer_pk, request=request)
    return render(
        request,
        "custody/_customer_section.html",
        {"customer": customer, **selectors.customer_section(request.user, customer)},
    )

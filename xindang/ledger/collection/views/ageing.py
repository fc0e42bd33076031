"""Ageing pages: company → department → salesperson → customer → entries, at any as-of date, and the
.xlsx export (views of the collection app; the figures come from xindang.ledger.ageing)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core.xlsx import XLSX_TYPE
from xindang.customers.selectors import sees_every_file, visible_customers
from xindang.ledger import ageing

from .. import selectors, services
from ..forms import (
    AgeingForm,
)
from ..permissions import CollectionPermission, get_customer_for_request
from ..spreadsheets import ageing_xlsx


# --- Ageing ---------------------------------------------------------------------------------------
def _ageing_params(request):
    form = AgeingForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    on = data.get("on") or timezone.localdate()
    by = data.get("by") or "department"
    return form, on, by, data.get("department"), data.get("salesperson")


def _ageing(request):
    form, on, by, department_id, salesperson_id = _ageing_params(request)
    report = ageing.ageing_report(
        on=on,
        dimension=by,
        customers=visible_customers(request.user),
        few_files=not sees_every_file(request.user),
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
            drilled = {"on": on, "department": department_id, "salesperson": salesperson_id}
            query = urlencode({k: v for k, v in drilled.items() if v})
            row.url = reverse("collection:ageing_entries", args=[row.key]) + "?" + query
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
    here = selectors.ageing_url(
        on=on, by=report.dimension, department=department_id, salesperson=salesperson_id
    )
    crumbs = selectors.ageing_crumbs(
        on=on, department_id=department_id, salesperson_id=salesperson_id, here=here
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
    customer = get_customer_for_request(request, pk)
    form = AgeingForm(request.GET or None)
    on = (form.cleaned_data.get("on") if form.is_valid() else None) or timezone.localdate()
    buckets = ageing.policy_buckets()
    entries = ageing.aged_entries(customer_id=customer.pk, on=on, buckets=buckets)
    labels = {b.code: b for b in buckets}
    for e in entries:
        e.bucket_obj = labels[e.bucket]
    # The way back up: the department and salesperson drilled through, else the file's own.
    department_id = form.cleaned_data.get("department") if form.is_valid() else None
    salesperson_id = form.cleaned_data.get("salesperson") if form.is_valid() else None
    crumbs = selectors.ageing_crumbs(
        on=on,
        department_id=department_id or customer.department_id,
        salesperson_id=salesperson_id or customer.owner_id,
        customer=customer,
    )
    return render(
        request,
        "collection/ageing_entries.html",
        {
            "customer": customer,
            "crumbs": crumbs,
            "on": on,
            "entries": entries,
            "total": sum((e.open_amount for e in entries), 0),
        },
    )

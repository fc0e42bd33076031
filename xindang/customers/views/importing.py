"""Screens of the spreadsheet import and the .xlsx export of the customer list.

Thin views: capability check → the user's own batch → one service → page or redirect."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xindang.audit.purposes import purpose_required, stated_purpose
from xindang.core.errors import DomainError
from xindang.core.xlsx import XLSX_TYPE
from xindang.policy.selectors import current_policy

from ..errors import CustomerError
from ..exporting import export_customers
from ..importing.columns import column_label
from ..importing.progress import import_progress as batch_progress
from ..importing.selectors import batches_for_user, get_batch_for_user
from ..importing.services import start_import, start_preview
from ..importing.template import template_file
from ..importing.validation import problem_message
from ..models import ImportBatch
from ..permissions import CustomerPermission
from ..selectors import selected_ids

PROBLEMS_PER_PAGE = 100


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"))


def _require(request, permission) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _phase_label(phase: str) -> str:
    return {
        "waiting": _("Waiting to start"),
        "reading": _("Reading the file"),
        "validating": _("Checking the rows"),
        "saving": _("Saving the customer files"),
        "done": _("Done"),
        "interrupted": _("Interrupted: nothing was saved"),
    }.get(phase, "")


@require_http_methods(["GET", "POST"])
def import_index(request):
    _require(request, CustomerPermission.IMPORT)
    error = None
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                batch = start_preview(by=request.user, upload=form.cleaned_data["file"], request=request)
            except DomainError as exc:
                error = exc
            else:
                return redirect("customers:import_preview", pk=batch.pk)
    policy = current_policy()
    return render(
        request,
        "customers/import_index.html",
        {
            "form": form,
            "error": error,
            "limit_mb": policy.core.upload_limit_mb,
            "max_rows": policy.core.import_max_rows,
            "batches": batches_for_user(request.user)[:20],
        },
    )


@require_GET
def import_template(request):
    _require(request, CustomerPermission.IMPORT)
    response = HttpResponse(template_file(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="customer-import-template.xlsx"'
    return response


def _progress_context(batch: ImportBatch) -> dict:
    progress = batch_progress(batch)
    progress["label"] = _phase_label(progress["phase"])
    return {"batch": batch, "progress": progress}


@require_GET
def import_preview(request, pk):
    _require(request, CustomerPermission.IMPORT)
    batch = get_batch_for_user(request.user, pk)
    context = _progress_context(batch)
    page = Paginator(batch.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    context.update(
        page=page,
        problems=[
            {
                **p,
                "message": problem_message(p),
                "column": p.get("column") or column_label(p.get("field", "")),
            }
            for p in page.object_list
        ],
        problems_cut=batch.problem_count > len(batch.problems),
        importable=batch.valid_rows + batch.warning_rows,
    )
    return render(request, "customers/import_preview.html", context)


@require_POST
def import_confirm(request, pk):
    _require(request, CustomerPermission.IMPORT)
    batch = get_batch_for_user(request.user, pk)
    try:
        start_import(
            batch=batch,
            by=request.user,
            include_warnings=bool(request.POST.get("include_warnings")),
            request=request,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("customers:import_preview", pk=batch.pk)


@require_GET
def import_progress(request, pk):
    """The htmx partial polled every second while the file is checked or imported; once that is over
    it asks htmx to reload the page, which then shows the preview or the outcome."""
    _require(request, CustomerPermission.IMPORT)
    batch = get_batch_for_user(request.user, pk)
    response = render(request, "customers/import_progress.html", _progress_context(batch))
    busy = (ImportBatch.Status.CHECKING, ImportBatch.Status.IMPORTING)
    if batch.status not in busy and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_GET
def export(request):
    """The customer list with the list page's filters (same query string) as .xlsx. The export form
    asks its purpose (when the policy wants one) and whether it goes to an outside party: then the
    customers' consents to share apply (004 客户信息保护管理制度 第十条)."""
    _require(request, CustomerPermission.EXPORT)
    if request.GET.get("selected") and not selected_ids(request.GET):  # "export selected", none ticked
        return HttpResponse(CustomerError.NOTHING_SELECTED.label, status=400, content_type="text/plain")
    purpose = stated_purpose(request.GET)
    outside = request.GET.get("audience") == "outside"
    recipient = (request.GET.get("recipient") or "").strip()[:200] if outside else ""
    needs_purpose = not purpose and purpose_required(request.user, "customer.export")
    first_visit = "purpose" not in request.GET and "audience" not in request.GET
    if needs_purpose or first_visit or (outside and not recipient):
        return render(
            request,
            "customers/export_form.html",
            {
                "what": _("Export the customer list to Excel."),
                "keep": [
                    (k, v)
                    for k in request.GET
                    if k not in ("purpose", "audience", "recipient")
                    for v in request.GET.getlist(k)
                ],
                "purpose_needed": purpose_required(request.user, "customer.export"),
                "missing": "purpose" in request.GET and needs_purpose,
                "outside": outside,
                "recipient": recipient,
                "purpose": purpose,
                "recipient_missing": outside and not recipient and "recipient" in request.GET,
                "back": reverse("customers:list") + "?" + request.GET.urlencode(),
            },
            status=400
            if ("purpose" in request.GET and needs_purpose) or (outside and not recipient)
            else 200,
        )
    try:
        out, _count = export_customers(
            by=request.user, params=request.GET, request=request, purpose=purpose, outside_party=recipient
        )
    except DomainError as exc:
        return render(
            request,
            "customers/export_form.html",
            {
                "what": _("Export the customer list to Excel."),
                "keep": [
                    (k, v)
                    for k in request.GET
                    if k not in ("purpose", "audience", "recipient")
                    for v in request.GET.getlist(k)
                ],
                "purpose_needed": purpose_required(request.user, "customer.export"),
                "outside": True,
                "recipient": recipient,
                "purpose": purpose,
                "refused": exc.message,
                "back": reverse("customers:list") + "?" + request.GET.urlencode(),
            },
            status=403,
        )
    name = f"customers-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX_TYPE)

"""The audit log for auditors: browse and filter, export to Excel, verify the hash chain."""

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xindang.core import xlsx

from . import services
from .actions import OBJECT_PAGES, action_label, broken_reason_label
from .exports import MAX_EXPORT_ROWS, write_audit_xlsx
from .forms import AuditFilterForm
from .permissions import auditor_required
from .selectors import ChainCheck, audit_events

PER_PAGE = 50


def _object_url(event) -> str:
    url_name = OBJECT_PAGES.get(event.object_type)
    if not url_name or not event.object_id:
        return ""
    try:
        return reverse(url_name, args=[event.object_id])
    except NoReverseMatch:  # the page's app is not installed, or the id is not of its kind
        return ""


def _row(event) -> dict:
    return {
        "event": event,
        "action_label": action_label(event.action),
        "object_url": _object_url(event),
        "details": json.dumps(event.data, ensure_ascii=False, separators=(",", ":")) if event.data else "",
    }


def _filtered(params):
    form = AuditFilterForm(params)
    form.is_valid()  # invalid fields are shown with their error and left out of the filter
    return form, audit_events(form.cleaned_data)


@require_GET
@auditor_required
def event_list(request):
    form, events = _filtered(request.GET)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/list.html",
        {
            "form": form,
            "page": page,
            "rows": [_row(e) for e in page.object_list],
            "filtered": any(form.cleaned_data.values()),
        },
    )


@require_POST
@auditor_required
def export(request):
    form, events = _filtered(request.POST)
    count = events.count()
    if count > MAX_EXPORT_ROWS:
        messages.error(
            request,
            _("%(count)s events match; narrow the filter to at most %(max)s to export.")
            % {"count": count, "max": MAX_EXPORT_ROWS},
        )
        return redirect(reverse("audit:list") + "?" + request.POST.urlencode())
    out = write_audit_xlsx(events)
    services.record_export(by=request.user, request=request, filters=form.active_filters(), count=count)
    name = f"audit-{timezone.localtime():%Y%m%d-%H%M%S}.xlsx"
    return xlsx.file_response(out, name)


def _describe(check: ChainCheck) -> str:
    if check.ok:
        return _("Audit chain intact: %(count)s events checked.") % {"count": check.count}
    row = check.row
    where = ""
    if row is not None:
        where = _(" Row seen there: #%(seq)s %(at)s %(action)s.") % {
            "seq": row.seq,
            "at": f"{timezone.localtime(row.at):%Y-%m-%d %H:%M:%S}",
            "action": action_label(row.action),
        }
    return (
        _("Audit chain broken at event #%(seq)s: %(reason)s.")
        % {"seq": check.broken.seq, "reason": broken_reason_label(check.broken.reason)}
        + where
    )


@require_POST
@auditor_required
def verify(request):
    check = services.verify_chain_and_record(by=request.user, request=request)
    (messages.success if check.ok else messages.error)(request, _describe(check))
    return redirect("audit:list")

"""Approval screens: the list (waiting for me / my requests / decided by me / all), the .xlsx
export, the request page with its trail and actions, comments, attachments (downloaded only through
a checked, audited view). Thin: capability → visibility (404 + audit) → form → one service →
message + redirect; a DomainError becomes an error message."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.core.errors import DomainError
from xindang.core.pagination import CappedPaginator
from xindang.core.xlsx import XLSX_TYPE
from xindang.policy.selectors import current_policy

from . import selectors, services
from .forms import AttachmentForm, CommentForm, DecisionForm, FilterForm, ReasonForm, ResubmitForm
from .models import ApprovalAttachment, ApprovalStatus, CommentKind
from .permissions import ApprovalPermission, get_approval_for_user
from .registry import describe_data, render_panel
from .spreadsheets import MAX_EXPORT_ROWS, write_approvals_xlsx

PAGE_SIZE = 50
STATUS_CLASSES = {
    ApprovalStatus.PENDING: "warn",
    ApprovalStatus.APPROVED: "active",
    ApprovalStatus.REJECTED: "bad",
    ApprovalStatus.RETURNED: "prospective",
    ApprovalStatus.WITHDRAWN: "past",
}
view_required = permission_required(ApprovalPermission.VIEW, raise_exception=True)


def _first_error(form) -> str:
    for errors in form.errors.values():
        return errors[0]
    return _("Please check the form.")


def _decorate(approvals, reminder_days=None):
    today = timezone.localdate()
    for a in approvals:
        a.status_class = STATUS_CLASSES.get(a.status, "")
        step = a.current_step() if a.is_pending else None
        a.current_role = step.role_label if step else ""
        a.overdue = bool(step and reminder_days is not None and selectors.is_overdue(a, reminder_days, today))
        yield a


@view_required
def approval_list(request):
    user = request.user
    form = FilterForm(request.GET)
    tabs = selectors.tabs_for(user)
    filters = form.filters(default_tab="waiting")
    qs = selectors.with_trail(selectors.search_approvals(user, filters))
    page = CappedPaginator(qs, PAGE_SIZE, cap=None).get_page(request.GET.get("page"))
    reminder_days = current_policy().approvals.pending_reminder_days
    page.object_list = list(_decorate(page.object_list, reminder_days))
    tab_labels = {
        "waiting": _("Waiting for me"),
        "mine": _("My requests"),
        "decided": _("Decided by me"),
        "all": _("All"),
    }
    return render(
        request,
        "approvals/list.html",
        {
            "page": page,
            "form": form,
            "tab": filters.tab if filters.tab in tabs else "waiting",
            "tabs": [(t, tab_labels[t]) for t in tabs],
            "waiting_count": selectors.pending_count(user),
            "params": request.GET,
            "sort": filters.sort,
        },
    )


@view_required
def export(request):
    form = FilterForm(request.GET)
    filters = form.filters(default_tab="waiting")
    qs = selectors.search_approvals(request.user, filters)
    count = qs.count()
    if count > MAX_EXPORT_ROWS:
        messages.error(request, _("Too many approvals to export; narrow the filter."))
        return redirect(reverse("approvals:list") + "?" + request.GET.urlencode())
    out = write_approvals_xlsx(qs.iterator(chunk_size=2000))
    services.record_export(
        by=request.user, request=request, filters={k: v for k, v in request.GET.items() if v}, count=count
    )
    name = f"approvals-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX_TYPE)


@view_required
def detail(request, pk):
    approval = get_approval_for_user(request.user, pk, request=request)
    is_requester = approval.requested_by_id == request.user.pk
    can_sign = approval.is_pending and selectors.may_sign(request.user, approval)
    step = approval.current_step()
    open_ = approval.status in (ApprovalStatus.PENDING, ApprovalStatus.RETURNED)
    data_items = describe_data(approval.kind, approval.data)
    # Every comment once: the trail's notes (resubmitted, withdrawn …) and the discussion below.
    comments = list(approval.comments.select_related("author"))
    return render(
        request,
        "approvals/detail.html",
        {
            "approval": approval,
            "status_class": STATUS_CLASSES.get(approval.status, ""),
            "step": step,
            "trail": selectors.trail_rows(approval, comments),
            "can_sign": can_sign,
            "decision_form": DecisionForm(initial={"position": approval.current_position})
            if can_sign
            else None,
            "can_resubmit": is_requester and approval.status == ApprovalStatus.RETURNED,
            "can_withdraw": is_requester and open_,
            "resubmit_form": ResubmitForm(),
            "withdraw_form": ReasonForm(),
            "comment_form": CommentForm() if open_ else None,
            "attachment_form": AttachmentForm() if open_ else None,
            "comments": [c for c in comments if c.kind == CommentKind.COMMENT],
            "attachments": approval.attachments.select_related("uploaded_by"),
            "upload_limit_mb": current_policy().core.upload_limit_mb,
            "data_items": data_items,
            "panel": render_panel(approval, request),
        },
    )


def _back(approval_pk, anchor=""):
    return redirect(reverse("approvals:detail", args=[approval_pk]) + anchor)


@require_POST
@view_required
def decide(request, pk):
    approval = get_approval_for_user(request.user, pk, request=request)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _back(pk)
    d = form.cleaned_data
    common = {"approval": approval, "approver": request.user, "position": d["position"], "request": request}
    try:
        if d["decision"] == "approve":
            services.approve_step(
                comment=d["comment"], acknowledge_warnings=d["acknowledge_warnings"], **common
            )
            done = (
                _("Approved.")
                if approval.status == ApprovalStatus.APPROVED
                else _("Signed; passed to the next step.")
            )
        elif d["decision"] == "reject":
            services.reject(reason=d["comment"], **common)
            done = _("Rejected.")
        else:
            services.return_for_changes(reason=d["comment"], **common)
            done = _("Returned to the requester for changes.")
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(pk)
    messages.success(request, done)
    return _back(pk)


@require_POST
@view_required
def resubmit(request, pk):
    approval = get_approval_for_user(request.user, pk, request=request)
    form = ResubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _back(pk)
    try:
        services.resubmit(
            approval=approval, by=request.user, comment=form.cleaned_data["comment"], request=request
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(pk)
    messages.success(request, _("Resubmitted; the approval starts again at the first step."))
    return _back(pk)


@require_POST
@view_required
def withdraw(request, pk):
    approval = get_approval_for_user(request.user, pk, request=request)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _back(pk)
    try:
        services.withdraw(
            approval=approval, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(pk)
    messages.success(request, _("Withdrawn."))
    return _back(pk)


@require_POST
@view_required
def comment(request, pk):
    approval = get_approval_for_user(request.user, pk, request=request)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _back(pk, "#comments")
    try:
        services.add_comment(
            approval=approval, by=request.user, body=form.cleaned_data["body"], request=request
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(pk, "#comments")


@require_POST
@view_required
def attach(request, pk):
    approval = get_approval_for_user(request.user, pk, request=request)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return _back(pk, "#attachments")
    try:
        services.add_attachment(
            approval=approval, by=request.user, file=form.cleaned_data["file"], request=request
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(pk, "#attachments")
    messages.success(request, _("File attached."))
    return _back(pk, "#attachments")


@view_required
def download(request, pk):
    """An attachment, only to those who may see its request (404 + audit otherwise); audited."""
    attachment = get_object_or_404(ApprovalAttachment.objects.select_related("request"), pk=pk)
    get_approval_for_user(request.user, attachment.request_id, request=request)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    services.record_attachment_download(attachment=attachment, by=request.user, request=request)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type or "application/octet-stream",
    )

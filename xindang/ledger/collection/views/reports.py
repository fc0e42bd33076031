"""The collection reports on screen and in print: collection-anomaly reports (收款异样报告表),
problem-account reports (问题帐款报告书) and dangerous-customer reports (危险客户报告)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.core.errors import DomainError, form_error
from xindang.policy.selectors import current_policy

from .. import rules, selectors, services
from ..forms import (
    MEASURE_LABELS,
    AnomalyForm,
    DangerForm,
    DecideForm,
    OpinionForm,
    ProblemForm,
)
from ..models import DangerStatus, ReportStatus, SignLine
from ..pdf import report_pdf
from ..permissions import CollectionPermission, get_customer_for_request, may_complete, may_sign_line


# --- Collection-anomaly reports (收款异样报告表) -------------------------------------------------------
@permission_required(CollectionPermission.VIEW, raise_exception=True)
def anomaly_detail(request, pk):
    report = selectors.get_anomaly_for_user(request.user, pk)
    can_complete = (
        report.status == ReportStatus.OPEN
        and request.user.has_perm(CollectionPermission.COMPLETE_ANOMALY)
        and may_complete(request.user, report)
    )
    form = AnomalyForm(request.POST or None) if can_complete else None
    if request.method == "POST":
        if not can_complete:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.complete_anomaly(
                    report=report, by=request.user, request=request, **form.cleaned_data
                )
                messages.success(request, _("Report completed."))
                return redirect(report.get_absolute_url())
            except DomainError as exc:
                form_error(form, exc)
    return render(
        request,
        "collection/anomaly.html",
        {
            "report": report,
            "customer": report.customer,
            "form": form,
            "sign_lines": sign_lines(report, request.user),
            "sign_url": "collection:anomaly_sign",
        },
    )


def sign_lines(report, user) -> list[dict]:
    """The report's signature lines as the page shows them: who signed, or whether `user` may sign."""

    done = {s.line: s for s in report.sign_offs.select_related("signed_by")}
    signed = {line: s.signed_by_id for line, s in done.items()}
    rows = []
    for line in rules.SIGN_ORDER:
        can = (
            line not in done
            and may_sign_line(user, report, line)
            and rules.sign_off_problem(
                line=line, report_completed=report.status != ReportStatus.OPEN, signed=signed, user_id=user.pk
            )
            is None
        )
        rows.append(
            {"line": line, "label": SignLine(line).label, "sign_off": done.get(line), "can_sign": can}
        )
    return rows


def _sign(request, report, page):
    """Sign the posted line; a refusal shows the report page again with the reason (400)."""
    try:
        services.sign_report(
            report=report,
            by=request.user,
            line=request.POST.get("line", ""),
            remark=request.POST.get("remark", ""),
            request=request,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        request.method = "GET"  # the page as shown, nothing else submitted
        response = page(request, report.pk)
        response.status_code = 400
        return response
    messages.success(request, _("Signed."))
    return redirect(report.get_absolute_url() + "#sign-offs")


@require_POST
@permission_required(CollectionPermission.VIEW, raise_exception=True)
def anomaly_sign(request, pk):
    return _sign(request, selectors.get_anomaly_for_user(request.user, pk), anomaly_detail)


@require_POST
@permission_required(CollectionPermission.VIEW, raise_exception=True)
def problem_sign(request, pk):
    return _sign(request, selectors.get_problem_for_user(request.user, pk), problem_detail)


def _pdf(report, kind):
    content = report_pdf(report, kind=kind, company=current_policy().core.company_name)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{report.pk}.pdf"'
    return response


@permission_required(CollectionPermission.VIEW, raise_exception=True)
def anomaly_print(request, pk):
    report = selectors.get_anomaly_for_user(request.user, pk)
    if request.GET.get("format") == "pdf":
        return _pdf(report, "anomaly")
    return render(
        request,
        "collection/print_anomaly.html",
        {
            "report": report,
            "customer": report.customer,
            "today": timezone.localdate(),
            "sign_lines": sign_lines(report, request.user),
        },
    )


# --- Problem-account reports (问题帐款报告书) ---------------------------------------------------------
@permission_required(CollectionPermission.VIEW, raise_exception=True)
def problem_detail(request, pk):
    report = selectors.get_problem_for_user(request.user, pk)
    user = request.user
    can_write = (
        report.status in (ReportStatus.OPEN, ReportStatus.SUBMITTED)
        and user.has_perm(CollectionPermission.WRITE_PROBLEM)
        and may_complete(user, report)
    )
    can_review = (
        report.status == ReportStatus.SUBMITTED
        and user.has_perm(CollectionPermission.REVIEW_PROBLEM)
        and report.completed_by_id != user.pk
    )
    initial = {
        "facts": report.facts,
        "cause": report.cause,
        "measures": report.measures,
        "responsible": report.responsible_id,
    }
    write_form = (
        ProblemForm(request.POST if request.POST.get("action") == "submit" else None, initial=initial)
        if can_write
        else None
    )
    review_form = (
        OpinionForm(request.POST if request.POST.get("action") == "review" else None) if can_review else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "submit" and write_form is not None:
                if write_form.is_valid():
                    services.submit_problem(
                        report=report, by=user, request=request, **write_form.cleaned_data
                    )
                    messages.success(request, _("Report submitted to the manager."))
                    return redirect(report.get_absolute_url())
            elif action == "review" and review_form is not None:
                if review_form.is_valid():
                    services.review_problem(
                        report=report, by=user, opinion=review_form.cleaned_data["opinion"], request=request
                    )
                    messages.success(request, _("Opinion recorded."))
                    return redirect(report.get_absolute_url())
            else:
                raise PermissionDenied
        except DomainError as exc:
            messages.error(request, exc.message)
    return render(
        request,
        "collection/problem.html",
        {
            "report": report,
            "customer": report.customer,
            "write_form": write_form,
            "review_form": review_form,
            "sign_lines": sign_lines(report, request.user),
            "sign_url": "collection:problem_sign",
        },
    )


@permission_required(CollectionPermission.VIEW, raise_exception=True)
def problem_print(request, pk):
    report = selectors.get_problem_for_user(request.user, pk)
    if request.GET.get("format") == "pdf":
        return _pdf(report, "problem")
    return render(
        request,
        "collection/print_problem.html",
        {
            "report": report,
            "customer": report.customer,
            "today": timezone.localdate(),
            "sign_lines": sign_lines(report, request.user),
        },
    )


# --- Dangerous-customer reports (危险客户报告) ----------------------------------------------------------
@permission_required(CollectionPermission.ADD_DANGER, raise_exception=True)
def danger_create(request, pk):
    customer = get_customer_for_request(request, pk)
    form = DangerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_danger(
                customer=customer,
                by=request.user,
                kind=form.cleaned_data["kind"],
                situation=form.cleaned_data["situation"],
                measures=form.measures(),
                request=request,
            )
            messages.success(request, _("Report sent to your superior."))
            return redirect(report.get_absolute_url())
        except DomainError as exc:
            form_error(form, exc)
    return render(
        request,
        "collection/danger_form.html",
        {"form": form, "customer": customer},
        status=400 if request.method == "POST" else 200,
    )


@permission_required(CollectionPermission.VIEW, raise_exception=True)
def danger_detail(request, pk):
    report = selectors.get_danger_for_user(request.user, pk)
    user = request.user
    can_decide = (
        report.status == DangerStatus.SUBMITTED
        and user.has_perm(CollectionPermission.DECIDE_DANGER)
        and report.reported_by_id != user.pk
    )
    initial = {f"approve_{c}": (m or {}).get("proposed") for c, m in report.measures.items()}
    form = DecideForm(request.POST or None, initial=initial) if can_decide else None
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.decide_danger(
                    report=report,
                    by=user,
                    approved=form.approved(),
                    decision=form.cleaned_data["decision"],
                    request=request,
                )
                messages.success(request, _("Instruction recorded."))
                return redirect(report.get_absolute_url())
            except DomainError as exc:
                form_error(form, exc)
    measures = [
        {
            "code": c,
            "label": MEASURE_LABELS[c],
            **(report.measures.get(c) or {}),
            "field": form[f"approve_{c}"] if form else None,
        }
        for c in MEASURE_LABELS
    ]
    return render(
        request,
        "collection/danger.html",
        {
            "report": report,
            "customer": report.customer,
            "form": form,
            "measures": measures,
            "can_suspend": user.has_perm(CollectionPermission.SUSPEND),
        },
    )

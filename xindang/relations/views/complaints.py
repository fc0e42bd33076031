from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.accounts.models import Department
from xindang.approvals.selectors import trail_rows
from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.core.pagination import CappedPaginator
from xindang.core.xlsx import XLSX_TYPE
from xindang.customers.permissions import get_customer_for_user

from .. import evidence, rules, selectors, services
from ..forms import CloseForm, ComplaintForm, FeedbackForm, InvestigateForm, ResolutionForm
from ..models import Cause, ComplaintKind, ComplaintStatus, Severity
from ..permissions import RelationsPermission
from ..spreadsheets import write_statistics_xlsx
from .common import form_error

STATUS_CLASSES = {
    rules.RECEIVED: "warn",
    rules.INVESTIGATING: "warn",
    rules.PROPOSED: "prospective",
    rules.APPROVED: "prospective",
    rules.FED_BACK: "prospective",
    rules.CLOSED: "past",
}
SEVERITY_CLASSES = {rules.MINOR: "", rules.MAJOR: "warn", rules.SERIOUS: "bad"}
GROUPINGS = {"cause", "product", "department", "month"}


def decorate(complaints, sec=None):
    sec = sec or selectors.section()
    today = timezone.localdate()
    for c in complaints:
        c.status_class = STATUS_CLASSES.get(c.status, "")
        c.severity_class = SEVERITY_CLASSES.get(c.severity, "")
        c.due = selectors.complaint_due(c, sec)
        c.overdue = rules.is_overdue(c.due, today)
    return complaints


def _filters():
    return {
        "statuses": ComplaintStatus.choices,
        "severities": Severity.choices,
        "causes": Cause.choices,
        "kinds": ComplaintKind.choices,
        "departments": Department.objects.filter(is_active=True).order_by("code"),
    }


@permission_required(RelationsPermission.VIEW_COMPLAINT, raise_exception=True)
def complaints(request):
    qs = selectors.filter_complaints(selectors.visible_complaints(request.user), request.GET)
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "relations/complaints.html",
        {
            "page": page,
            "complaints": decorate(list(page.object_list)),
            "params": request.GET,
            "can_stats": request.user.has_perm(RelationsPermission.COMPLAINT_STATISTICS),
            **_filters(),
        },
    )


@permission_required(RelationsPermission.COMPLAINT_STATISTICS, raise_exception=True)
def complaint_statistics(request):
    """Complaints by cause, product, department or month (000 7: recorded and analysed), on screen and
    as .xlsx."""
    by = request.GET.get("by") if request.GET.get("by") in GROUPINGS else "cause"
    qs = selectors.filter_complaints(selectors.visible_complaints(request.user), request.GET)
    rows = selectors.complaint_statistics(qs, by)
    if request.GET.get("format") == "xlsx":
        record_event(
            "relations.complaint.export",
            actor=request.user,
            request=request,
            data={"by": by, "rows": len(rows)},
        )
        return FileResponse(
            write_statistics_xlsx(rows, by),
            as_attachment=True,
            filename=f"complaints-{by}.xlsx",
            content_type=XLSX_TYPE,
        )
    return render(
        request,
        "relations/statistics.html",
        {
            "rows": rows,
            "by": by,
            "total": sum(r.total for r in rows),
            "params": request.GET,
            "groupings": [
                ("cause", _("Cause")),
                ("product", _("Product or service")),
                ("department", _("Department")),
                ("month", _("Month")),
            ],
            **_filters(),
        },
    )


@permission_required(RelationsPermission.HANDLE_COMPLAINT, raise_exception=True)
def complaint_create(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request, scope="relations")
    form = ComplaintForm(
        request.POST or None,
        initial={
            "received_on": timezone.localdate(),
            "department": request.user.department_id or customer.department_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.receive_complaint(
                by=request.user, customer_id=customer.pk, data=form.cleaned_data, request=request
            )
            messages.success(request, _("Complaint %(no)s received.") % {"no": complaint.complaint_no})
            return redirect(complaint.get_absolute_url())
        except DomainError as exc:
            form_error(form, exc)
    return render(request, "relations/complaint_form.html", {"customer": customer, "form": form})


@permission_required(RelationsPermission.VIEW_COMPLAINT, raise_exception=True)
def complaint_detail(request, pk, forms=None):
    complaint = selectors.get_complaint_for_user(request.user, pk)
    decorate([complaint])
    can_handle = request.user.has_perm(RelationsPermission.HANDLE_COMPLAINT)
    forms = forms or {}
    today = timezone.localdate()
    status = complaint.status
    ctx = {
        "c": complaint,
        "customer": complaint.customer,
        "needs_production": rules.needs_production(complaint.kind),
        "trail": trail_rows(complaint.approval) if complaint.approval_id else [],
    }
    if can_handle:
        if status in (rules.RECEIVED, rules.INVESTIGATING):
            ctx["investigate_form"] = forms.get("investigate") or InvestigateForm(
                initial={"investigation": complaint.investigation}
            )
        if status == rules.INVESTIGATING:
            ctx["resolution_form"] = forms.get("resolution") or ResolutionForm(
                initial={
                    "resolution": complaint.resolution,
                    "production_opinion": complaint.production_opinion,
                }
            )
        if status == rules.APPROVED:
            ctx["feedback_form"] = forms.get("feedback") or FeedbackForm(initial={"fed_back_on": today})
        if status == rules.FED_BACK:
            ctx["close_form"] = forms.get("close") or CloseForm(initial={"closed_on": today})
    for key, form in forms.items():  # a refused step shows its form with the error, whatever the state
        ctx[f"{key}_form"] = form
    return render(request, "relations/complaint_detail.html", ctx)


def _complaint_step(request, pk, form_class, key, call, success):
    complaint = selectors.get_complaint_for_user(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(complaint, form.cleaned_data)
            messages.success(request, success)
            return redirect(complaint.get_absolute_url())
        except DomainError as exc:
            form_error(form, exc)
    return complaint_detail(request, pk, forms={key: form})


@require_POST
@permission_required(RelationsPermission.HANDLE_COMPLAINT, raise_exception=True)
def complaint_investigate(request, pk):
    return _complaint_step(
        request,
        pk,
        InvestigateForm,
        "investigate",
        lambda c, d: services.investigate_complaint(
            by=request.user, complaint=c, investigation=d["investigation"], request=request
        ),
        _("Investigation saved."),
    )


@require_POST
@permission_required(RelationsPermission.HANDLE_COMPLAINT, raise_exception=True)
def complaint_propose(request, pk):
    return _complaint_step(
        request,
        pk,
        ResolutionForm,
        "resolution",
        lambda c, d: services.propose_resolution(
            by=request.user,
            complaint=c,
            resolution=d["resolution"],
            production_opinion=d.get("production_opinion", ""),
            request=request,
        ),
        _("Resolution sent to the general manager for approval."),
    )


@require_POST
@permission_required(RelationsPermission.HANDLE_COMPLAINT, raise_exception=True)
def complaint_feedback(request, pk):
    return _complaint_step(
        request,
        pk,
        FeedbackForm,
        "feedback",
        lambda c, d: services.feed_back_complaint(
            by=request.user,
            complaint=c,
            feedback=d["feedback"],
            fed_back_on=d["fed_back_on"],
            request=request,
        ),
        _("Feedback to the customer recorded."),
    )


@require_POST
@permission_required(RelationsPermission.HANDLE_COMPLAINT, raise_exception=True)
def complaint_close(request, pk):
    return _complaint_step(
        request,
        pk,
        CloseForm,
        "close",
        lambda c, d: services.close_complaint(
            by=request.user,
            complaint=c,
            customer_answer=d["customer_answer"],
            satisfied=d.get("satisfied"),
            closed_on=d["closed_on"],
            request=request,
        ),
        _("Complaint closed."),
    )


def customer_section(request, customer_pk):
    """回访与投诉 of the customer file page (loaded by htmx into #relations): complaints, visits,
    development plans and survey answers — the relationship records of the file (000 5.1.4)."""
    from ..models import DevelopmentPlan, SurveyResponse
    from .visits import decorate_visits

    customer = get_customer_for_user(request.user, customer_pk, request=request, scope="relations")
    user = request.user
    see_complaints = user.has_perm(RelationsPermission.VIEW_COMPLAINT)
    see_visits = user.has_perm(RelationsPermission.VIEW_VISIT)
    return render(
        request,
        "relations/_customer_section.html",
        {
            "customer": customer,
            "see_complaints": see_complaints,
            "see_visits": see_visits,
            "complaints": decorate(list(customer.complaints.select_related("department")[:20]))
            if see_complaints
            else [],
            "visits": decorate_visits(list(customer.visits.select_related("agent")[:20]))
            if see_visits
            else [],
            "plans": list(DevelopmentPlan.objects.filter(customer=customer).select_related("owner")[:5])
            if see_visits
            else [],
            "responses": list(
                SurveyResponse.objects.filter(customer=customer)
                .select_related("campaign")
                .prefetch_related("answers")[:5]
            )
            if user.has_perm(RelationsPermission.VIEW_SURVEY)
            else [],
            "can_complain": user.has_perm(RelationsPermission.HANDLE_COMPLAINT),
            "can_plan": user.has_perm(RelationsPermission.PLAN_VISIT),
            "holds": selectors.complaint_holds(customer),
        },
    )


def evidence_panel(customer, request) -> str:
    """The relationship evidence as HTML, for the rating form (credit renders it; credit sits above)."""
    from django.template.loader import render_to_string

    return render_to_string(
        "relations/_evidence.html", {"evidence": evidence.credit_evidence(customer)}, request=request
    )

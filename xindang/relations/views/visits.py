from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.core.errors import DomainError
from xindang.core.pagination import CappedPaginator
from xindang.customers.permissions import get_customer_for_user

from .. import rules, selectors, services
from ..forms import (
    CancelForm,
    DevelopmentPlanForm,
    ReviewForm,
    VisitPlanForm,
    VisitRecordForm,
    VisitReportForm,
)
from ..models import VisitStatus
from ..permissions import RelationsPermission
from .common import form_error

VISIT_CLASSES = {
    rules.PLANNED: "prospective",
    rules.DONE: "warn",
    rules.REPORTED: "warn",
    rules.REVIEWED: "active",
    rules.CANCELLED: "past",
}


def decorate_visits(visits, sec=None):
    sec = sec or selectors.section()
    today = timezone.localdate()
    for v in visits:
        v.status_class = VISIT_CLASSES.get(v.status, "")
        v.due = selectors.visit_due(v, sec)
        v.overdue = rules.is_overdue(v.due, today)
    return visits


def _agents():
    """Who may be given a visit: active users who record visits."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    perm = Permission.objects.filter(codename="change_visit", content_type__app_label="relations")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=perm) | Q(user_permissions__in=perm))
        .distinct()
        .order_by("username")
    )


@permission_required(RelationsPermission.VIEW_VISIT, raise_exception=True)
def visits(request):
    """Visit plans per service agent (营销代表客户访问计划, 004 客户信息管理制度 第十条1(1))."""
    qs = selectors.visible_visits(request.user)
    agent = request.GET.get("agent", "")
    if agent == "me":
        qs = qs.filter(agent=request.user)
    elif agent.isdigit():
        qs = qs.filter(agent_id=int(agent))
    if request.GET.get("status") in VisitStatus.values:
        qs = qs.filter(status=request.GET["status"])
    if request.GET.get("kind"):
        qs = qs.filter(kind=request.GET["kind"])
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "relations/visits.html",
        {
            "page": page,
            "visits": decorate_visits(list(page.object_list)),
            "params": request.GET,
            "statuses": VisitStatus.choices,
            "agents": _agents(),
        },
    )


@permission_required(RelationsPermission.PLAN_VISIT, raise_exception=True)
def visit_create(request, customer_pk):
    customer = get_customer_for_user(request.user, customer_pk, request=request, scope="relations")
    form = VisitPlanForm(
        request.POST or None,
        agents=_agents(),
        initial={"agent": request.user.pk, "planned_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.plan_visit(
                by=request.user,
                customer_id=customer.pk,
                agent=form.cleaned_data["agent"],
                data=form.cleaned_data,
                request=request,
            )
            messages.success(request, _("Visit planned."))
            return redirect(visit.get_absolute_url())
        except DomainError as exc:
            form_error(form, exc)
    return render(request, "relations/visit_form.html", {"customer": customer, "form": form})


@permission_required(RelationsPermission.VIEW_VISIT, raise_exception=True)
def visit_detail(request, pk, forms=None):
    visit = selectors.get_visit_for_user(request.user, pk)
    decorate_visits([visit])
    forms = forms or {}
    user = request.user
    today = timezone.localdate()
    ctx = {"v": visit, "customer": visit.customer}
    if user.has_perm(RelationsPermission.RECORD_VISIT):
        if visit.status == VisitStatus.PLANNED:
            ctx["record_form"] = forms.get("record") or VisitRecordForm(initial={"visited_on": today})
        if visit.status == VisitStatus.DONE:
            ctx["report_form"] = forms.get("report") or VisitReportForm(initial={"reported_on": today})
    if (
        user.has_perm(RelationsPermission.REVIEW_VISIT)
        and visit.status == VisitStatus.REPORTED
        and visit.agent_id != user.pk
    ):
        ctx["review_form"] = forms.get("review") or ReviewForm()
    if user.has_perm(RelationsPermission.PLAN_VISIT) and visit.status == VisitStatus.PLANNED:
        ctx["cancel_form"] = forms.get("cancel") or CancelForm()
    for key, form in forms.items():  # a refused step shows its form with the error, whatever the state
        ctx[f"{key}_form"] = form
    return render(request, "relations/visit_detail.html", ctx)


def _visit_step(request, pk, form_class, key, call, success):
    visit = selectors.get_visit_for_user(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(visit, form.cleaned_data)
            messages.success(request, success)
            return redirect(visit.get_absolute_url())
        except DomainError as exc:
            form_error(form, exc)
    return visit_detail(request, pk, forms={key: form})


@require_POST
@permission_required(RelationsPermission.RECORD_VISIT, raise_exception=True)
def visit_record(request, pk):
    return _visit_step(
        request, pk, VisitRecordForm, "record",
        lambda v, d: services.record_visit(by=request.user, visit=v, data=d, request=request),
        _("Visit record saved; the report is due the next day."),
    )  # fmt: skip


@require_POST
@permission_required(RelationsPermission.RECORD_VISIT, raise_exception=True)
def visit_report(request, pk):
    return _visit_step(
        request, pk, VisitReportForm, "report",
        lambda v, d: services.report_visit(
            by=request.user, visit=v, process=d["process"], result=d["result"], reported_on=d["reported_on"],
            request=request,
        ),
        _("Visit report sent to the service supervisor."),
    )  # fmt: skip


@require_POST
@permission_required(RelationsPermission.REVIEW_VISIT, raise_exception=True)
def visit_review(request, pk):
    return _visit_step(
        request, pk, ReviewForm, "review",
        lambda v, d: services.review_visit(by=request.user, visit=v, guidance=d["guidance"], request=request),
        _("Review saved."),
    )  # fmt: skip


@require_POST
@permission_required(RelationsPermission.PLAN_VISIT, raise_exception=True)
def visit_cancel(request, pk):
    return _visit_step(
        request, pk, CancelForm, "cancel",
        lambda v, d: services.cancel_visit(by=request.user, visit=v, reason=d["reason"], request=request),
        _("Visit cancelled."),
    )  # fmt: skip


@permission_required(RelationsPermission.PLAN_VISIT, raise_exception=True)
def plan_create(request, customer_pk):
    """The customer development plan (客户开发计划, 002 篇三 六.2)."""
    customer = get_customer_for_user(request.user, customer_pk, request=request, scope="relations")
    form = DevelopmentPlanForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_development_plan(
                by=request.user, customer_id=customer.pk, request=request, **form.cleaned_data
            )
            messages.success(request, _("Development plan saved."))
            return redirect(customer.get_absolute_url() + "#relations")
        except DomainError as exc:
            form_error(form, exc)
    return render(request, "relations/plan_form.html", {"customer": customer, "form": form})


@permission_required(RelationsPermission.VIEW_VISIT, raise_exception=True)
def visit_pdf(request, pk):
    """The visit record and report as printed forms (客户回访记录表, 客户回访报告表); audited."""
    from django.http import HttpResponse

    from xindang.audit.services import record_event
    from xindang.policy.selectors import current_policy

    from ..pdf import visit_pdf as render_pdf

    visit = selectors.get_visit_for_user(request.user, pk)
    content = render_pdf(visit, printed_by=request.user, company=current_policy().core.company_name)
    record_event("relations.visit.print", actor=request.user, request=request, obj=visit, data={})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="visit-{visit.pk}.pdf"'
    return response

"""Customer visits and development plans (002 篇三)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.permissions import get_customer_for_user
from xindang.customers.selectors import can_see_customer

from .. import rules
from ..errors import RelationsError
from ..models import (
    DevelopmentPlan,
    Visit,
    VisitStatus,
)
from ..permissions import RelationsPermission
from .checks import move, not_future, require, required_text, stripped


@transaction.atomic
def plan_visit(*, by, customer_id: int, agent, data: dict, request=None) -> Visit:
    """The visit plan (客户回访计划, 002 篇三 三.1: time, content, purpose, method; 三.2 place) for one
    customer and service agent (004 客户信息管理制度 第十条: 营销代表客户访问计划)."""
    require(by, RelationsPermission.PLAN_VISIT)
    customer = get_customer_for_user(by, customer_id, request=request, scope="relations")
    agent = agent or by
    if not agent.is_active or not agent.has_perm(RelationsPermission.RECORD_VISIT):
        raise DomainError(RelationsError.AGENT_CANNOT_SEE, field="agent", user=str(agent))
    visit = Visit.objects.create(
        customer=customer,
        agent=agent,
        kind=data.get("kind") or "routine",
        planned_on=data.get("planned_on") or timezone.localdate(),
        method=data.get("method") or "on_site",
        place=stripped(data.get("place")),
        purpose=required_text(data.get("purpose"), "purpose"),
        content=stripped(data.get("content")),
        planned_by=by,
    )
    record_event(
        "relations.visit.plan",
        actor=by,
        request=request,
        obj=visit,
        data={"customer": customer.pk, "agent": agent.pk, "on": visit.planned_on.isoformat()},
    )
    return visit


def _locked_visit(visit, by) -> Visit:
    v = Visit.objects.select_for_update().select_related("customer").get(pk=getattr(visit, "pk", visit))
    if not can_see_customer(by, v.customer, scope="relations"):
        raise PermissionDenied
    return v


@transaction.atomic
def record_visit(*, by, visit, data: dict, request=None) -> Visit:
    """The visit record (客户回访记录表, 002 篇三 四.2): the customer's needs and opinions on our
    service, and what the agent saw of their operations."""
    require(by, RelationsPermission.RECORD_VISIT)
    v = _locked_visit(visit, by)
    visited_on = not_future(data.get("visited_on") or timezone.localdate(), "visited_on")
    move(v, rules.DONE, can_move=rules.visit_can_move)
    v.visited_on = visited_on
    v.needs = required_text(data.get("needs"), "needs")
    v.service_opinions = stripped(data.get("service_opinions"))
    v.operations = data.get("operations") or ""
    v.findings = stripped(data.get("findings"))
    v.save()
    record_event(
        "relations.visit.record",
        actor=by,
        request=request,
        obj=v,
        data={"on": visited_on.isoformat(), "operations": v.operations},
    )
    return v


@transaction.atomic
def report_visit(
    *, by, visit, process: str, result: str, reported_on: date | None = None, request=None
) -> Visit:
    """The visit report (客户回访报告表, 002 篇三 五.1: the course and result of the visit). Refused for
    a visit not yet done."""
    require(by, RelationsPermission.RECORD_VISIT)
    v = _locked_visit(visit, by)
    if v.status != VisitStatus.DONE or v.visited_on is None:
        if v.status == VisitStatus.PLANNED:
            raise DomainError(RelationsError.VISIT_NOT_DONE)
        raise DomainError(RelationsError.BAD_TRANSITION, status=v.get_status_display())
    on = not_future(reported_on or timezone.localdate(), "reported_on")
    if on < v.visited_on:
        raise DomainError(RelationsError.REPORT_BEFORE_VISIT, field="reported_on")
    move(v, rules.REPORTED, can_move=rules.visit_can_move)
    v.process = required_text(process, "process")
    v.result = required_text(result, "result")
    v.reported_on = on
    v.save()
    record_event("relations.visit.report", actor=by, request=request, obj=v, data={"on": on.isoformat()})
    return v


@transaction.atomic
def review_visit(*, by, visit, guidance: str, request=None) -> Visit:
    """The service supervisor's review and guidance (002 篇三 五.2: 提出指导意见); not by the author."""
    require(by, RelationsPermission.REVIEW_VISIT)
    v = _locked_visit(visit, by)
    if v.agent_id == by.pk:
        raise DomainError(RelationsError.OWN_REPORT)
    move(v, rules.REVIEWED, can_move=rules.visit_can_move)
    v.guidance = required_text(guidance, "guidance")
    v.reviewed_by, v.reviewed_on = by, timezone.localdate()
    v.save()
    record_event("relations.visit.review", actor=by, request=request, obj=v, data={})
    return v


@transaction.atomic
def cancel_visit(*, by, visit, reason: str, request=None) -> Visit:
    require(by, RelationsPermission.PLAN_VISIT)
    v = _locked_visit(visit, by)
    move(v, rules.CANCELLED, can_move=rules.visit_can_move)
    v.cancel_reason = required_text(reason, "reason")
    v.save()
    record_event("relations.visit.cancel", actor=by, request=request, obj=v, data={"reason": v.cancel_reason})
    return v


@transaction.atomic
def create_development_plan(*, by, customer_id: int, year: int, goals: str, strategy: str = "", request=None):
    """The customer development plan (客户开发计划, 002 篇三 六.2), drawn from the visit records."""
    require(by, RelationsPermission.PLAN_VISIT)
    customer = get_customer_for_user(by, customer_id, request=request, scope="relations")
    plan = DevelopmentPlan.objects.create(
        customer=customer,
        year=int(year),
        goals=required_text(goals, "goals"),
        strategy=stripped(strategy),
        owner=by,
    )
    record_event("relations.plan.create", actor=by, request=request, obj=plan, data={"customer": customer.pk})
    return plan

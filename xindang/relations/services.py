"""Every write to relationship records: one function per business operation, atomic and audited.
Each checks the actor's capability and the object's state itself (views only show buttons)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.selectors import can_see_customer, get_customer_for_user

from . import rules, selectors
from .errors import RelationsError
from .models import (
    CampaignStatus,
    Complaint,
    CorrectiveAction,
    DevelopmentPlan,
    Question,
    Questionnaire,
    SurveyAnswer,
    SurveyCampaign,
    SurveyResponse,
    Visit,
    VisitStatus,
)
from .permissions import RelationsPermission

COMPLAINT_KIND = "relations.complaint"
SURVEY_KIND = "relations.survey"


def _require(user, perm) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def _text(value) -> str:
    return (value or "").strip()


def _required(value, field: str) -> str:
    text = _text(value)
    if not text:
        raise DomainError(RelationsError.REQUIRED, field=field)
    return text


def _not_future(value: date, field: str) -> date:
    if value > timezone.localdate():
        raise DomainError(RelationsError.IN_FUTURE, field=field)
    return value


def _move(obj, target: str, *, can_move=rules.can_move) -> None:
    if not can_move(obj.status, target):
        raise DomainError(RelationsError.BAD_TRANSITION, status=obj.get_status_display())
    obj.status = target


# --- Complaints (000 7) ----------------------------------------------------------------------------
@transaction.atomic
def receive_complaint(*, by, customer_id: int, data: dict, request=None) -> Complaint:
    """Record a complaint as the business department receives it (000 7 5.4.1)."""
    _require(by, RelationsPermission.HANDLE_COMPLAINT)
    customer = get_customer_for_user(by, customer_id, request=request, scope="relations")
    received_on = _not_future(data.get("received_on") or timezone.localdate(), "received_on")
    department = data.get("department") or by.department or customer.department
    complaint = Complaint.objects.create(
        customer=customer,
        department=department,
        received_on=received_on,
        received_by=by,
        channel=data.get("channel") or "phone",
        kind=data.get("kind") or rules.PROCESS,
        severity=data.get("severity") or rules.MINOR,
        cause=data.get("cause") or "other",
        product=_required(data.get("product"), "product"),
        content=_required(data.get("content"), "content"),
        quality_feedback=_text(data.get("quality_feedback")),
    )
    record_event(
        "relations.complaint.receive",
        actor=by,
        request=request,
        obj=complaint,
        data={"customer": customer.pk, "severity": complaint.severity, "kind": complaint.kind},
    )
    return complaint


def _locked(complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=getattr(complaint, "pk", complaint))


def _visible(by, complaint: Complaint) -> None:
    if not can_see_customer(by, complaint.customer, scope="relations"):
        raise PermissionDenied


@transaction.atomic
def investigate_complaint(*, by, complaint, investigation: str, request=None) -> Complaint:
    """The business department's investigation of the facts (000 7 5.4.2/5.4.3: 组织处理)."""
    _require(by, RelationsPermission.HANDLE_COMPLAINT)
    c = _locked(complaint)
    _visible(by, c)
    if c.status not in (rules.RECEIVED, rules.INVESTIGATING):
        raise DomainError(RelationsError.BAD_TRANSITION, status=c.get_status_display())
    c.investigation = _required(investigation, "investigation")
    c.investigated_by = by
    c.status = rules.INVESTIGATING
    c.save()
    record_event("relations.complaint.investigate", actor=by, request=request, obj=c, data={})
    return c


@transaction.atomic
def propose_resolution(
    *, by, complaint, resolution: str, production_opinion: str = "", request=None
) -> Complaint:
    """Propose the resolution and send it to the general manager (000 7: 处理结果公司总经理审批). A
    quality complaint needs production's opinion (5.4.2: 报请公司生产处协同处理). The proposer is the
    approval's requester, so nobody approves their own resolution (the engine's four-eyes rule)."""
    from xindang.approvals.services import submit_request

    _require(by, RelationsPermission.HANDLE_COMPLAINT)
    c = _locked(complaint)
    _visible(by, c)
    resolution = _required(resolution, "resolution")
    production_opinion = _text(production_opinion)
    if rules.needs_production(c.kind) and not production_opinion:
        raise DomainError(RelationsError.PRODUCTION_REQUIRED, field="production_opinion")
    if c.status == rules.INVESTIGATING and not c.investigation:
        raise DomainError(RelationsError.REQUIRED, field="investigation")
    _move(c, rules.PROPOSED)
    c.resolution = resolution
    c.production_opinion = production_opinion
    c.proposed_by = by
    c.proposed_on = timezone.localdate()
    c.save()
    chain = list(selectors.section().complaint_approval_chain)
    c.approval = submit_request(
        kind=COMPLAINT_KIND,
        obj=c,
        chain=chain,
        requested_by=by,
        title=str(c)[:200],
        summary=resolution[:500],
        data={"severity": c.severity, "kind": c.kind, "product": c.product},
        customer=c.customer,
        request=request,
    )
    c.save(update_fields=["approval"])
    record_event(
        "relations.complaint.propose", actor=by, request=request, obj=c, data={"approval": c.approval_id}
    )
    return c


def _complaint_of(approval) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=int(approval.object_id))


def on_complaint_approved(approval) -> None:
    c = _complaint_of(approval)
    _move(c, rules.APPROVED)
    c.approved_on = timezone.localdate()
    c.save()
    record_event("relations.complaint.approve", actor=None, obj=c, data={"approval": approval.pk})


def on_complaint_rejected(approval) -> None:
    """A rejected (or withdrawn) resolution goes back to investigation: a new one is proposed."""
    c = _complaint_of(approval)
    _move(c, rules.INVESTIGATING)
    c.save()
    record_event(
        "relations.complaint.reject",
        actor=None,
        obj=c,
        data={"approval": approval.pk, "status": approval.status},
    )


@transaction.atomic
def feed_back_complaint(
    *, by, complaint, feedback: str, fed_back_on: date | None = None, request=None
) -> Complaint:
    """The office tells the customer the approved result (000 7 5.4.2/5.4.3: 由办公室反馈到客户)."""
    _require(by, RelationsPermission.HANDLE_COMPLAINT)
    c = _locked(complaint)
    _visible(by, c)
    feedback = _required(feedback, "feedback")
    on = _not_future(fed_back_on or timezone.localdate(), "fed_back_on")
    if on < c.received_on:
        raise DomainError(RelationsError.BEFORE_RECEIPT, field="fed_back_on")
    _move(c, rules.FED_BACK)
    c.feedback, c.fed_back_on, c.fed_back_by = feedback, on, by
    c.save()
    record_event(
        "relations.complaint.feedback", actor=by, request=request, obj=c, data={"on": on.isoformat()}
    )
    return c


@transaction.atomic
def close_complaint(
    *,
    by,
    complaint,
    customer_answer: str,
    satisfied: bool | None,
    closed_on: date | None = None,
    request=None,
) -> Complaint:
    """Close a complaint with the customer's answer to the feedback. Refused before the result was
    fed back (000 7: the customer hears the approved result first)."""
    _require(by, RelationsPermission.HANDLE_COMPLAINT)
    c = _locked(complaint)
    _visible(by, c)
    if c.status != rules.FED_BACK or c.fed_back_on is None:
        raise DomainError(RelationsError.NOT_FED_BACK)
    answer = _required(customer_answer, "customer_answer")
    on = _not_future(closed_on or timezone.localdate(), "closed_on")
    if on < c.fed_back_on:
        raise DomainError(RelationsError.BEFORE_RECEIPT, field="closed_on")
    _move(c, rules.CLOSED)
    c.customer_answer, c.customer_satisfied, c.closed_on, c.closed_by = answer, satisfied, on, by
    c.save()
    record_event("relations.complaint.close", actor=by, request=request, obj=c, data={"satisfied": satisfied})
    return c


# --- Visits (002 篇三) -------------------------------------------------------------------------------
@transaction.atomic
def plan_visit(*, by, customer_id: int, agent, data: dict, request=None) -> Visit:
    """The visit plan (客户回访计划, 002 篇三 三.1: time, content, purpose, method; 三.2 place) for one
    customer and service agent (004 客户信息管理制度 第十条: 营销代表客户访问计划)."""
    _require(by, RelationsPermission.PLAN_VISIT)
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
        place=_text(data.get("place")),
        purpose=_required(data.get("purpose"), "purpose"),
        content=_text(data.get("content")),
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
    _require(by, RelationsPermission.RECORD_VISIT)
    v = _locked_visit(visit, by)
    visited_on = _not_future(data.get("visited_on") or timezone.localdate(), "visited_on")
    _move(v, rules.DONE, can_move=rules.visit_can_move)
    v.visited_on = visited_on
    v.needs = _required(data.get("needs"), "needs")
    v.service_opinions = _text(data.get("service_opinions"))
    v.operations = data.get("operations") or ""
    v.findings = _text(data.get("findings"))
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
    _require(by, RelationsPermission.RECORD_VISIT)
    v = _locked_visit(visit, by)
    if v.status != VisitStatus.DONE or v.visited_on is None:
        if v.status == VisitStatus.PLANNED:
            raise DomainError(RelationsError.VISIT_NOT_DONE)
        raise DomainError(RelationsError.BAD_TRANSITION, status=v.get_status_display())
    on = _not_future(reported_on or timezone.localdate(), "reported_on")
    if on < v.visited_on:
        raise DomainError(RelationsError.REPORT_BEFORE_VISIT, field="reported_on")
    _move(v, rules.REPORTED, can_move=rules.visit_can_move)
    v.process = _required(process, "process")
    v.result = _required(result, "result")
    v.reported_on = on
    v.save()
    record_event("relations.visit.report", actor=by, request=request, obj=v, data={"on": on.isoformat()})
    return v


@transaction.atomic
def review_visit(*, by, visit, guidance: str, request=None) -> Visit:
    """The service supervisor's review and guidance (002 篇三 五.2: 提出指导意见); not by the author."""
    _require(by, RelationsPermission.REVIEW_VISIT)
    v = _locked_visit(visit, by)
    if v.agent_id == by.pk:
        raise DomainError(RelationsError.OWN_REPORT)
    _move(v, rules.REVIEWED, can_move=rules.visit_can_move)
    v.guidance = _required(guidance, "guidance")
    v.reviewed_by, v.reviewed_on = by, timezone.localdate()
    v.save()
    record_event("relations.visit.review", actor=by, request=request, obj=v, data={})
    return v


@transaction.atomic
def cancel_visit(*, by, visit, reason: str, request=None) -> Visit:
    _require(by, RelationsPermission.PLAN_VISIT)
    v = _locked_visit(visit, by)
    _move(v, rules.CANCELLED, can_move=rules.visit_can_move)
    v.cancel_reason = _required(reason, "reason")
    v.save()
    record_event("relations.visit.cancel", actor=by, request=request, obj=v, data={"reason": v.cancel_reason})
    return v


@transaction.atomic
def create_development_plan(*, by, customer_id: int, year: int, goals: str, strategy: str = "", request=None):
    """The customer development plan (客户开发计划, 002 篇三 六.2), drawn from the visit records."""
    _require(by, RelationsPermission.PLAN_VISIT)
    customer = get_customer_for_user(by, customer_id, request=request, scope="relations")
    plan = DevelopmentPlan.objects.create(
        customer=customer, year=int(year), goals=_required(goals, "goals"), strategy=_text(strategy), owner=by
    )
    record_event("relations.plan.create", actor=by, request=request, obj=plan, data={"customer": customer.pk})
    return plan


# --- Satisfaction surveys (000 6) ----------------------------------------------------------------
@transaction.atomic
def save_questionnaire(
    *, by, name: str, scale_max: int, questions: list[tuple[str, str]], questionnaire=None, request=None
) -> Questionnaire:
    """Create or edit the questionnaire (顾客满意度调查表, 000 6 b). `questions`: (topic, text) in order.
    A questionnaire already answered keeps its questions (answers point at them): a new one is made."""
    _require(by, RelationsPermission.MANAGE_SURVEY)
    questions = [(topic, _text(text)) for topic, text in questions if _text(text)]
    if not questions:
        raise DomainError(RelationsError.NO_QUESTIONS, field="questions")
    if (
        questionnaire is not None
        and SurveyAnswer.objects.filter(question__questionnaire=questionnaire).exists()
    ):
        questionnaire = None
    if questionnaire is None:
        questionnaire = Questionnaire.objects.create(name=_required(name, "name"), scale_max=int(scale_max))
    else:
        questionnaire.name, questionnaire.scale_max = _required(name, "name"), int(scale_max)
        questionnaire.save()
        questionnaire.questions.all().delete()
    Question.objects.bulk_create(
        [
            Question(questionnaire=questionnaire, position=i, topic=t, text=x)
            for i, (t, x) in enumerate(questions, 1)
        ]
    )
    record_event(
        "relations.survey.questionnaire",
        actor=by,
        request=request,
        obj=questionnaire,
        data={"questions": len(questions)},
    )
    return questionnaire


@transaction.atomic
def open_campaign(*, by, questionnaire, year: int, title: str, request=None) -> SurveyCampaign:
    """A survey campaign (000 6 a: at least one full survey a year)."""
    _require(by, RelationsPermission.MANAGE_SURVEY)
    campaign = SurveyCampaign.objects.create(
        questionnaire=questionnaire, year=int(year), title=_required(title, "title"), created_by=by
    )
    record_event(
        "relations.survey.campaign", actor=by, request=request, obj=campaign, data={"year": campaign.year}
    )
    return campaign


def _check_scores(questions, scores: dict, scale_max: int) -> dict:
    clean = {}
    for q in questions:
        raw = scores.get(q.pk, scores.get(str(q.pk)))
        problem = rules.score_problem(raw, scale_max)
        if problem == "required":
            raise DomainError(RelationsError.SCORE_REQUIRED, field=f"q{q.pk}", question=q.text)
        if problem:
            raise DomainError(
                RelationsError.SCORE_OUT_OF_SCALE, field=f"q{q.pk}", question=q.text, max=scale_max
            )
        clean[q.pk] = int(raw)
    return clean


def _store_response(
    *, by, campaign, customer, answered_on, scores: dict, comment: str = ""
) -> SurveyResponse:
    if SurveyResponse.objects.filter(campaign=campaign, customer=customer).exists():
        raise DomainError(RelationsError.ALREADY_ANSWERED, customer=customer.name)
    questions = list(campaign.questionnaire.questions.all())
    clean = _check_scores(questions, scores, campaign.questionnaire.scale_max)
    response = SurveyResponse.objects.create(
        campaign=campaign, customer=customer, answered_on=answered_on, comment=_text(comment), entered_by=by
    )
    SurveyAnswer.objects.bulk_create(
        [SurveyAnswer(response=response, question_id=q, score=s) for q, s in clean.items()]
    )
    return response


def _open_campaign(campaign) -> SurveyCampaign:
    c = SurveyCampaign.objects.select_for_update().select_related("questionnaire").get(pk=campaign.pk)
    if c.status != CampaignStatus.OPEN:
        raise DomainError(RelationsError.CAMPAIGN_CLOSED)
    return c


@transaction.atomic
def enter_response(
    *,
    by,
    campaign,
    customer_id: int,
    scores: dict,
    answered_on: date | None = None,
    comment: str = "",
    request=None,
) -> SurveyResponse:
    """One customer's answers (000 6 b), each on the questionnaire's scale."""
    _require(by, RelationsPermission.MANAGE_SURVEY)
    c = _open_campaign(campaign)
    customer = get_customer_for_user(by, customer_id, request=request, scope="relations")
    response = _store_response(
        by=by,
        campaign=c,
        customer=customer,
        answered_on=answered_on or timezone.localdate(),
        scores=scores,
        comment=comment,
    )
    record_event(
        "relations.survey.answer", actor=by, request=request, obj=response, data={"customer": customer.pk}
    )
    return response


@transaction.atomic
def import_responses(*, by, campaign, rows: list[dict], request=None) -> int:
    """Answers from an .xlsx (rows parsed by importing.read_rows): all or nothing — the first bad row
    is named and nothing is stored."""
    from xindang.customers.models import Customer
    from xindang.customers.selectors import visible_customers

    _require(by, RelationsPermission.MANAGE_SURVEY)
    c = _open_campaign(campaign)
    visible = visible_customers(by, scope="relations")
    count = 0
    for row in rows:
        try:
            key = _text(str(row.get("customer") or ""))
            customer = visible.filter(file_no=key).first() or visible.filter(name=key).first()
            if customer is None:
                raise DomainError(RelationsError.REQUIRED, field="customer")
            answered_on = row.get("answered_on") or timezone.localdate()
            with transaction.atomic():
                _store_response(
                    by=by,
                    campaign=c,
                    customer=customer,
                    answered_on=answered_on,
                    scores=row["scores"],
                    comment=row.get("comment", ""),
                )
        except DomainError as exc:
            problem = exc.message if exc.code != RelationsError.REQUIRED else str(_unknown_customer(row))
            raise DomainError(RelationsError.IMPORT_ROW, row=row["row"], problem=problem) from exc
        except Customer.MultipleObjectsReturned as exc:  # pragma: no cover - filter().first() never raises
            raise DomainError(RelationsError.IMPORT_ROW, row=row["row"], problem="") from exc
        count += 1
    record_event("relations.survey.import", actor=by, request=request, obj=c, data={"rows": count})
    return count


def _unknown_customer(row) -> str:
    from django.utils.translation import gettext as _

    return _("no customer file “%(customer)s” that you may see.") % {"customer": row.get("customer") or ""}


@transaction.atomic
def submit_survey_report(*, by, campaign, conclusion: str, request=None) -> SurveyCampaign:
    """The analysis report (顾客满意度调查分析报告, 000 6 c) to the general manager. Below the target,
    at least one corrective action must be raised first (6 d)."""
    from xindang.approvals.services import submit_request

    _require(by, RelationsPermission.MANAGE_SURVEY)
    c = _open_campaign(campaign)
    if not c.responses.exists():
        raise DomainError(RelationsError.NO_ANSWERS)
    sec = selectors.section()
    scores = selectors.campaign_scores(c)
    pct = scores["overall"]
    if rules.below_target(pct, sec.satisfaction_target_pct) and not c.actions.exists():
        raise DomainError(RelationsError.ACTION_REQUIRED)
    c.conclusion = _required(conclusion, "conclusion")
    c.score_pct = pct
    c.target_pct = sec.satisfaction_target_pct
    c.status = CampaignStatus.REPORTED
    c.save()
    c.approval = submit_request(
        kind=SURVEY_KIND,
        obj=c,
        chain=list(sec.survey_approval_chain),
        requested_by=by,
        title=c.title,
        summary=c.conclusion[:500],
        data={"score_pct": pct, "target_pct": sec.satisfaction_target_pct, "responses": scores["responses"]},
        request=request,
    )
    c.save(update_fields=["approval"])
    record_event("relations.survey.report", actor=by, request=request, obj=c, data={"score_pct": pct})
    return c


def on_survey_approved(approval) -> None:
    c = SurveyCampaign.objects.select_for_update().get(pk=int(approval.object_id))
    c.status, c.approved_on = CampaignStatus.APPROVED, timezone.localdate()
    c.save()
    record_event("relations.survey.approve", actor=None, obj=c, data={"approval": approval.pk})


def on_survey_rejected(approval) -> None:
    c = SurveyCampaign.objects.select_for_update().get(pk=int(approval.object_id))
    c.status = CampaignStatus.OPEN
    c.save()
    record_event("relations.survey.reject", actor=None, obj=c, data={"approval": approval.pk})


@transaction.atomic
def raise_action(*, by, campaign, topic: str, description: str, owner, due_on: date, request=None):
    """A corrective and preventive action (000 6 d) with its owner and due date."""
    _require(by, RelationsPermission.MANAGE_SURVEY)
    action = CorrectiveAction.objects.create(
        campaign=campaign,
        topic=topic,
        description=_required(description, "description"),
        owner=owner,
        due_on=due_on,
    )
    record_event("relations.action.raise", actor=by, request=request, obj=action, data={"owner": owner.pk})
    return action


@transaction.atomic
def close_action(*, by, action, outcome: str, request=None):
    """Closed by its owner or the survey's manager once done (000 6 d: followed to closure)."""
    a = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    if a.owner_id != by.pk and not by.has_perm(RelationsPermission.MANAGE_SURVEY):
        raise PermissionDenied
    if a.closed_on is not None:
        raise DomainError(RelationsError.ACTION_DONE)
    a.outcome = _required(outcome, "outcome")
    a.closed_on = timezone.localdate()
    a.save()
    record_event("relations.action.close", actor=by, request=request, obj=a, data={})
    return a


# --- The approvals engine ---------------------------------------------------------------------------
def describe_complaint(data: dict) -> list[tuple[str, str]]:
    from .models import ComplaintKind, Severity

    items = []
    if data.get("severity") in Severity.values:
        items.append((Complaint._meta.get_field("severity").verbose_name, Severity(data["severity"]).label))
    if data.get("kind") in ComplaintKind.values:
        items.append((Complaint._meta.get_field("kind").verbose_name, ComplaintKind(data["kind"]).label))
    if data.get("product"):
        items.append((Complaint._meta.get_field("product").verbose_name, str(data["product"])))
    return items


def describe_survey(data: dict) -> list[tuple[str, str]]:
    items = []
    if data.get("score_pct") is not None:
        items.append((SurveyCampaign._meta.get_field("score_pct").verbose_name, f"{data['score_pct']}"))
    if data.get("target_pct") is not None:
        items.append((SurveyCampaign._meta.get_field("target_pct").verbose_name, f"{data['target_pct']}"))
    return items


def register_approval_kinds() -> None:
    from django.utils.translation import gettext_lazy

    from xindang.approvals import register
    from xindang.approvals.registry import register_panel

    from .panels import complaint_panel, survey_panel

    register(
        COMPLAINT_KIND,
        on_approved=on_complaint_approved,
        on_rejected=on_complaint_rejected,
        on_withdrawn=on_complaint_rejected,
        label=gettext_lazy("Complaint resolution"),
        describe=describe_complaint,
    )
    register(
        SURVEY_KIND,
        on_approved=on_survey_approved,
        on_rejected=on_survey_rejected,
        on_withdrawn=on_survey_rejected,
        label=gettext_lazy("Satisfaction survey report"),
        describe=describe_survey,
    )
    register_panel(COMPLAINT_KIND, complaint_panel)
    register_panel(SURVEY_KIND, survey_panel)

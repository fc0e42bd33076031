"""Satisfaction surveys (000 6): questionnaires, campaigns, responses, the report and corrective actions."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.permissions import get_customer_for_user

from .. import rules, selectors
from ..errors import RelationsError
from ..models import (
    CampaignStatus,
    CorrectiveAction,
    Question,
    Questionnaire,
    SurveyAnswer,
    SurveyCampaign,
    SurveyResponse,
)
from ..permissions import RelationsPermission
from .checks import require, required_text, stripped

SURVEY_KIND = "relations.survey"


@transaction.atomic
def save_questionnaire(
    *, by, name: str, scale_max: int, questions: list[tuple[str, str]], questionnaire=None, request=None
) -> Questionnaire:
    """Create or edit the questionnaire (顾客满意度调查表, 000 6 b). `questions`: (topic, text) in order.
    A questionnaire already answered keeps its questions (answers point at them): a new one is made."""
    require(by, RelationsPermission.MANAGE_SURVEY)
    questions = [(topic, stripped(text)) for topic, text in questions if stripped(text)]
    if not questions:
        raise DomainError(RelationsError.NO_QUESTIONS, field="questions")
    if (
        questionnaire is not None
        and SurveyAnswer.objects.filter(question__questionnaire=questionnaire).exists()
    ):
        questionnaire = None
    if questionnaire is None:
        questionnaire = Questionnaire.objects.create(
            name=required_text(name, "name"), scale_max=int(scale_max)
        )
    else:
        questionnaire.name, questionnaire.scale_max = required_text(name, "name"), int(scale_max)
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
    require(by, RelationsPermission.MANAGE_SURVEY)
    campaign = SurveyCampaign.objects.create(
        questionnaire=questionnaire, year=int(year), title=required_text(title, "title"), created_by=by
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
        campaign=campaign,
        customer=customer,
        answered_on=answered_on,
        comment=stripped(comment),
        entered_by=by,
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
    require(by, RelationsPermission.MANAGE_SURVEY)
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

    require(by, RelationsPermission.MANAGE_SURVEY)
    c = _open_campaign(campaign)
    visible = visible_customers(by, scope="relations")
    count = 0
    for row in rows:
        try:
            key = stripped(str(row.get("customer") or ""))
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

    require(by, RelationsPermission.MANAGE_SURVEY)
    c = _open_campaign(campaign)
    if not c.responses.exists():
        raise DomainError(RelationsError.NO_ANSWERS)
    sec = selectors.section()
    scores = selectors.campaign_scores(c)
    pct = scores["overall"]
    if rules.below_target(pct, sec.satisfaction_target_pct) and not c.actions.exists():
        raise DomainError(RelationsError.ACTION_REQUIRED)
    c.conclusion = required_text(conclusion, "conclusion")
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
    require(by, RelationsPermission.MANAGE_SURVEY)
    action = CorrectiveAction.objects.create(
        campaign=campaign,
        topic=topic,
        description=required_text(description, "description"),
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
    a.outcome = required_text(outcome, "outcome")
    a.closed_on = timezone.localdate()
    a.save()
    record_event("relations.action.close", actor=by, request=request, obj=a, data={})
    return a


def describe_survey(data: dict) -> list[tuple[str, str]]:
    items = []
    if data.get("score_pct") is not None:
        items.append((SurveyCampaign._meta.get_field("score_pct").verbose_name, f"{data['score_pct']}"))
    if data.get("target_pct") is not None:
        items.append((SurveyCampaign._meta.get_field("target_pct").verbose_name, f"{data['target_pct']}"))
    return items

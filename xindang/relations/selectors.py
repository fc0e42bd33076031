"""Reading relationship records. A complaint, a visit or a survey answer is visible iff its customer
file is (customers.selectors.visible_customers)."""

import contextlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core.holds import Hold
from xindang.core.workbench import WorkItem
from xindang.customers.choices import Importance, Tier
from xindang.customers.selectors import visible_customers
from xindang.policy.selectors import current_policy

from . import rules
from .models import (
    CampaignStatus,
    Complaint,
    CorrectiveAction,
    Severity,
    SurveyAnswer,
    SurveyCampaign,
    Visit,
    VisitStatus,
)
from .permissions import RelationsPermission

OPEN = list(rules.OPEN_COMPLAINT_STATUSES)


def section(policy=None):
    return (policy or current_policy()).relations


# --- Complaints ------------------------------------------------------------------------------------
def visible_complaints(user) -> QuerySet[Complaint]:
    if not user.has_perm(RelationsPermission.VIEW_COMPLAINT):
        return Complaint.objects.none()
    return Complaint.objects.filter(customer__in=visible_customers(user, scope="relations")).select_related(
        "customer", "department", "received_by"
    )


def get_complaint_for_user(user, pk, *, for_update: bool = False) -> Complaint:
    """The complaint if `user` may see it; 404 otherwise (as for one that does not exist)."""
    qs = visible_complaints(user)
    if for_update:
        qs = Complaint.objects.select_for_update().filter(pk__in=qs.values("pk"))
    try:
        return qs.get(pk=pk)
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def complaint_due(complaint: Complaint, sec=None) -> date | None:
    sec = sec or section()
    return rules.complaint_due_on(
        complaint.status,
        received_on=complaint.received_on,
        proposed_on=complaint.proposed_on,
        respond_days=sec.complaint_respond_days,
        close_days=sec.complaint_close_days,
    )


def filter_complaints(qs: QuerySet[Complaint], params) -> QuerySet[Complaint]:
    for key in ("status", "severity", "cause", "kind"):
        value = params.get(key)
        if value:
            qs = qs.filter(**{key: value})
    if params.get("customer", "").isdigit():
        qs = qs.filter(customer_id=int(params["customer"]))
    if params.get("department", "").isdigit():
        qs = qs.filter(department_id=int(params["department"]))
    if params.get("open") == "1":
        qs = qs.filter(status__in=OPEN)
    for key, lookup in (("from", "received_on__gte"), ("to", "received_on__lte")):
        with contextlib.suppress(ValueError):
            qs = qs.filter(**{lookup: date.fromisoformat(params.get(key, ""))})
    return qs


@dataclass
class StatisticsRow:
    key: str
    label: str
    total: int = 0
    open: int = 0
    serious: int = 0


def complaint_statistics(qs: QuerySet[Complaint], by: str) -> list[StatisticsRow]:
    """Complaints counted by cause, product, department or month (000 7: recorded and analysed)."""
    rows: dict[str, StatisticsRow] = {}
    labels = {
        "cause": lambda c: (c.cause, c.get_cause_display()),
        "product": lambda c: (c.product.strip(), c.product.strip()),
        "department": lambda c: (str(c.department_id), str(c.department)),
        "month": lambda c: (f"{c.received_on:%Y-%m}", f"{c.received_on:%Y-%m}"),
    }
    key_of = labels.get(by, labels["cause"])
    for c in qs.select_related("department").order_by():
        key, label = key_of(c)
        row = rows.setdefault(key, StatisticsRow(key=key, label=label))
        row.total += 1
        row.open += c.status in OPEN
        row.serious += c.severity == Severity.SERIOUS
    ordered = (
        sorted(rows.values(), key=lambda r: r.key)
        if by == "month"
        else sorted(rows.values(), key=lambda r: (-r.total, r.label))
    )
    return ordered


def complaint_holds(customer) -> list[Hold]:
    """core.holds source: an open complaint keeps the customer's file from disposal (SPEC §8:
    unsettled disputes)."""
    open_complaints = list(
        Complaint.objects.filter(customer_id=getattr(customer, "pk", customer), status__in=OPEN).order_by(
            "pk"
        )
    )
    return [
        Hold(
            source="relations.complaint",
            reason=_("Open complaint %(no)s (%(status)s)")
            % {"no": c.complaint_no, "status": c.get_status_display()},
            url=c.get_absolute_url(),
        )
        for c in open_complaints
    ]


# --- Visits ----------------------------------------------------------------------------------------
def served_customers(user) -> Q:
    """customers.register_visibility: a service agent sees the files of the visits given to them."""
    from .models import Visit as V

    return Q(pk__in=V.objects.filter(agent_id=user.pk).values("customer_id"))


def visible_visits(user) -> QuerySet[Visit]:
    if not user.has_perm(RelationsPermission.VIEW_VISIT):
        return Visit.objects.none()
    return Visit.objects.filter(customer__in=visible_customers(user, scope="relations")).select_related(
        "customer", "agent"
    )


def get_visit_for_user(user, pk) -> Visit:
    try:
        return visible_visits(user).get(pk=pk)
    except (Visit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def visit_due(visit: Visit, sec=None) -> date | None:
    """The date the visit's next step is due: the visit itself, then the report (002 篇三 五.1)."""
    sec = sec or section()
    if visit.status == VisitStatus.PLANNED:
        return visit.planned_on
    if visit.status == VisitStatus.DONE and visit.visited_on:
        return rules.report_due_on(visit.visited_on, sec.visit_report_days)
    return None


def key_customers(qs):
    """Key customers (重点客户, 004 客户信息管理制度 第十条; 001 care): core tier or marked important."""
    return qs.filter(Q(tier=Tier.CORE) | Q(importance=Importance.IMPORTANT))


# --- Surveys ---------------------------------------------------------------------------------------
def campaign_scores(campaign: SurveyCampaign) -> dict:
    """The analysis of one campaign (000 6 c 统计分析): scores by question, by customer class (tier),
    by department, overall; and the same figure for the previous year's campaign (trend)."""

    scale = campaign.questionnaire.scale_max
    answers = list(
        SurveyAnswer.objects.filter(response__campaign=campaign).select_related(
            "question", "response__customer__department"
        )
    )
    by_question: dict = defaultdict(list)
    by_topic: dict = defaultdict(list)
    by_class: dict = defaultdict(list)
    by_department: dict = defaultdict(list)
    for a in answers:
        by_question[a.question].append(a.score)
        by_topic[a.question.get_topic_display()].append(a.score)
        by_class[a.response.customer.get_tier_display()].append(a.score)
        by_department[str(a.response.customer.department)].append(a.score)

    def rows(groups):
        return [
            {
                "label": str(k),
                "count": len(v),
                "mean": round(sum(v) / len(v), 2),
                "pct": rules.satisfaction_pct(v, scale),
            }
            for k, v in groups.items()
        ]

    overall = rules.satisfaction_pct([a.score for a in answers], scale)
    previous = (
        SurveyCampaign.objects.filter(year__lt=campaign.year, status=CampaignStatus.APPROVED)
        .order_by("-year", "-pk")
        .first()
    )
    return {
        "overall": overall,
        "responses": campaign.responses.count(),
        "by_question": sorted(rows(by_question), key=lambda r: r["label"]),
        "by_question_ordered": [
            {
                "question": q,
                "count": len(v),
                "mean": round(sum(v) / len(v), 2),
                "pct": rules.satisfaction_pct(v, scale),
            }
            for q, v in sorted(by_question.items(), key=lambda kv: (kv[0].position, kv[0].pk))
        ],
        "by_topic": rows(by_topic),
        "by_class": rows(by_class),
        "by_department": rows(by_department),
        "previous": previous,
        "previous_pct": float(previous.score_pct) if previous and previous.score_pct is not None else None,
    }


# --- The workbench -------------------------------------------------------------------------------
def workbench_items(user) -> list[WorkItem]:
    """Relationship to-dos: complaints whose resolution or closing is due or overdue (000 7, the
    policy's response times), visits planned or awaiting their report (002 篇三 三.1, 五.1), reports
    awaiting the supervisor's review (五.2), key customers without a planned visit, open corrective
    actions (000 6 d) and the yearly survey (000 6 a)."""
    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    sec = section()
    items: list[WorkItem] = []
    if user.has_perm(RelationsPermission.HANDLE_COMPLAINT):
        qs = visible_complaints(user).filter(
            status__in=[rules.RECEIVED, rules.INVESTIGATING, rules.APPROVED, rules.FED_BACK]
        )
        for c in qs.order_by("received_on")[:100]:
            due = complaint_due(c, sec)
            if due is None or due > today + timedelta(days=3):
                continue
            items.append(
                WorkItem(
                    kind="relations.complaint",
                    label=_("Complaint to handle"),
                    title=f"{c.complaint_no} {c.product}",
                    url=c.get_absolute_url(),
                    due=due,
                    overdue=rules.is_overdue(due, today),
                    customer_id=c.customer_id,
                    customer_name=c.customer.name,
                    rule=_("000 7 5.4.1–5.4.3: complaints handled, approved by the GM and fed back"),
                )
            )
    if user.has_perm(RelationsPermission.RECORD_VISIT):
        visits = Visit.objects.filter(
            agent=user, status__in=[VisitStatus.PLANNED, VisitStatus.DONE]
        ).select_related("customer")
        for v in visits.order_by("planned_on")[:100]:
            due = visit_due(v, sec)
            planned = v.status == VisitStatus.PLANNED
            items.append(
                WorkItem(
                    kind="relations.visit" if planned else "relations.visit_report",
                    label=_("Planned visit") if planned else _("Visit report due"),
                    title=v.purpose,
                    url=v.get_absolute_url(),
                    due=due,
                    overdue=rules.is_overdue(due, today),
                    customer_id=v.customer_id,
                    customer_name=v.customer.name,
                    rule=_("002 篇三 三.1: the visit plan (客户回访计划)")
                    if planned
                    else _("002 篇三 五.1: the visit report the day after the visit"),
                )
            )
    if user.has_perm(RelationsPermission.REVIEW_VISIT):
        for v in (
            visible_visits(user)
            .filter(status=VisitStatus.REPORTED)
            .exclude(agent=user)
            .order_by("reported_on")[:100]
        ):
            items.append(
                WorkItem(
                    kind="relations.visit_review",
                    label=_("Visit report to review"),
                    title=f"{v.agent} · {v.purpose}",
                    url=v.get_absolute_url(),
                    due=v.reported_on,
                    customer_id=v.customer_id,
                    customer_name=v.customer.name,
                    rule=_("002 篇三 五.2: the service supervisor reviews the visit record and report"),
                )
            )
    if user.has_perm(RelationsPermission.PLAN_VISIT):
        horizon = today + timedelta(days=sec.key_customer_visit_days)
        recent = today - timedelta(days=sec.key_customer_visit_days)
        served = Visit.objects.filter(
            Q(status=VisitStatus.PLANNED, planned_on__lte=horizon) | Q(visited_on__gte=recent)
        ).values("customer_id")
        mine = visible_customers(user, scope="relations").filter(owner=user)
        for c in key_customers(mine).exclude(pk__in=served).order_by("name")[:50]:
            items.append(
                WorkItem(
                    kind="relations.key_customer",
                    label=_("Key customer to visit"),
                    title=c.name,
                    url=reverse("relations:visit_create", args=[c.pk]),
                    customer_id=c.pk,
                    customer_name=c.name,
                    rule=_("004 客户信息管理制度 第十条: the visit plan for key customers"),
                )
            )
    for a in CorrectiveAction.objects.filter(owner=user, closed_on__isnull=True).select_related("campaign")[
        :50
    ]:
        items.append(
            WorkItem(
                kind="relations.action",
                label=_("Corrective action"),
                title=a.description[:80],
                url=a.campaign.get_absolute_url(),
                due=a.due_on,
                overdue=a.due_on < today,
                rule=_("000 6 d: corrective and preventive actions where satisfaction is below target"),
            )
        )
    if user.has_perm(RelationsPermission.MANAGE_SURVEY):
        count = SurveyCampaign.objects.filter(year=today.year).count()
        if rules.survey_due(count, sec.surveys_per_year):
            items.append(
                WorkItem(
                    kind="relations.survey",
                    label=_("Satisfaction survey due"),
                    title=_("Satisfaction survey %(year)s") % {"year": today.year},
                    url=reverse("relations:surveys"),
                    due=date(today.year, 12, 31),
                    rule=_("000 6 a: at least one full satisfaction survey a year"),
                )
            )
    return items


def visit_list(user, *, customer_id: int | None = None, status: str | None = None, mine: bool = False):
    """The visits `user` sees, of one file, of one status and only those given to the user when asked."""
    qs = visible_visits(user)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(agent=user)
    return qs

"""The collection reports people complete, the dangerous-customer measures (004 客户信息管理制度 第七条 2),
trade
suspension by a manager, and the audit records of exports and ageing views."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.models import Customer

from .. import rules
from ..errors import CollectionError
from ..models import (
    AnomalyReport,
    DangerReport,
    DangerStatus,
    ProblemAccountReport,
    ReportSignOff,
    ReportStatus,
    SignLine,
    TradeSuspension,
)
from ..permissions import CollectionPermission, may_complete, may_sign_line
from .work import (
    require_text,
)


# --- Completing the reports -----------------------------------------------------------------------
@transaction.atomic
def complete_anomaly(
    *,
    report: AnomalyReport,
    by,
    delay_reason: str,
    customer_situation: str,
    measures_proposed: str,
    request=None,
) -> AnomalyReport:
    report = AnomalyReport.objects.select_for_update().select_related("customer").get(pk=report.pk)
    if not may_complete(by, report):
        raise DomainError(CollectionError.NOT_ASSIGNED)
    if report.status != ReportStatus.OPEN:
        raise DomainError(CollectionError.REPORT_COMPLETED)
    report.delay_reason = require_text(delay_reason, CollectionError.DELAY_REASON_REQUIRED, "delay_reason")
    report.customer_situation = customer_situation.strip()
    report.measures_proposed = require_text(
        measures_proposed, CollectionError.MEASURES_REQUIRED, "measures_proposed"
    )
    report.status = ReportStatus.SUBMITTED
    report.completed_by = by
    report.completed_at = timezone.now()
    report.save()
    record_event(
        "collection.anomaly_complete",
        actor=by,
        request=request,
        obj=report,
        data={"customer": report.customer_id},
    )
    return report


@transaction.atomic
def submit_problem(
    *, report: ProblemAccountReport, by, facts: str, cause: str, measures: str, responsible, request=None
) -> ProblemAccountReport:
    report = ProblemAccountReport.objects.select_for_update().select_related("customer").get(pk=report.pk)
    if not may_complete(by, report):
        raise DomainError(CollectionError.NOT_ASSIGNED)
    if report.status not in (ReportStatus.OPEN, ReportStatus.SUBMITTED):
        raise DomainError(CollectionError.REPORT_REVIEWED)
    report.facts = require_text(facts, CollectionError.FACTS_REQUIRED, "facts")
    report.cause = require_text(cause, CollectionError.CAUSE_REQUIRED, "cause")
    report.measures = require_text(measures, CollectionError.MEASURES_REQUIRED, "measures")
    report.responsible = responsible or by
    report.status = ReportStatus.SUBMITTED
    report.completed_by = by
    report.completed_at = timezone.now()
    report.save()
    record_event(
        "collection.problem_submit",
        actor=by,
        request=request,
        obj=report,
        data={"customer": report.customer_id},
    )
    return report


@transaction.atomic
def review_problem(*, report: ProblemAccountReport, by, opinion: str, request=None) -> ProblemAccountReport:
    if not by.has_perm(CollectionPermission.REVIEW_PROBLEM):
        raise DomainError(CollectionError.OPINION_FORBIDDEN)
    report = ProblemAccountReport.objects.select_for_update().select_related("customer").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise DomainError(CollectionError.NOT_SUBMITTED)
    if report.completed_by_id == by.pk:
        raise DomainError(CollectionError.OWN_REPORT)
    report.manager_opinion = require_text(opinion, CollectionError.OPINION_REQUIRED, "opinion")
    report.status = ReportStatus.REVIEWED
    report.reviewed_by = by
    report.reviewed_at = timezone.now()
    report.save()
    record_event(
        "collection.problem_review",
        actor=by,
        request=request,
        obj=report,
        data={"customer": report.customer_id},
    )
    return report


# --- Sign-offs of the printed reports -------------------------------------------------------------
def _refuse(error: CollectionError, field: str | None = None, **params):
    raise DomainError(error, field=field, **params)


@transaction.atomic
def sign_report(*, report, by, line: str, remark: str = "", request=None) -> ReportSignOff:
    """Sign one signature line of a collection-anomaly or problem-account report (000 客户信息管理办法 二.7)
    in the
    application: the salesperson, then a department manager of the customer's department, then a
    credit manager; each line once, nobody twice. The printout shows who signed and when."""
    model = type(report)
    report = model.objects.select_for_update().select_related("customer").get(pk=report.pk)
    kind = "anomaly" if isinstance(report, AnomalyReport) else "problem"
    signed = dict(report.sign_offs.values_list("line", "signed_by_id"))
    problem = rules.sign_off_problem(
        line=line, report_completed=report.status != ReportStatus.OPEN, signed=signed, user_id=by.pk
    )
    if problem:
        _refuse(CollectionError(problem))
    if not may_sign_line(by, report, line):
        _refuse(CollectionError.SIGN_NOT_YOURS, who=str(SignLine(line).label))
    sign_off = ReportSignOff.objects.create(
        **{kind: report},
        line=line,
        signed_by=by,
        signed_at=timezone.now(),
        remark=(remark or "").strip()[:300],
    )
    record_event(
        "collection.report_sign",
        actor=by,
        request=request,
        obj=report,
        data={"customer": report.customer_id, "line": line, "report": kind},
    )
    return sign_off


# --- Dangerous customers (004 客户信息管理制度 第七条 2) ----------------------------------------------------
def _clean_measures(measures: dict) -> dict:
    cleaned = {}
    for code in rules.MEASURES:
        item = measures.get(code) or {}
        cleaned[code] = {
            "proposed": bool(item.get("proposed")),
            "notes": str(item.get("notes") or "").strip()[:1000],
            "approved": None,
        }
    return cleaned


@transaction.atomic
def report_danger(*, customer, by, kind: str, situation: str, measures: dict, request=None) -> DangerReport:
    situation = require_text(situation, CollectionError.SITUATION_REQUIRED, "situation")
    report = DangerReport.objects.create(
        customer=customer,
        kind=kind,
        situation=situation,
        measures=_clean_measures(measures or {}),
        reported_by=by,
        reported_on=timezone.localdate(),
    )
    proposed = [c for c, m in report.measures.items() if m["proposed"]]
    record_event(
        "collection.danger_report",
        actor=by,
        request=request,
        obj=report,
        data={"customer": customer.pk, "proposed": proposed},
    )
    return report


@transaction.atomic
def decide_danger(*, report: DangerReport, by, approved: dict, decision: str, request=None) -> DangerReport:
    """The superior's explicit instruction (004 客户信息管理制度 第七条 2(3)): each proposed measure approved
    or not."""
    if not by.has_perm(CollectionPermission.DECIDE_DANGER):
        raise DomainError(CollectionError.MEASURES_FORBIDDEN)
    report = DangerReport.objects.select_for_update().select_related("customer").get(pk=report.pk)
    if report.status != DangerStatus.SUBMITTED:
        raise DomainError(CollectionError.ALREADY_DECIDED)
    if report.reported_by_id == by.pk:
        raise DomainError(CollectionError.OWN_MEASURES)
    report.decision = require_text(decision, CollectionError.DECISION_REQUIRED, "decision")
    measures = dict(report.measures)
    for code in rules.MEASURES:
        item = dict(measures.get(code) or {"proposed": False, "notes": ""})
        item["approved"] = bool(approved.get(code))
        measures[code] = item
    report.measures = measures
    report.status = DangerStatus.DECIDED
    report.decided_by = by
    report.decided_at = timezone.now()
    report.save()
    record_event(
        "collection.danger_decide",
        actor=by,
        request=request,
        obj=report,
        data={"customer": report.customer_id, "approved": [c for c, m in measures.items() if m["approved"]]},
    )
    return report


# --- Trade suspension -----------------------------------------------------------------------------
@transaction.atomic
def suspend_trade(
    *, customer, by, reason: str, danger_report: DangerReport | None = None, request=None
) -> TradeSuspension:
    """Stop trade with the customer on a manager's instruction: the credit check blocks until lifted."""
    if not by.has_perm(CollectionPermission.SUSPEND):
        raise DomainError(CollectionError.SUSPEND_FORBIDDEN)
    reason = require_text(reason, CollectionError.REASON_REQUIRED, "reason")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)  # one suspension at a time
    if TradeSuspension.objects.filter(customer=customer, lifted_at__isnull=True).exists():
        raise DomainError(CollectionError.ALREADY_SUSPENDED)
    suspension = TradeSuspension.objects.create(
        customer=customer,
        reason=reason,
        suspended_by=by,
        suspended_at=timezone.now(),
        danger_report=danger_report,
    )
    record_event(
        "collection.suspend",
        actor=by,
        request=request,
        obj=customer,
        data={"suspension": suspension.pk, "reason": reason},
    )
    return suspension


@transaction.atomic
def lift_suspension(*, customer, by, reason: str, request=None) -> TradeSuspension:
    if not by.has_perm(CollectionPermission.SUSPEND):
        raise DomainError(CollectionError.RESUME_FORBIDDEN)
    reason = require_text(reason, CollectionError.REASON_REQUIRED, "reason")
    Customer.objects.select_for_update().get(pk=customer.pk)
    suspension = (
        TradeSuspension.objects.filter(customer=customer, lifted_at__isnull=True).order_by("-id").first()
    )
    if suspension is None:
        raise DomainError(CollectionError.NOT_SUSPENDED)
    suspension.lifted_by = by
    suspension.lifted_at = timezone.now()
    suspension.lift_reason = reason
    suspension.save(update_fields=["lifted_by", "lifted_at", "lift_reason"])
    record_event(
        "collection.resume",
        actor=by,
        request=request,
        obj=customer,
        data={"suspension": suspension.pk, "reason": reason},
    )
    return suspension


def record_export(*, by, request=None, what: str, count: int, filters: dict | None = None) -> None:
    record_event(
        "collection.export",
        actor=by,
        request=request,
        data={"what": what, "count": count, "filters": filters or {}},
    )


def record_ageing_view(*, by, request=None, on: date, dimension: str) -> None:
    record_event("collection.ageing", actor=by, request=request, data={"on": on, "by": dimension})

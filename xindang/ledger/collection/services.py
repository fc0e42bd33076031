"""Every write of collection work: one function per operation, atomic and audited (issue 5 item 9)."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.models import Customer
from xindang.policy.selectors import current_policy

from . import rules
from .models import (
    AnomalyReport,
    CollectionRecord,
    DangerReport,
    DangerStatus,
    PaymentPromise,
    ProblemAccountReport,
    PromiseStatus,
    ReportStatus,
    TradeSuspension,
)
from .permissions import CollectionPermission, may_complete
from .selectors import payments_between

ZERO = Decimal("0.00")


def _require(value: str, code: str, message: str, field: str):
    if not (value or "").strip():
        raise DomainError(code, message, field=field)
    return value.strip()


# --- Collection records (商账追讨记录) ----------------------------------------------------------------
@transaction.atomic
def add_record(
    *,
    customer,
    by,
    method: str,
    contacted_on: date,
    summary: str,
    contact_person: str = "",
    next_step: str = "",
    next_step_on: date | None = None,
    request=None,
) -> CollectionRecord:
    summary = _require(summary, "collection.summary_required", _("Say what was said."), "summary")
    if contacted_on > timezone.localdate():
        raise DomainError(
            "collection.future_date", _("The contact cannot be in the future."), field="contacted_on"
        )
    if next_step_on and next_step_on < contacted_on:
        raise DomainError(
            "collection.next_step_before_contact",
            _("The next step cannot be before the contact."),
            field="next_step_on",
        )
    if next_step_on and not (next_step or "").strip():
        raise DomainError("collection.next_step_required", _("Say what the next step is."), field="next_step")
    record = CollectionRecord.objects.create(
        customer=customer,
        method=method,
        contacted_on=contacted_on,
        contact_person=contact_person.strip(),
        summary=summary,
        next_step=next_step.strip(),
        next_step_on=next_step_on,
        recorded_by=by,
    )
    record_event(
        "collection.record",
        actor=by,
        request=request,
        obj=customer,
        data={"record": record.pk, "method": method, "next_step_on": next_step_on},
    )
    return record


@transaction.atomic
def mark_next_step_done(*, record: CollectionRecord, by, request=None) -> CollectionRecord:
    record = CollectionRecord.objects.select_for_update().get(pk=record.pk)
    if not record.next_step_done:
        record.next_step_done = True
        record.save(update_fields=["next_step_done"])
        record_event(
            "collection.next_step_done",
            actor=by,
            request=request,
            obj=record.customer,
            data={"record": record.pk},
        )
    return record


# --- Payment promises ------------------------------------------------------------------------------
@transaction.atomic
def add_promise(
    *,
    customer,
    by,
    amount: Decimal,
    promised_on: date,
    made_on: date | None = None,
    note: str = "",
    record: CollectionRecord | None = None,
    request=None,
) -> PaymentPromise:
    made_on = made_on or timezone.localdate()
    if amount is None or amount <= 0:
        raise DomainError(
            "collection.amount_positive", _("The promised amount must be positive."), field="amount"
        )
    if promised_on < made_on:
        raise DomainError(
            "collection.promise_before_made",
            _("The promised date cannot be before the day the promise was made."),
            field="promised_on",
        )
    if record is not None and record.customer_id != customer.pk:
        raise DomainError("collection.record_mismatch", _("The collection record is of another customer."))
    promise = PaymentPromise.objects.create(
        customer=customer,
        record=record,
        amount=amount,
        made_on=made_on,
        promised_on=promised_on,
        note=note.strip(),
        created_by=by,
    )
    record_event(
        "collection.promise",
        actor=by,
        request=request,
        obj=customer,
        data={"promise": promise.pk, "amount": amount, "promised_on": promised_on},
    )
    return promise


@transaction.atomic
def cancel_promise(*, promise: PaymentPromise, by, reason: str, request=None) -> PaymentPromise:
    reason = _require(reason, "collection.reason_required", _("Give a reason."), "reason")
    promise = PaymentPromise.objects.select_for_update().get(pk=promise.pk)
    if promise.status != PromiseStatus.OPEN:
        raise DomainError("collection.promise_not_open", _("Only an open promise can be cancelled."))
    promise.status = PromiseStatus.CANCELLED
    promise.settled_on = timezone.localdate()
    promise.save(update_fields=["status", "settled_on"])
    record_event(
        "collection.promise_cancel",
        actor=by,
        request=request,
        obj=promise.customer,
        data={"promise": promise.pk, "reason": reason},
    )
    return promise


def evaluate_promises(*, today: date | None = None, customer_ids=None) -> tuple[int, int]:
    """Settle open promises: kept once payments reach the amount by the promised date, broken the day
    after the date otherwise. Idempotent: a settled promise is never looked at again. Returns
    (kept, broken)."""
    today = today or timezone.localdate()
    qs = PaymentPromise.objects.filter(status=PromiseStatus.OPEN, made_on__lte=today)
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=list(customer_ids))
    kept = broken = 0
    for pk in qs.values_list("pk", flat=True).iterator():
        outcome = _settle_promise(pk, today)
        kept += outcome == rules.KEPT
        broken += outcome == rules.BROKEN
    return kept, broken


@transaction.atomic
def _settle_promise(pk: int, today: date) -> str | None:
    promise = PaymentPromise.objects.select_for_update().select_related("customer").get(pk=pk)
    if promise.status != PromiseStatus.OPEN:
        return None
    paid = payments_between(promise.customer_id, promise.made_on, min(promise.promised_on, today))
    state = rules.promise_state(
        amount=promise.amount,
        made_on=promise.made_on,
        promised_on=promise.promised_on,
        paid_by_promise_date=paid,
        today=today,
    )
    promise.paid_amount = paid
    if state == rules.OPEN:
        promise.save(update_fields=["paid_amount"])
        return None
    promise.status = state
    promise.settled_on = today if state == rules.KEPT else rules.next_day(promise.promised_on)
    promise.save(update_fields=["status", "paid_amount", "settled_on"])
    record_event(
        "collection.promise_kept" if state == rules.KEPT else "collection.promise_broken",
        obj=promise.customer,
        data={
            "promise": promise.pk,
            "amount": promise.amount,
            "paid": paid,
            "promised_on": promise.promised_on,
        },
    )
    return state


# --- Reports raised by the daily run --------------------------------------------------------------
def _overdue_candidates(today: date, days: int):
    """Per customer with an open debit more than `days` past due: the oldest such debit."""
    from xindang.ledger.ageing import DEBIT_KINDS, due_expression
    from xindang.ledger.models import TradeEntry

    cutoff = date.fromordinal(today.toordinal() - days)
    rows = (
        TradeEntry.objects.filter(kind__in=DEBIT_KINDS, open_amount__gt=0, entry_on__lte=today)
        .annotate(due=due_expression())
        .filter(due__lt=cutoff)
        .values("customer_id")
        .annotate(oldest=Min("due"), total=Sum("open_amount"))
    )
    for row in rows.iterator():
        entry = (
            TradeEntry.objects.filter(customer_id=row["customer_id"], kind__in=DEBIT_KINDS, open_amount__gt=0)
            .annotate(due=due_expression())
            .filter(due=row["oldest"])
            .order_by("id")
            .values("id", "salesperson_id")
            .first()
        )
        yield row["customer_id"], entry, row["oldest"], row["total"]


def _raise_reports(model, action: str, *, today: date, days: int) -> int:
    created = 0
    pending = [ReportStatus.OPEN] if model is AnomalyReport else [ReportStatus.OPEN, ReportStatus.SUBMITTED]
    open_customers = set(model.objects.filter(status__in=pending).values_list("customer_id", flat=True))
    for customer_id, entry, oldest, total in _overdue_candidates(today, days):
        if customer_id in open_customers or entry is None:
            continue
        with transaction.atomic():
            customer = Customer.objects.select_for_update().get(pk=customer_id)
            if model.objects.filter(customer_id=customer_id, trigger_entry_id=entry["id"]).exists():
                continue
            report = model.objects.create(
                customer=customer,
                trigger_entry_id=entry["id"],
                due_on=oldest,
                overdue_amount=total,
                days_late=(today - oldest).days,
                raised_on=today,
                assigned_to_id=entry["salesperson_id"] or customer.owner_id,
            )
            record_event(
                action,
                obj=report,
                data={
                    "customer": customer_id,
                    "entry": entry["id"],
                    "days_late": report.days_late,
                    "amount": total,
                },
            )
            created += 1
    return created


def raise_reports(*, today: date | None = None, policy=None) -> tuple[int, int]:
    """Raise collection-anomaly reports (late beyond `anomaly_after_days`) and problem-account reports
    (beyond `problem_account_after_days`), once per overdue item and never while the customer has one
    still to complete. Returns (anomalies, problem accounts) created."""
    today = today or timezone.localdate()
    section = (policy or current_policy()).collection
    anomalies = _raise_reports(
        AnomalyReport, "collection.anomaly_raise", today=today, days=section.anomaly_after_days
    )
    problems = _raise_reports(
        ProblemAccountReport, "collection.problem_raise", today=today, days=section.problem_account_after_days
    )
    return anomalies, problems


def run_daily(*, today: date | None = None) -> dict:
    """The daily job (`manage.py collection_daily`, for cron): settle promises, raise reports."""
    today = today or timezone.localdate()
    kept, broken = evaluate_promises(today=today)
    anomalies, problems = raise_reports(today=today)
    summary = {"today": today, "kept": kept, "broken": broken, "anomalies": anomalies, "problems": problems}
    if kept or broken or anomalies or problems:
        record_event("collection.daily", data=summary)
    return summary


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
        raise DomainError("collection.not_assigned", _("This report is for the customer's salesperson."))
    if report.status != ReportStatus.OPEN:
        raise DomainError("collection.report_done", _("This report has already been completed."))
    report.delay_reason = _require(
        delay_reason, "collection.reason_required", _("Give the reason for the delay."), "delay_reason"
    )
    report.customer_situation = customer_situation.strip()
    report.measures_proposed = _require(
        measures_proposed, "collection.measures_required", _("Propose the measures."), "measures_proposed"
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
        raise DomainError("collection.not_assigned", _("This report is for the customer's salesperson."))
    if report.status not in (ReportStatus.OPEN, ReportStatus.SUBMITTED):
        raise DomainError("collection.report_done", _("This report has already been reviewed."))
    report.facts = _require(facts, "collection.facts_required", _("State the facts."), "facts")
    report.cause = _require(cause, "collection.cause_required", _("State the cause."), "cause")
    report.measures = _require(
        measures, "collection.measures_required", _("Propose the measures."), "measures"
    )
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
        raise DomainError("collection.forbidden", _("Only a manager gives the opinion."))
    report = ProblemAccountReport.objects.select_for_update().select_related("customer").get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise DomainError("collection.not_submitted", _("The salesperson has not submitted this report yet."))
    if report.completed_by_id == by.pk:
        raise DomainError("collection.own_report", _("You cannot review a report you wrote."))
    report.manager_opinion = _require(
        opinion, "collection.opinion_required", _("Give your opinion."), "opinion"
    )
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


# --- Dangerous customers (004 第七条 2) ------------------------------------------------------------
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
    situation = _require(
        situation, "collection.situation_required", _("Describe what has changed."), "situation"
    )
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
    """The superior's explicit instruction (004 第七条 2(3)): each proposed measure approved or not."""
    if not by.has_perm(CollectionPermission.DECIDE_DANGER):
        raise DomainError("collection.forbidden", _("Only a manager decides the measures."))
    report = DangerReport.objects.select_for_update().select_related("customer").get(pk=report.pk)
    if report.status != DangerStatus.SUBMITTED:
        raise DomainError("collection.already_decided", _("The measures have already been decided."))
    if report.reported_by_id == by.pk:
        raise DomainError("collection.own_report", _("The measures need your superior's instruction."))
    report.decision = _require(
        decision, "collection.decision_required", _("Write the instruction."), "decision"
    )
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
        raise DomainError("collection.forbidden", _("Only a manager may suspend trade."))
    reason = _require(reason, "collection.reason_required", _("Give a reason."), "reason")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)  # one suspension at a time
    if TradeSuspension.objects.filter(customer=customer, lifted_at__isnull=True).exists():
        raise DomainError("collection.already_suspended", _("Trade with this customer is already suspended."))
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
        raise DomainError("collection.forbidden", _("Only a manager may resume trade."))
    reason = _require(reason, "collection.reason_required", _("Give a reason."), "reason")
    Customer.objects.select_for_update().get(pk=customer.pk)
    suspension = (
        TradeSuspension.objects.filter(customer=customer, lifted_at__isnull=True).order_by("-id").first()
    )
    if suspension is None:
        raise DomainError("collection.not_suspended", _("Trade with this customer is not suspended."))
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

"""Collection work day to day: collection records (商账追讨记录), payment promises (kept or broken
the day after), and the daily run that flags promises and raises collection-anomaly and
problem-account reports (manage.py collection_daily). Every write atomic and audited."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Min, Sum
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.models import Customer
from xindang.ledger.ageing import DEBIT_KINDS, due_expression
from xindang.ledger.models import TradeEntry
from xindang.policy.selectors import current_policy

from .. import rules
from ..errors import CollectionError
from ..models import (
    AnomalyReport,
    CollectionRecord,
    PaymentPromise,
    ProblemAccountReport,
    PromiseStatus,
    ReportStatus,
)
from ..selectors import payments_between

ZERO = Decimal("0.00")


def require_text(value: str, error: CollectionError, field: str):
    if not (value or "").strip():
        raise DomainError(error, field=field)
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
    summary = require_text(summary, CollectionError.SUMMARY_REQUIRED, "summary")
    if contacted_on > timezone.localdate():
        raise DomainError(CollectionError.FUTURE_DATE, field="contacted_on")
    if next_step_on and next_step_on < contacted_on:
        raise DomainError(
            CollectionError.NEXT_STEP_BEFORE_CONTACT,
            field="next_step_on",
        )
    if next_step_on and not (next_step or "").strip():
        raise DomainError(CollectionError.NEXT_STEP_REQUIRED, field="next_step")
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
        raise DomainError(CollectionError.AMOUNT_POSITIVE, field="amount")
    if promised_on < made_on:
        raise DomainError(
            CollectionError.PROMISE_BEFORE_MADE,
            field="promised_on",
        )
    if record is not None and record.customer_id != customer.pk:
        raise DomainError(CollectionError.RECORD_MISMATCH)
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
    reason = require_text(reason, CollectionError.REASON_REQUIRED, "reason")
    promise = PaymentPromise.objects.select_for_update().get(pk=promise.pk)
    if promise.status != PromiseStatus.OPEN:
        raise DomainError(CollectionError.PROMISE_NOT_OPEN)
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
    from .statements import raise_statement_reports  # balance confirmations past the policy's days

    problems += raise_statement_reports(today=today)
    summary = {"today": today, "kept": kept, "broken": broken, "anomalies": anomalies, "problems": problems}
    if kept or broken or anomalies or problems:
        record_event("collection.daily", data=summary)
    return summary

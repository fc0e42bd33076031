"""The collection section of a customer file: records, promises (with their state as shown), the
three reports and the trade suspensions."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from ..models import TradeSuspension
from .promises import promise_display_state
from .suspensions import active_suspension


@dataclass
class CustomerCollection:
    records: list
    promises: list
    anomalies: list
    problems: list
    dangers: list
    suspension: TradeSuspension | None
    suspensions: list


def customer_collection(customer, today: date | None = None) -> CustomerCollection:
    today = today or timezone.localdate()
    promises = list(customer.payment_promises.select_related("created_by")[:50])
    for p in promises:
        p.display_state = promise_display_state(p, today)
    return CustomerCollection(
        records=list(customer.collection_records.select_related("recorded_by")[:50]),
        promises=promises,
        anomalies=list(customer.anomaly_reports.select_related("assigned_to")[:20]),
        problems=list(customer.problem_reports.select_related("assigned_to", "reviewed_by")[:20]),
        dangers=list(customer.danger_reports.select_related("reported_by", "decided_by")[:20]),
        suspension=active_suspension(customer),
        suspensions=list(customer.trade_suspensions.select_related("suspended_by", "lifted_by")[:20]),
    )

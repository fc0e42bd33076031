"""Reading collection work, one module per concept; this package's names are its public interface.
Visible iff the customer file is (visible_customers is the one rule). Selectors only read: the access
decision that is audited (a customer file out of reach) is permissions.get_customer_for_request."""

from .ageing import Crumb, ageing_crumbs, ageing_url
from .customer import CustomerCollection, customer_collection
from .promises import broken_promises_by_customer, payments_between, promise_display_state
from .suspensions import active_suspension, is_trade_suspended, suspended_customer_ids
from .visibility import (
    get_anomaly_for_user,
    get_danger_for_user,
    get_problem_for_user,
    get_promise_for_user,
    get_record_for_user,
    report_list,
    visible_anomalies,
    visible_dangers,
    visible_problems,
    visible_promises,
    visible_records,
    visible_suspensions,
)
from .workbench import workbench_items
from .worklist import KIND_LABELS, WORK_KINDS, CollectionWork, open_work

__all__ = [
    "KIND_LABELS",
    "WORK_KINDS",
    "CollectionWork",
    "Crumb",
    "CustomerCollection",
    "active_suspension",
    "ageing_crumbs",
    "ageing_url",
    "broken_promises_by_customer",
    "customer_collection",
    "get_anomaly_for_user",
    "get_danger_for_user",
    "get_problem_for_user",
    "get_promise_for_user",
    "get_record_for_user",
    "is_trade_suspended",
    "open_work",
    "payments_between",
    "promise_display_state",
    "report_list",
    "suspended_customer_ids",
    "visible_anomalies",
    "visible_dangers",
    "visible_problems",
    "visible_promises",
    "visible_records",
    "visible_suspensions",
    "workbench_items",
]

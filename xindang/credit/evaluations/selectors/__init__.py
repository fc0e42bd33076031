"""Reading grant evaluations, and computing their figures from the ledger (seed 002 第三十七–四十二条).

figures    which grants are evaluated for a month, and their figures from the ledger in a handful of
           grouped queries for all the month's customers at once
lists      which evaluations a user sees, the list, a customer's evaluations, the quarter's summary
workbench  evaluations waiting for a signature, a report or a review
"""

from .figures import (
    CHUNK,
    FIGURE_FIELDS,
    CustomerMonth,
    GrantPeriod,
    evaluation_figures,
    grants_in_month,
    month_ledger_figures,
)
from .lists import (
    DEFAULT_SORT,
    EVALUATION_SIGNERS,
    FILTER_KEYS,
    SORTS,
    QuarterRow,
    customer_evaluations,
    evaluation_list,
    latest_month,
    quarter_summary,
    signed_customers,
    visible_evaluations,
)
from .workbench import workbench_items

__all__ = [
    "CHUNK",
    "DEFAULT_SORT",
    "EVALUATION_SIGNERS",
    "FIGURE_FIELDS",
    "FILTER_KEYS",
    "SORTS",
    "CustomerMonth",
    "GrantPeriod",
    "QuarterRow",
    "customer_evaluations",
    "evaluation_figures",
    "evaluation_list",
    "grants_in_month",
    "latest_month",
    "month_ledger_figures",
    "quarter_summary",
    "signed_customers",
    "visible_evaluations",
    "workbench_items",
]

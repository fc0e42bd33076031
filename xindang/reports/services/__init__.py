"""The writes of the analyses: `exporting` (an analysis leaving the system, audited; the long exports
in the task worker), and the figures the daily run stores: `facts` (the monthly facts, the sales
facts and each department's sums), `snapshots` (each customer's credit figures today and at the end of
last year) and `ranking` (the ABC ranking and the two ends)."""

from .exporting import (
    FORMATS,
    QUEUE_ABOVE_FILES,
    QUEUED_EXPORTS,
    build_export,
    check_export,
    record_export,
    release_interrupted_exports,
    run_export,
    should_queue,
    start_export,
)
from .facts import (
    FACT_MONTHS,
    LATE_COMMIT,
    SALES_FACT_FIELDS,
    ZERO,
    closed_months,
    fact_months,
    months_to_refresh,
    refresh_monthly_facts,
    refresh_sales_facts,
    sales_fact_months,
    store_department_sums,
    store_sales_year,
)
from .ranking import refresh_abc_ranking
from .snapshots import refresh_credit_snapshot, refresh_year_end_snapshot

__all__ = [
    "FACT_MONTHS",
    "FORMATS",
    "LATE_COMMIT",
    "QUEUED_EXPORTS",
    "QUEUE_ABOVE_FILES",
    "SALES_FACT_FIELDS",
    "ZERO",
    "build_export",
    "check_export",
    "closed_months",
    "fact_months",
    "months_to_refresh",
    "record_export",
    "refresh_abc_ranking",
    "refresh_credit_snapshot",
    "refresh_monthly_facts",
    "refresh_sales_facts",
    "refresh_year_end_snapshot",
    "release_interrupted_exports",
    "run_export",
    "sales_fact_months",
    "should_queue",
    "start_export",
    "store_department_sums",
    "store_sales_year",
]

"""Collection writes, by sub-domain: `work` (records, promises, the daily run) and `reports` (the
reports people complete, dangerous customers, trade suspension). Callers import from here."""

from .reports import (  # noqa: F401 - the package's interface
    complete_anomaly,
    decide_danger,
    lift_suspension,
    record_ageing_view,
    record_export,
    report_danger,
    review_problem,
    sign_report,
    submit_problem,
    suspend_trade,
)
from .statements import (  # noqa: F401 - the package's interface
    issue_statement,
    raise_statement_reports,
    record_reply,
    resolve_statement,
)
from .work import (  # noqa: F401 - the package's interface
    ZERO,
    add_promise,
    add_record,
    cancel_promise,
    evaluate_promises,
    mark_next_step_done,
    raise_reports,
    run_daily,
)

"""Reading investigations and ratings; gathering the rating facts (investigation + trade ledger +
document completeness + the file's key data) for one customer or many in a few queries.

records    the rating in force, the history, the latest valid investigation and its state
facts      the rating facts of one customer or many (which source wins: rules.merge_facts)
lists      the credit list
workbench  the credit work on the workbench
"""

from .facts import (
    compute_rating,
    docs_complete_bulk,
    investigation_contradictions,
    key_data_missing,
    rating_facts,
    rating_facts_bulk,
)
from .lists import DEFAULT_SORT, SORTS, credit_list
from .records import (
    EXPIRED,
    MISSING,
    VALID,
    approved_ratings,
    credit_policy,
    current_grades,
    current_rating,
    investigation_state,
    investigation_status,
    investigations_of,
    latest_valid_investigation,
    open_proposals,
    ratings_of,
    reviewed_investigations,
)
from .workbench import quarter_end, quarter_start, rating_customers, workbench_items

__all__ = [
    "DEFAULT_SORT",
    "EXPIRED",
    "MISSING",
    "SORTS",
    "VALID",
    "approved_ratings",
    "compute_rating",
    "credit_list",
    "credit_policy",
    "current_grades",
    "current_rating",
    "docs_complete_bulk",
    "investigation_contradictions",
    "investigation_state",
    "investigation_status",
    "investigations_of",
    "key_data_missing",
    "latest_valid_investigation",
    "open_proposals",
    "quarter_end",
    "quarter_start",
    "rating_customers",
    "rating_facts",
    "rating_facts_bulk",
    "ratings_of",
    "reviewed_investigations",
    "workbench_items",
]

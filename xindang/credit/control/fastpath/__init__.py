"""The credit check's fast path, in one place: every statement a check runs on its own hot path.

    read_facts(customer_id, *, on, now, lock=True, create=True, next_check_id=False) -> Facts | None
        the customer's exposure row (locked when asked) and everything the check decides on
        (grant in force, grade, oldest overdue and previous-month debit, expired holds, suspension,
        emergency stop, onboarding and conditions, policy version in force) in one statement;
    policy_key(now) -> str | None
        "id|number|in force from" of the policy version in force;
    insert_check(values) -> int
        the check's CreditCheck row written (its id).

`sql` answers with hand-written statements (one round trip each, prepared on PostgreSQL); `orm`
answers the same through the neighbours' public selectors, and the tests hold the two equal
(tests/test_fastpath.py). The reservation a reserving check writes is the ledger's
(xindang.ledger.services.reserve), which has its own statements under the same exposure lock.
"""

from . import orm  # noqa: F401 - the twin, for the tests and anyone who wants the plain reading
from .facts import Facts, OverdueRow, policy_version_id  # noqa: F401 - the package's interface
from .sql import insert_check, policy_key, read_facts, record_params  # noqa: F401 - the package's interface

"""The CreditCheck record of a check: what was asked, what the system knew and what it answered.

By default it is written before the answer, durably: in the caller's transaction, or (a check that
only answers) as one INSERT committed with a synchronous commit — on every engine, so an answer
given is an answer recorded. Two opt-in settings, for PostgreSQL sites that measured they need
them, trade that for speed: CREDIT_CHECK_ASYNC_COMMIT (the INSERT commits without waiting for the
WAL flush) and CREDIT_CHECK_RECORD_BEHIND (the row is handed to the recorder thread, recorder.py,
and written just behind the answer). Both can lose the records of the last fraction of a second
of answers in a crash."""

import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection

from .. import fastpath
from ..recorder import recorder
from .question import Ask, actor_name

if TYPE_CHECKING:
    from .checking import CreditDecision


def record_behind() -> bool:
    """Whether an answer's record goes to the recorder thread (recorder.py): PostgreSQL, outside a
    caller's transaction, CREDIT_CHECK_RECORD_BEHIND turned on (off by default)."""

    return (
        getattr(settings, "CREDIT_CHECK_RECORD_BEHIND", False)  # off by default: nothing else to ask
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
    )


def record_check(ask: Ask, decision, result: "CreditDecision", read, check_id: int | None = None) -> None:
    """The CreditCheck row: what was asked, what the system knew and what it answered — written
    now, or (check_id drawn in the read) handed to the recorder thread."""
    if not ask.record:
        return
    facts, grant, _overdue_input, overdue_shown = read
    user = ask.user
    values = {
        "customer_id": ask.customer.pk,
        "amount": ask.amount,
        "kind": ask.kind,
        "control_point": ask.control_point,
        "reference": ask.reference,
        "outcome": decision.outcome,
        "reasons": [{"code": r.code, "article": r.article, "params": r.params} for r in decision.reasons],
        "inputs": {
            "exposure": {k: str(v) for k, v in result.exposure.items()},
            "valid_until": grant.valid_until.isoformat() if grant and grant.valid_until else None,
            "oldest_overdue": {k: str(v) for k, v in overdue_shown.items()} if overdue_shown else None,
            "trade_suspended": facts.trade_suspended,
            "strength": decision.strength,
            "reserve": ask.reserve,
        },
        "limit_amount": result.limit_amount,
        "exposure_amount": decision.exposure_amount,
        "grade": result.grade or "",
        "reservation_ref": result.reservation_id,
        "over_limit_id": result.over_limit_id,
        "checked_by_id": user.pk if user is not None else None,
        "api_key_name": actor_name(ask.api_key),
        "checked_at": ask.now,
        "policy_version": result.policy_version or 0,
    }
    if check_id is not None:
        recorder.put((check_id, *fastpath.record_params(values, wrap=json.dumps)))
        result.check_id = check_id
    else:
        result.check_id = fastpath.insert_check(values)

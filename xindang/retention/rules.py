"""Holds, appraisal (鉴定) and disposal (销毁) as pure rules. No Django, no queries, no I/O."""

from collections.abc import Iterable
from datetime import date

# Disposal states and the moves between them (guarded in services).
PENDING, APPROVED, REJECTED, DESTROYED = "pending", "approved", "rejected", "destroyed"
DISPOSAL_TRANSITIONS = {
    PENDING: {APPROVED, REJECTED},
    APPROVED: {DESTROYED},
    REJECTED: set(),
    DESTROYED: set(),
}


def may_move(current: str, new: str) -> bool:
    return new in DISPOSAL_TRANSITIONS.get(current, set())


def hold_until_ok(until: date | None, today: date) -> bool:
    """A hold lasts until a date not in the past, or (no date) until it is lifted. The accounting-archive
    rule that papers of unsettled debts are not destroyed (SPEC §8) is what a hold protects: a hold
    that ended before it began protects nothing."""
    return until is None or until >= today


def hold_is_active(*, until: date | None, lifted: bool, today: date) -> bool:
    """A hold keeps the file from placing to lifting, and no longer than its date (the day included)."""
    return not lifted and (until is None or until >= today)


def retention_passed(earliest_disposal_on: date | None, today: date) -> bool:
    """Whether a document's retention period has run out (001 档案管理制度及流程2 2.1.4: permanent, long,
    short). Permanent documents and documents whose clock has not started have no date: never passed."""
    return earliest_disposal_on is not None and earliest_disposal_on <= today


def appraisal_due(
    *, earliest_disposal_on: date | None, kept_until: date | None, destroyed: bool, today: date
) -> bool:
    """A document is due for appraisal (鉴定, 001 公司档案管理流程范本 四: collect, arrange, appraise, keep,
    destroy …) once its retention has passed, unless an earlier appraisal kept it past today or its
    content is already destroyed."""
    if destroyed or not retention_passed(earliest_disposal_on, today):
        return False
    return kept_until is None or kept_until < today


def keep_until_ok(keep_until: date | None, today: date) -> bool:
    """Keeping a document on sets a new period: a date after today."""
    return keep_until is not None and keep_until > today


# Witness problems, checked in this order.
WITNESS_IS_REQUESTER = "witness_is_requester"
ALREADY_WITNESSED = "already_witnessed"


def witness_problem(*, witness_id: int, requester_id: int, signed_ids: Iterable[int]) -> str | None:
    """A destruction is witnessed by people other than the one who asked for it (XinDang's addition,
    archival practice: 监销), each signing once."""
    if witness_id == requester_id:
        return WITNESS_IS_REQUESTER
    if witness_id in set(signed_ids):
        return ALREADY_WITNESSED
    return None


def enough_witnesses(*, requester_id: int, signed_ids: Iterable[int], required: int) -> bool:
    """Distinct witnesses other than the requester, at least `required` of them."""
    return len(set(signed_ids) - {requester_id}) >= required


def blobs_to_erase(erasing: Iterable[str], still_needed: Iterable[str]) -> set[str]:
    """The stored objects a destruction may delete: those of the versions being erased that no other
    version still needs (content is stored once by checksum, so two documents may share one object)."""
    return set(erasing) - set(still_needed)


def disposal_number(year: int, seq: int) -> str:
    """XH-2026-0001: 销毁 (XH), the year, a sequence per year."""
    return f"XH-{year}-{seq:04d}"

"""Pure collection rules: ageing buckets, promise outcomes, report triggers (no Django).

Sources: 000 客户信息管理办法 二.7 and 004 客户信息管理制度 第十一条 (collection reports: 收款异样报告表,
问题帐款报告书,
商账追讨记录);
002 第三十一条 (加大货款清收的力度), 第三十五条 (no new credit until the previous debt is settled);
004 客户信息管理制度 第七条 2 (dangerous customers: report to the superior, measures only on the superior's
explicit
instruction, the measures ①–⑤).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

# The ageing buckets and the month arithmetic of the rating facts are the ledger's (ledger.ageing and
# ledger.facts read them, and the ledger never imports collection); collection uses them from here.
from xindang.ledger.rules import (  # noqa: F401 - re-exported for collection's modules
    NOT_DUE,
    Bucket,
    ageing_bucket,
    buckets_from_bounds,
    days_overdue,
    falling_months,
    months_back,
    two_years_before,
)

# 004 客户信息管理制度 第七条 2(4): the measures for a customer whose credit has deteriorated.
MEASURES = ("guarantor", "deposit", "notarised_contract", "reduce_shipments", "debt_in_lieu")

# Promise states.
OPEN, KEPT, BROKEN, CANCELLED = "open", "kept", "broken", "cancelled"


def promise_state(
    *,
    amount: Decimal,
    made_on: date,
    promised_on: date,
    paid_by_promise_date: Decimal,
    today: date,
    cancelled: bool = False,
) -> str:
    """A payment promise is kept when the payments from the day it was made up to the promised date
    reach the amount; it is broken the day after the promised date if they do not ("often breaks
    promises" feeds the rating); until then it is open."""
    if cancelled:
        return CANCELLED
    if paid_by_promise_date >= amount:
        return KEPT
    if today > promised_on:
        return BROKEN
    return OPEN


def anomaly_due(days_late: int, threshold_days: int) -> bool:
    """A collection-anomaly report (收款异样报告表, 000 客户信息管理办法 二.7) is raised when a payment is
    late by more
    than the policy's days."""
    return days_late > threshold_days


def problem_account_due(days_late: int, threshold_days: int) -> bool:
    """A problem-account report (问题帐款报告书) is raised for an account overdue past the second
    threshold."""
    return days_late > threshold_days


def report_due_on(raised_on: date, days: int) -> date:
    """The day a triggered report is to be completed by: 000 客户信息管理办法 二.7 asks for the
    collection-anomaly and problem-account reports to be on record promptly (及时); `days` is the
    policy's reading of promptly for the kind of report."""
    return raised_on + timedelta(days=days)


def report_overdue(raised_on: date, days: int, today: date) -> bool:
    """A report not completed after its due day (report_due_on) is overdue."""
    return today > report_due_on(raised_on, days)


def next_day(on: date) -> date:
    return on + timedelta(days=1)


# --- Sign-offs of the printed reports (000 客户信息管理办法 二.7: 收款异样报告表, 问题帐款报告书) -----------
# Each signature line of the paper form, in the order the form goes round: the salesperson who wrote
# it, the department manager, the credit manager.
SIGN_SALESPERSON = "salesperson"
SIGN_DEPARTMENT_MANAGER = "department_manager"
SIGN_CREDIT_MANAGER = "credit_manager"
SIGN_ORDER = (SIGN_SALESPERSON, SIGN_DEPARTMENT_MANAGER, SIGN_CREDIT_MANAGER)


def sign_off_problem(*, line: str, report_completed: bool, signed: dict, user_id: int) -> str | None:
    """None if `line` may be signed now, else an error code. A report is signed once it is completed;
    the lines in SIGN_ORDER (a line waits for the one before it), each once, and nobody signs two
    lines of one report. `signed`: {line: user id} of the lines already signed."""
    if line not in SIGN_ORDER:
        return "collection.sign_line_unknown"
    if not report_completed:
        return "collection.sign_not_completed"
    if line in signed:
        return "collection.sign_already"
    before = SIGN_ORDER[: SIGN_ORDER.index(line)]
    if any(b not in signed for b in before):
        return "collection.sign_out_of_order"
    if user_id in signed.values():
        return "collection.sign_twice"
    return None


# --- Balance confirmations (对帐, 002 第三十五条 定期对帐) -----------------------------------------
# A statement is sent; the customer confirms the balance or states another (disputed); a difference
# is followed to its resolution.
SENT, CONFIRMED, DISPUTED, RESOLVED = "sent", "confirmed", "disputed", "resolved"
STATEMENT_ARTICLE = "002 第三十五条"
_CENT = Decimal("0.01")


def statement_date_problem(as_of: date, today: date) -> str | None:
    """None, or "future": a statement is of the ledger as it stands — never of a day to come
    (002 第三十五条 定期对帐: the balance agreed is one already booked)."""
    return "future" if as_of > today else None


def parse_stated_balance(value) -> tuple[Decimal | None, str | None]:
    """(amount, None) or (None, problem): "required", "not_a_number" or "negative". The balance the
    customer states (002 第三十五条): a number of yuan, at most two decimals, not negative (a customer
    in credit states zero and the note says by how much)."""
    text = str(value if value is not None else "").strip().replace(",", "").replace("，", "")
    text = text.removeprefix("¥").removeprefix("￥").strip()
    if not text:
        return None, "required"
    try:
        amount = Decimal(text)
    except (ArithmeticError, ValueError):
        return None, "not_a_number"
    if not amount.is_finite() or abs(amount) >= Decimal("1e16"):
        return None, "not_a_number"
    if amount < 0:
        return None, "negative"
    if amount != amount.quantize(_CENT):
        return None, "not_a_number"
    return amount.quantize(_CENT), None


def reply_status(balance: Decimal, stated: Decimal) -> str:
    """The customer's answer (002 第三十五条 对帐): the same balance confirms it, any other disputes it."""
    return CONFIRMED if stated == balance else DISPUTED


def statement_overdue(status: str, sent_on: date, today: date, days: int) -> bool:
    """An unconfirmed (sent) or disputed statement older than the policy's days needs a problem-account
    report (002 第三十五条 定期对帐、清帐; 000 客户信息管理办法 二.7 问题帐款报告书)."""
    return status in (SENT, DISPUTED) and (today - sent_on).days > days

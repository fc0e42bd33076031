"""Contract rules as pure functions: no Django, no queries, no I/O (SPEC §3; seeds 000 / 001 合同档案).

The seed text (001 客户信用档案建立与管理制度 1–4, repeated in 000):
  2. 公司所有合同都必须按部门编号。信用(合同)管理员负责建立和保存合同管理台帐。
  3. 合同承办人办理完毕签订、变更、履行及解除合同的各项手续后一个月内,应将合同档案资料移交信用(合同)管理员。
     信用(合同)管理员对合同档案资料核实后一个月内移交档案室归档。
  4. 各公司及部门应于每年的一月十日和七月十日前将…上年度和本年度上半年的合同统计报表报送…
(One project template, 000 第二条(二), says ten days instead of a month: the periods are policy.)
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

# --- Kinds and statuses -------------------------------------------------------
SALE, PURCHASE, FRAMEWORK, OTHER = "sale", "purchase", "framework", "other"
KINDS = (SALE, PURCHASE, FRAMEWORK, OTHER)

DRAFT, SIGNED, IN_PERFORMANCE, CHANGED, TERMINATED, COMPLETED, CANCELLED = (
    "draft",
    "signed",
    "in_performance",
    "changed",
    "terminated",
    "completed",
    "cancelled",
)
STATUSES = (DRAFT, SIGNED, IN_PERFORMANCE, CHANGED, TERMINATED, COMPLETED, CANCELLED)
FINAL_STATUSES = frozenset({TERMINATED, COMPLETED, CANCELLED})

# A contract is concluded by signing; afterwards it is performed, may be changed (变更) any number of
# times, and ends either performed (履行完毕) or terminated (解除). A draft is not yet a contract, so it
# cannot be changed, performed or terminated; it is either signed or cancelled (作废: never signed,
# its number stays in the ledger and is not reused). An ended contract does not come back.
TRANSITIONS: dict[str, frozenset[str]] = {
    DRAFT: frozenset({SIGNED, CANCELLED}),
    SIGNED: frozenset({IN_PERFORMANCE, CHANGED, TERMINATED, COMPLETED}),
    IN_PERFORMANCE: frozenset({CHANGED, TERMINATED, COMPLETED}),
    CHANGED: frozenset({IN_PERFORMANCE, CHANGED, TERMINATED, COMPLETED}),
    TERMINATED: frozenset(),
    COMPLETED: frozenset(),
    CANCELLED: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def allowed_targets(current: str) -> list[str]:
    """The statuses reachable from `current`, in the order of STATUSES (for a form's choices)."""
    reachable = TRANSITIONS.get(current, frozenset())
    return [s for s in STATUSES if s in reachable]


def is_editable(status: str) -> bool:
    """A performed or terminated contract is closed; its data is the record (only its file moves on)."""
    return status not in FINAL_STATUSES


def reason_required(target: str) -> bool:
    """A change, a termination or a cancelled draft must say why (it is what the next reader of the
    file asks)."""
    return target in (CHANGED, TERMINATED, CANCELLED)


# --- Events that start a handover (001 客户信用档案建立与管理制度 3: 签订、变更、履行及解除) ----------------
SIGNING, CHANGE, PERFORMANCE, TERMINATION = "signing", "change", "performance", "termination"
EVENT_KINDS = (SIGNING, CHANGE, PERFORMANCE, TERMINATION)
EVENT_OF_STATUS = {SIGNED: SIGNING, CHANGED: CHANGE, COMPLETED: PERFORMANCE, TERMINATED: TERMINATION}


def event_for(target: str) -> str | None:
    """The procedure completed by moving to `target`, after which the file is handed over; None when
    the move is no such procedure (starting performance)."""
    return EVENT_OF_STATUS.get(target)


def event_date_problem(
    *, kind: str | None, occurred_on: date, signed_on: date | None, today: date
) -> str | None:
    """None if the date of a procedure is acceptable, else "future" or "before_signing"."""
    if occurred_on > today:
        return "future"
    if kind != SIGNING and signed_on is not None and occurred_on < signed_on:
        return "before_signing"
    return None


# --- Handover (移交 / 归档) ------------------------------------------------------------------------
TO_CREDIT_MANAGER, TO_ARCHIVE = "to_credit_manager", "to_archive"
STAGES = (TO_CREDIT_MANAGER, TO_ARCHIVE)
PENDING, HANDED, DONE = "pending", "handed", "done"
HANDOVER_STATUSES = (PENDING, HANDED, DONE)


def handover_due(start: date, days: int) -> date:
    """Stage 1 is due `days` after the procedure (签订、变更、履行、解除); stage 2 `days` after the
    credit manager received and checked the file (核实后). Default 30 days each ("一个月内", 001
    客户信用档案建立与管理制度 3);
    000 第二条(二) has ten days — both are company policy."""
    if days < 0:
        raise ValueError("days must not be negative")
    return start + timedelta(days=days)


def is_overdue(*, due_on: date, handed_on: date | None, today: date) -> bool:
    """The giver's duty is to hand the file over by the due date; still not handed after it is overdue."""
    return handed_on is None and today > due_on


def was_late(*, due_on: date, handed_on: date | None) -> bool:
    """Handed over, but after the due date (kept visible in the record)."""
    return handed_on is not None and handed_on > due_on


def is_due_soon(*, due_on: date, handed_on: date | None, today: date, soon_days: int) -> bool:
    return handed_on is None and today <= due_on <= today + timedelta(days=soon_days)


# The display state of one handover step, worst first (used to pick a contract's headline state).
OVERDUE, TO_HAND_OVER, AWAITING_RECEIPT, RECEIVED = "overdue", "to_hand_over", "awaiting_receipt", "received"
STATE_ORDER = (OVERDUE, TO_HAND_OVER, AWAITING_RECEIPT, RECEIVED)


def step_state(*, status: str, due_on: date, handed_on: date | None, today: date) -> str:
    if status == DONE:
        return RECEIVED
    if status == HANDED:
        return AWAITING_RECEIPT
    return OVERDUE if is_overdue(due_on=due_on, handed_on=handed_on, today=today) else TO_HAND_OVER


def worst_state(states: Iterable[str]) -> str | None:
    states = list(states)
    for state in STATE_ORDER:
        if state in states:
            return state
    return None


def receiver_problem(*, handed_by_id: int | None, receiver_id: int) -> str | None:
    """A file changes hands: nobody receives what they handed over themselves (who handed and who
    received are two people on the record)."""
    if handed_by_id is not None and handed_by_id == receiver_id:
        return "same_person"
    return None


# The document categories of a contract's own file (SPEC §2 item 7): the documents app's group.
DOCUMENT_GROUP = "contract"


# --- Validation of a contract's data --------------------------------------------------------------
CURRENCY_SHAPE = re.compile(r"^[A-Z]{3}$")  # ISO 4217 alphabetic code


def contract_problems(
    *,
    amount: Decimal | None,
    currency: str,
    currencies: Iterable[str],
    starts_on: date | None,
    ends_on: date | None,
    signed_on: date | None,
    credit_limit_amount: Decimal | None,
    credit_term_days: int | None,
    today: date,
) -> dict[str, str]:
    """field → problem code for everything wrong with a contract's data (empty dict when fine)."""
    problems: dict[str, str] = {}
    if amount is None:
        problems["amount"] = "required"
    elif amount < 0:
        problems["amount"] = "negative"
    if not CURRENCY_SHAPE.match(currency or "") or currency not in set(currencies):
        problems["currency"] = "unknown_currency"
    if starts_on and ends_on and ends_on < starts_on:
        problems["ends_on"] = "ends_before_start"
    if signed_on and signed_on > today:
        problems["signed_on"] = "future"
    if credit_limit_amount is not None and credit_limit_amount < 0:
        problems["credit_limit_amount"] = "negative"
    if credit_term_days is not None and credit_term_days < 0:
        problems["credit_term_days"] = "negative"
    return problems


def contract_number(pattern: str, *, dept: str, year: int, seq: int) -> str:
    """Contracts are numbered by department and year, never reused (000 4.2 / 001 客户信用档案建立与管理制度
    2), e.g.
    HT-XS1-2026-0017 with the pattern "HT-{dept}-{year}-{seq:04d}"."""
    return pattern.format(dept=dept, year=year, seq=seq)


def contract_sequence_key(dept: str, year: int) -> str:
    return f"contract.no:{dept}:{year}"


# --- Statistics (001 客户信用档案建立与管理制度 4: 合同统计报表, before 10 January and 10 July) -------------
YEAR, H1, H2 = "year", "h1", "h2"
PARTS = (YEAR, H1, H2)


def period_bounds(year: int, part: str) -> tuple[date, date]:
    """First and last day (inclusive) of a year or half-year."""
    if part == YEAR:
        return date(year, 1, 1), date(year, 12, 31)
    if part == H1:
        return date(year, 1, 1), date(year, 6, 30)
    if part == H2:
        return date(year, 7, 1), date(year, 12, 31)
    raise ValueError(f"unknown period part {part!r}")


def parse_month_day(text: str) -> tuple[int, int]:
    """ "01-10" → (1, 10); ValueError for anything that is no day of the year (29 February is)."""
    match = re.fullmatch(r"(\d{2})-(\d{2})", text or "")
    if not match:
        raise ValueError(f"not MM-DD: {text!r}")
    month, day = int(match.group(1)), int(match.group(2))
    date(2024, month, day)  # a leap year: raises ValueError for 02-30, 13-01…
    return month, day


@dataclass(frozen=True)
class ReportDue:
    due_on: date
    year: int
    part: str  # the period the report covers


def _covered(due_on: date) -> tuple[int, str]:
    """A report due in the first half of a year covers the previous year (上年度, due 10 January);
    one due in the second half covers this year's first half (本年度上半年, due 10 July)."""
    if due_on.month <= 6:
        return due_on.year - 1, YEAR
    return due_on.year, H1


def next_report_due(today: date, due_dates: Iterable[str]) -> ReportDue | None:
    """The next statistics report due on or after today, and the period it covers."""
    days = sorted(parse_month_day(d) for d in due_dates)
    if not days:
        return None
    for year in (today.year, today.year + 1):
        for month, day in days:
            try:
                due = date(year, month, day)
            except ValueError:  # 29 February in a common year
                due = date(year, month, day - 1)
            if due >= today:
                covered_year, part = _covered(due)
                return ReportDue(due, covered_year, part)
    return None  # unreachable: some due day lies within the next twelve months


@dataclass(frozen=True)
class ContractFact:
    """What the statistics need of one contract."""

    contract_id: int
    department: str
    kind: str
    status: str
    amount: Decimal
    currency: str
    signed_on: date | None


@dataclass(frozen=True)
class EventFact:
    contract_id: int
    kind: str
    occurred_on: date


@dataclass
class Group:
    key: str
    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)

    def add(self, fact: ContractFact) -> None:
        self.count += 1
        self.amounts[fact.currency] = self.amounts.get(fact.currency, Decimal("0.00")) + fact.amount


@dataclass
class Statistics:
    start: date
    end: date
    total: Group
    by_department: list[Group]
    by_kind: list[Group]
    by_status: list[Group]
    movements: list[Group]  # new (signed), changed, performed, terminated in the period
    currencies: list[str]


MOVEMENTS = ("new", CHANGE, PERFORMANCE, TERMINATION)


def _grouped(facts: Iterable[ContractFact], key, order: Iterable[str] | None = None) -> list[Group]:
    groups: dict[str, Group] = {}
    for fact in facts:
        k = key(fact)
        groups.setdefault(k, Group(k)).add(fact)
    if order is not None:
        ranked = {k: i for i, k in enumerate(order)}
        return sorted(groups.values(), key=lambda g: (ranked.get(g.key, len(ranked)), g.key))
    return sorted(groups.values(), key=lambda g: g.key)


def contract_statistics(
    contracts: Iterable[ContractFact], events: Iterable[EventFact], start: date, end: date
) -> Statistics:
    """The contract statistics report for [start, end] (001 客户信用档案建立与管理制度 4):
    - the contracts signed in the period (new), counted and summed by department, kind and status
      (their status today); drafts are no contracts yet and never counted;
    - movements in the period: new (signed), changed, performed and terminated — each contract once
      per movement however many such events it had, with its amount.
    Amounts are summed per currency, never across currencies."""
    contracts = [c for c in contracts if c.status != DRAFT]
    by_id = {c.contract_id: c for c in contracts}
    new = [c for c in contracts if c.signed_on is not None and start <= c.signed_on <= end]
    total = Group("total")
    for fact in new:
        total.add(fact)
    movements = [Group("new")]
    for fact in new:
        movements[0].add(fact)
    for kind in (CHANGE, PERFORMANCE, TERMINATION):
        group = Group(kind)
        seen: set[int] = set()
        for event in events:
            if event.kind == kind and start <= event.occurred_on <= end and event.contract_id not in seen:
                fact = by_id.get(event.contract_id)
                if fact is not None:
                    seen.add(event.contract_id)
                    group.add(fact)
        movements.append(group)
    currencies = sorted({c.currency for c in contracts}, key=lambda c: (c != "CNY", c))
    return Statistics(
        start=start,
        end=end,
        total=total,
        by_department=_grouped(new, lambda c: c.department),
        by_kind=_grouped(new, lambda c: c.kind, KINDS),
        by_status=_grouped(new, lambda c: c.status, STATUSES),
        movements=movements,
        currencies=currencies,
    )

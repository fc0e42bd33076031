"""The monthly credit-limit execution evaluation (客户授信额度执行评价表) as pure functions: no Django,
no queries, no I/O (seed 002 第三十七–四十二条).

  第三十七条 财务部信用控制主管每月必须稽核营销部的授信及执行情况。
  第三十八条 营销部必须建立授信客户的月度、季度检查审核制度……及时上报调整授信额度……
  第三十九条 业务主管每月度要对享有信用额度客户的经营状况做出书面汇报,并对汇报的真实性负全部责任。
  第四十条 财务部……每月填写《客户授信额度执行评价表》后交营销部经理核对,财务部门对财务数据的真实性负责。
  第四十一条 营销部经理审核业务主管的书面汇报后,签署书面评价意见……必要时可对客户的信用额度进行调整……
  第四十二条 原则上调整后的信用额度应低于原信用额度。
"""

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

ZERO = Decimal("0.00")

# --- Status (第四十–四十一条) ------------------------------------------------------------------------
# The finance credit controller signs the figures (第四十条) and the salesperson reports on the
# customer's operations (第三十九条), in either order; the marketing manager reviews both (第四十一条).
GENERATED = "generated"
CONTROLLER_SIGNED = "controller_signed"
SALESPERSON_REPORTED = "salesperson_reported"
READY_FOR_REVIEW = "ready_for_review"
REVIEWED = "reviewed"
VP_REVIEWED = "vp_reviewed"  # 第四十一条: 上报营销主管副总 — the VP marketing's opinion closes the form
STATUSES = (GENERATED, CONTROLLER_SIGNED, SALESPERSON_REPORTED, READY_FOR_REVIEW, REVIEWED, VP_REVIEWED)

SIGN, REPORT, REVIEW, VP = "sign", "report", "review", "vp"

# Who writes the monthly report (第三十九条 业务主管): the policy's reading (sections.EvaluationsSection).
DEPARTMENT_MANAGER, SALESPERSON = "department_manager", "salesperson"


def status_of(*, signed: bool, reported: bool, reviewed: bool, vp: bool = False) -> str:
    """The status follows from which of the four signatures are there (第三十九–四十一条)."""
    if vp:
        return VP_REVIEWED
    if reviewed:
        return REVIEWED
    if signed and reported:
        return READY_FOR_REVIEW
    if signed:
        return CONTROLLER_SIGNED
    if reported:
        return SALESPERSON_REPORTED
    return GENERATED


def step_problem(step: str, *, signed: bool, reported: bool, reviewed: bool, vp: bool = False) -> str | None:
    """None if `step` may be taken now, else an error code. Each signature is given once; the review
    needs the finance department's signed figures and the supervisor's report (第四十一条: the manager
    reviews the written report); after the review only the VP marketing's opinion is added (上报营销主管
    副总), once."""
    if step == VP:
        if not reviewed:
            return "evaluation.not_reviewed"
        return "evaluation.already_vp" if vp else None
    if reviewed:
        return "evaluation.already_reviewed"
    if step == SIGN and signed:
        return "evaluation.already_signed"
    if step == REPORT and reported:
        return "evaluation.already_reported"
    if step == REVIEW and not (signed and reported):
        return "evaluation.not_ready_for_review"
    return None


def figures_may_change(*, signed: bool) -> bool:
    """Figures are regenerated until the finance credit controller signs them: from then on the finance
    department answers for them (第四十条) and they are the record."""
    return not signed


# --- Months and quarters (第三十八条: monthly and quarterly checks) ---------------------------------
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str) -> date:
    """ "2026-10" → date(2026, 10, 1); ValueError for anything else."""
    m = _MONTH.match((text or "").strip())
    if not m:
        raise ValueError(f"not a month (YYYY-MM): {text!r}")
    year, month = int(m.group(1)), int(m.group(2))
    if not (1 <= month <= 12 and 1900 <= year <= 9999):
        raise ValueError(f"not a month (YYYY-MM): {text!r}")
    return date(year, month, 1)


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_month(day: date) -> date:
    return month_end(day) + timedelta(days=1)


def previous_month(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def last_full_month(today: date) -> date:
    return previous_month(today)


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_months(year: int, quarter: int) -> list[date]:
    if not 1 <= quarter <= 4:
        raise ValueError(f"no quarter {quarter}")
    first = 3 * (quarter - 1) + 1
    return [date(year, first + i, 1) for i in range(3)]


def parse_quarter(text: str) -> tuple[int, int]:
    """ "2026-Q4" (or "2026-4") → (2026, 4); ValueError otherwise."""
    m = re.match(r"^(\d{4})-[Qq]?([1-4])$", (text or "").strip())
    if not m:
        raise ValueError(f"not a quarter (YYYY-Qn): {text!r}")
    return int(m.group(1)), int(m.group(2))


def day_in_month(month: date, day: int) -> date:
    """The `day`-th of `month`, or its last day when the month is shorter."""
    return month.replace(day=min(day, calendar.monthrange(month.year, month.month)[1]))


def due_dates(month: date, *, due_day: int, review_due_day: int) -> dict[str, date]:
    """When each step of the evaluation of `month` is due: the figures and the report by the
    `due_day`-th of the next month, the review by the `review_due_day`-th (policy "evaluations")."""
    following = next_month(month)
    review_day = max(review_due_day, due_day)
    return {
        SIGN: day_in_month(following, due_day),
        REPORT: day_in_month(following, due_day),
        REVIEW: day_in_month(following, review_day),
        VP: day_in_month(following, review_day),  # the VP's opinion: by the same day as the review
    }


def active_in_period(
    *, starts_on: date | None, ends_on: date | None, first_day: date, last_day: date
) -> bool:
    """Was a grant valid from `starts_on` to `ends_on` (inclusive, None = open) on any day of the
    period? A grant active at any time in the month is evaluated for that month."""
    if starts_on is not None and starts_on > last_day:
        return False
    return not (ends_on is not None and ends_on < first_day)


# --- Exposure by day (004 客户信息管理制度 第八条 + 002 第二十二条: exposure = open credit sales + open
# prepayments + unsettled notes) ---
RECEIVABLE, PREPAYMENTS, NOTES = "receivable", "prepayments", "notes"

# How each kind of trade entry moves the three parts of exposure (+1 raises, -1 lowers). A note
# received in payment settles the receivable but keeps its amount in exposure as a note until it is
# settled. A reversal moves them back by the effect of the entry it reverses.
ENTRY_EFFECTS: dict[str, tuple[tuple[str, int], ...]] = {
    "shipment": ((RECEIVABLE, 1),),
    "invoice": ((RECEIVABLE, 1),),
    "payment": ((RECEIVABLE, -1),),
    "credit_note": ((RECEIVABLE, -1),),
    "write_off": ((RECEIVABLE, -1),),
    "note_received": ((RECEIVABLE, -1), (NOTES, 1)),
    "note_settled": ((NOTES, -1),),
    "prepayment": ((PREPAYMENTS, 1),),
    "goods_received": ((PREPAYMENTS, -1),),
}
# Money received from the customer in the month (回款): cash and notes taken in payment.
COLLECTION_KINDS = ("payment", "note_received")
# Credit sales in the month (赊销发货).
SALES_KINDS = ("shipment",)


@dataclass(frozen=True)
class Balances:
    """Running sums of the three parts; the receivable may go below zero (an advance)."""

    receivable: Decimal = ZERO
    prepayments: Decimal = ZERO
    notes: Decimal = ZERO

    def plus(self, other: "Balances") -> "Balances":
        return Balances(
            self.receivable + other.receivable, self.prepayments + other.prepayments, self.notes + other.notes
        )

    @property
    def exposure(self) -> Decimal:
        """What the customer holds of our money: a credit balance (advance) is not negative exposure
        of the other parts, so each part counts from zero up."""
        return max(self.receivable, ZERO) + max(self.prepayments, ZERO) + max(self.notes, ZERO)


def entry_movement(kind: str, amount: Decimal, *, reversed_kind: str | None = None) -> Balances:
    """The change of the three parts by one entry (a reversal: minus the entry it reverses)."""
    sign = 1
    if kind == "reversal":
        if reversed_kind is None:
            return Balances()
        kind, sign = reversed_kind, -1
    parts = {RECEIVABLE: ZERO, PREPAYMENTS: ZERO, NOTES: ZERO}
    for part, direction in ENTRY_EFFECTS.get(kind, ()):
        parts[part] += sign * direction * amount
    return Balances(parts[RECEIVABLE], parts[PREPAYMENTS], parts[NOTES])


@dataclass(frozen=True)
class ExposureFigures:
    opening_amount: Decimal  # at the end of the day before the period
    peak_amount: Decimal  # highest end-of-day exposure in the period
    peak_on: date | None
    end_amount: Decimal  # at the end of the last day
    days_over_limit: int  # days whose end-of-day exposure was above the limit


def exposure_figures(
    *,
    opening: Balances,
    movements: Iterable[tuple[date, Balances]],
    first_day: date,
    last_day: date,
    limit_amount: Decimal | None,
    limit_from: date | None = None,
    limit_until: date | None = None,
) -> ExposureFigures:
    """Running end-of-day exposure over [first_day, last_day] in one pass over the days that have
    movements (第三十七条: the controller audits how the grant was kept). `movements` are per-day sums;
    any before the period count into the opening, any after it are ignored. Days over the limit are
    counted only while the grant was in force (limit_from .. limit_until, clipped to the period)."""
    by_day: dict[date, Balances] = {}
    balance = opening
    for on, move in movements:
        if on < first_day:
            balance = balance.plus(move)
        elif on <= last_day:
            by_day[on] = by_day.get(on, Balances()).plus(move)
    opening_amount = balance.exposure
    peak, peak_on = opening_amount, first_day
    counted_from = max(first_day, limit_from) if limit_from else first_day
    counted_until = min(last_day, limit_until) if limit_until else last_day
    over_days = 0
    day, current = first_day, opening_amount
    # Walk the change points only: between two of them the exposure stays as it is.
    for on in [*sorted(by_day), last_day + timedelta(days=1)]:
        # days [day, on) keep `current`
        if limit_amount is not None and current > limit_amount:
            start, stop = max(day, counted_from), min(on - timedelta(days=1), counted_until)
            if stop >= start:
                over_days += (stop - start).days + 1
        if on > last_day:
            break
        balance = balance.plus(by_day[on])
        current = balance.exposure
        if current > peak:
            peak, peak_on = current, on
        day = on
    return ExposureFigures(
        opening_amount=opening_amount,
        peak_amount=peak,
        peak_on=peak_on if peak > 0 else None,  # no day to name when nothing was held
        end_amount=balance.exposure,
        days_over_limit=over_days,
    )


# --- Overdue at month end (第三十五条: no new credit before the previous debt is settled) ----------
@dataclass(frozen=True)
class OverdueFigures:
    amount: Decimal
    oldest_days: int  # days the oldest overdue item is past its due date; 0 when nothing is overdue
    items: int


def overdue_figures(items: Iterable[tuple[date | None, Decimal]], *, on: date) -> OverdueFigures:
    """Open debits (due date, open amount) as of `on`: overdue are those due before `on`."""
    amount, oldest, count = ZERO, 0, 0
    for due_on, open_amount in items:
        if due_on is None or due_on >= on or open_amount <= 0:
            continue
        amount += open_amount
        oldest = max(oldest, (on - due_on).days)
        count += 1
    return OverdueFigures(amount=amount, oldest_days=oldest, items=count)


# --- Payment promises ------------------------------------------------------------------------------
KEPT, BROKEN = "kept", "broken"


@dataclass(frozen=True)
class PromiseFigures:
    made: int  # promises given in the month
    kept: int  # promises falling due in the month that were kept
    broken: int  # … that were broken


def promise_figures(
    promises: Iterable[tuple[date | None, date | None, str]], *, first_day: date, last_day: date
) -> PromiseFigures:
    """(made on, promised for, outcome) of the customer's promises → the month's counts. Made counts by
    the day the promise was given, kept/broken by the day it fell due."""
    made = kept = broken = 0
    for made_on, due_on, outcome in promises:
        if made_on is not None and first_day <= made_on <= last_day:
            made += 1
        if due_on is not None and first_day <= due_on <= last_day:
            if outcome == KEPT:
                kept += 1
            elif outcome == BROKEN:
                broken += 1
    return PromiseFigures(made=made, kept=kept, broken=broken)


# --- Adjustment proposal (第四十一–四十二条) --------------------------------------------------------
INCREASE_WARNING = "evaluation.adjustment_increase"


def adjustment_problem(*, current_limit: Decimal, proposed_limit: Decimal | None, reason: str) -> str | None:
    """None if the proposal may go to the grant approval chain, else an error code."""
    if proposed_limit is None:
        return None
    if proposed_limit < 0:
        return "evaluation.negative_limit"
    if proposed_limit == current_limit:
        return "evaluation.same_limit"
    if not (reason or "").strip():
        return "evaluation.reason_required"
    return None


def adjustment_warnings(*, current_limit: Decimal, proposed_limit: Decimal) -> list[str]:
    """第四十二条: an adjusted limit should in principle be lower than the old one — an increase goes
    to the approvers with a warning they must acknowledge."""
    return [INCREASE_WARNING] if proposed_limit > current_limit else []


def utilisation(exposure: Decimal, limit: Decimal | None) -> Decimal | None:
    """Exposure as a percentage of the limit, one decimal; None without a positive limit."""
    if not limit or limit <= 0:
        return None
    return (exposure * 100 / limit).quantize(Decimal("0.1"))

"""The regulations' schedules as pure functions (no Django): when each duty falls due, what makes a
duty the same duty from one daily run to the next, which duties a run closes and what a digest
holds. Each function cites the seed article that schedules the work."""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from xindang.core.dates import add_months, month_end

# The kinds of duty the duties app schedules itself (the other kinds come from each module's
# workbench_items provider).
FILE_REVIEW = "duties.file_review"
CONTRACT_STATISTICS = "duties.contract_statistics"
ANALYSIS_REPORT = "duties.credit_analysis_report"
YEARLY_REVIEW = "duties.yearly_review_report"
CONTRACT_ENDING = "duties.contract_ending"
ZERO_POINT_MISSED = "duties.zero_point_missed"
SCHEDULED_KINDS = (
    FILE_REVIEW,
    CONTRACT_STATISTICS,
    ANALYSIS_REPORT,
    YEARLY_REVIEW,
    CONTRACT_ENDING,
    ZERO_POINT_MISSED,
)

RULE_FILE_REVIEW = "001 客户档案管理 动态管理: 定期(如二个月)开展客户档案全面修订核查"
RULE_CONTRACT_STATISTICS = (
    "001 客户信用档案建立与管理制度 4 / 000 合同档案 4: 合同统计报表 一月十日和七月十日前"
)
RULE_ANALYSIS_REPORT = (
    "001 客户信用档案建立与管理制度 4 / 000 合同档案 4: 信用(合同)管理情况分析报告 一月十日前"
)
RULE_YEARLY_REVIEW = "001 客户信用档案建立与管理制度 5: 年审评价报告"
RULE_CONTRACT_ENDING = "002 第三十六条: 合同到期前一个月内确定下一年度合作方式, 欠货欠款全部清收"
RULE_ZERO_POINT = "002 第三十六条: 合同期内预付款发货、赊销欠款要回收清零一次"

# The rule behind the to-dos of modules that do not name one yet (WorkItem.rule empty), by kind prefix.
KIND_RULES = {
    "credit.quarterly_refresh": "002 第十二条: 客户资信资料每季度全面更新一次",
    "credit.investigation_": "001 动态管理 2: 资信报告有效期一般在三个月到一年, 超出即重新调查",
    "grants.": "001 动态管理 2: 授信一般以年度为单位确定有效期",
    "evaluations.": "002 第三十九–四十一条: 授信月度评价",
    "contracts.": "001 客户信用档案建立与管理制度 3: 合同档案一个月内移交",
    "customers.licence_": "000 客户信息管理办法 二.1: 营业执照有效期",
    "documents.": "001 动态管理: 客户档案随时更新",
}

OPEN = "open"
DONE = "done"
DAILY = "daily"
NONE = "none"


def rule_for(kind: str, rule: str = "") -> str:
    """The rule a duty cites: the provider's own, else the table's for its kind (longest prefix)."""
    if rule:
        return rule
    matches = [prefix for prefix in KIND_RULES if kind == prefix or kind.startswith(prefix)]
    return KIND_RULES[max(matches, key=len)] if matches else ""


def duty_key(kind: str, url: str, due: date | None, customer_id: int | None) -> str:
    """What makes a to-do the same duty from one daily run to the next: its family (the module: the
    kind's first part), where it is done, its due date and its customer. A module turning an
    "expiring" item into an "expired" one keeps the duty; a new due date (a renewed licence, the next
    quarter) is a new duty. Titles are left out: they carry counts that change daily."""
    family = kind.split(".", 1)[0]
    raw = "|".join((family, url, due.isoformat() if due else "", str(customer_id or "")))
    return f"{family}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def unique_keys(keys: list[str], kinds: list[str]) -> list[str]:
    """Two items of one module at the same place and date (a contract file's hand and receive steps)
    stay two duties: a key that several items share gets each item's kind appended. Independent of
    the items' order, so the workbench and the daily run compute the same keys."""
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return [f"{key}:{kind}"[:120] if counts[key] > 1 else key for key, kind in zip(keys, kinds, strict=True)]


def keys_to_close(open_keys: set[str], current_keys: set[str]) -> set[str]:
    """A duty closes when its work is done: no module returns it any more (002/001: the daily run
    keeps the list honest)."""
    return open_keys - current_keys


def is_overdue(due: date | None, today: date) -> bool:
    return due is not None and due < today


@dataclass(frozen=True)
class DigestLine:
    key: str
    due: date | None
    new: bool


def digest_lines(
    new_keys: set[str], open_duties: list[tuple[str, date | None]], today: date
) -> list[DigestLine]:
    """What a user's daily digest lists: every duty created by this run and every open duty past its
    due date, overdue first then by due date. Empty: no mail."""
    lines = [
        DigestLine(key, due, key in new_keys)
        for key, due in open_duties
        if key in new_keys or is_overdue(due, today)
    ]
    return sorted(lines, key=lambda d: (not is_overdue(d.due, today), d.due or date.max, d.key))


def should_send_digest(*, preference: str, email: str, already_sent_today: bool, lines: int) -> str | None:
    """Why no digest goes out (None: send it). Users choose daily or none; a second run the same day
    sends nothing again."""
    if preference == NONE:
        return "no_digest"
    if not (email or "").strip():
        return "no_email"
    if already_sent_today:
        return "already_sent"
    if not lines:
        return "nothing"
    return None


# --- Periods ---------------------------------------------------------------------------------------
def review_period(today: date, months: int = 2) -> tuple[date, date]:
    """The full review period containing `today` (001 动态管理: 定期(如二个月)开展客户档案全面修订核查):
    the year cut into periods of `months` months from January (two: Jan–Feb, Mar–Apr, …); the review
    is due by the period's last day."""
    if months < 1 or 12 % months:
        raise ValueError("months must divide 12")
    first_month = (today.month - 1) // months * months + 1
    last_month = first_month + months - 1
    return date(today.year, first_month, 1), month_end(today.year, last_month)


def previous_period(start: date, months: int = 2) -> tuple[date, date]:
    """The period before the one starting on `start` (what a file review compares with)."""
    return review_period(start - timedelta(days=1), months)


def parse_month_day(text: str) -> tuple[int, int]:
    """ "01-10" → (1, 10); ValueError for anything that is no day of the year."""
    parts = (text or "").split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        raise ValueError(f"not MM-DD: {text!r}")
    month, day = int(parts[0]), int(parts[1])
    date(2024, month, day)  # a leap year: raises ValueError for 02-30, 13-01…
    return month, day


def _on(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:  # 29 February in a common year
        return date(year, month, day - 1)


def current_due(today: date, month_days: list[str], lead_days: int) -> date | None:
    """The report deadline a duty is open for on `today`: the latest of the yearly dates (MM-DD)
    whose reminder window (lead_days before it) has opened — past ones stay until the next window
    opens, so an unfiled report shows as overdue (001 客户信用档案建立与管理制度 4: 一月十日和七月十日前)."""
    days = sorted(parse_month_day(d) for d in month_days)
    if not days:
        return None
    candidates = [_on(year, m, d) for year in (today.year - 1, today.year, today.year + 1) for m, d in days]
    opened = [due for due in candidates if due - timedelta(days=lead_days) <= today]
    return max(opened) if opened else None


def statistics_period(due: date) -> tuple[int, str]:
    """The period a contract-statistics report due on `due` covers (001 客户信用档案建立与管理制度 4): one
    due in January covers last year (上年度), one due in July this year's first half (本年度上半年)."""
    return (due.year - 1, "year") if due.month <= 6 else (due.year, "h1")


# --- File review flags (001 动态管理: 对成长快或丢失的客户分析原因后, 另作观察) ------------------------
FAST_GROWING = "fast_growing"
LOST = "lost"


def trade_trend(previous: Decimal, current: Decimal, growth_ratio: Decimal) -> str | None:
    """A customer's flag in a full file review (001 动态管理): lost when it traded in the previous
    period and not in this one; fast-growing when this period's trade is at least (1 + growth_ratio)
    times the previous period's (the ratio is the company's policy; the seed names no number)."""
    if previous > 0 and current <= 0:
        return LOST
    if previous > 0 and current >= previous * (1 + growth_ratio):
        return FAST_GROWING
    return None


# --- The contract period's zero point (002 第三十六条) -------------------------------------------------
def first_zero_day(
    opening: Decimal, moves: list[tuple[date, Decimal]], start: date, end: date
) -> date | None:
    """The first evening in [start, end] on which what was owed had been brought back to zero (002
    第三十六条: 合同期内预付款发货、客户的赊销欠款要回收清零一次): zero or less after having been owed
    (at the start or on an evening since). A pool owed nothing on any evening of the period had nothing
    to clear: its zero point is the first day. `opening` is the balance on the evening before `start`;
    `moves` are the day's changes in any order; days outside the period are ignored (those before
    `start` belong in `opening`). None: owed and never cleared within the period."""
    if end < start:
        return None
    by_day: dict[date, Decimal] = {}
    for day, amount in moves:
        if start <= day <= end:
            by_day[day] = by_day.get(day, Decimal(0)) + amount
    balance = opening
    owed = balance > 0
    for day in sorted(by_day):
        balance += by_day[day]
        if balance > 0:
            owed = True
        elif owed:
            return day
    return None if owed else start


def contract_ending_window(ends_on: date, today: date, lead_days: int = 30) -> bool:
    """Whether the duty to agree next year's terms and collect every debt is open (002 第三十六条:
    合同到期前一个月内): from `lead_days` before the contract ends until it is done."""
    return ends_on - timedelta(days=lead_days) <= today


def review_windows(today: date, months: int = 2) -> tuple[tuple[date, date], tuple[date, date]]:
    """The trade windows a full file review compares (001 动态管理): the last `months` months up to
    today, and the same length before them. Each window is (first day, last day)."""
    current_start = add_months(today, -months) + timedelta(days=1)
    previous_start = add_months(current_start, -months)
    return (previous_start, current_start - timedelta(days=1)), (current_start, today)

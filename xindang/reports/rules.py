"""The analyses of the customer file as pure functions (no Django): the regulations' steps as code.

Sources: 004 客户信息管理制度 第三条 (客户构成分析: composition, ABC, share of our sales) and 第四条
(销售状况分析: seasonal index, product mix, gross margin, stock turnover, cross ratio, contribution
ratio); 003 篇五 第四条3 (销售/商品/地区构成分析); 001 客户档案管理制度及操作细则 抓两头放中间 (the big
customers and the worst ones). Money is Decimal; a ratio is a Decimal fraction (0.25 = 25 %) and a
percentage is Decimal percent; `None` where an input is missing — never an invented number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")
CENTS = Decimal("0.00")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
A, B, C = "A", "B", "C"


def _q(value: Decimal, step: Decimal = RATIO) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def share(part: Decimal, total: Decimal) -> Decimal | None:
    """part ÷ total as a fraction (4 places); None when the total is not positive (004 客户信息管理制度
    第三条1(4) 以各分类的小计额除以合计额)."""
    if total is None or total <= 0 or part is None:
        return None
    return _q(Decimal(part) / Decimal(total))


# --- 第三条1 / 003 篇五 第四条3: composition ---------------------------------------------------
@dataclass(frozen=True)
class Part:
    key: str
    amount: Decimal
    share: Decimal | None  # of the total
    count: int = 0


def composition(rows: Iterable[tuple[str, Decimal, int]]) -> tuple[list[Part], Decimal]:
    """Composition by a classification (004 客户信息管理制度 第三条1: (2) 小计各分类的销售额 (3) 合计
    (4) 小计额除以合计额; 003 篇五 第四条3 销售/商品/地区构成): rows (key, amount, customers) →
    parts largest first with their share, and the total."""
    rows = [(k, Decimal(a or 0), n) for k, a, n in rows]
    total = sum((a for _k, a, _n in rows), ZERO)
    parts = [Part(k, a, share(a, total), n) for k, a, n in rows]
    parts.sort(key=lambda p: (-p.amount, p.key))
    return parts, total


# --- 第三条2: ABC by cumulative share -------------------------------------------------------
@dataclass(frozen=True)
class AbcRow:
    key: object
    amount: Decimal
    share: Decimal | None
    cumulative: Decimal | None  # cumulative share including this row
    klass: str
    rank: int


def abc_classes(
    amounts: Iterable[tuple[object, Decimal]], *, a_pct: Decimal = Decimal(75), b_pct: Decimal = Decimal(20)
) -> list[AbcRow]:
    """ABC classes (004 客户信息管理制度 第三条2: (2) 按销售额高低排序 (3) 占分类销售额的比重并计算累计销售额
    (4) A 类占累计销售额的 75% 左右, B 类 20% 左右, C 类 5% 左右).

    Sorted by amount, largest first (ties by key). A row belongs to the class in which its
    cumulative share *before* it falls: the rows that make up the first `a_pct` % are A — the row
    that crosses the line included (so the largest customer is always A, "左右" read as the nearest
    whole customer) — the next `b_pct` % B, the rest C. Rows with no positive amount are C."""
    rows = sorted(((k, Decimal(a or 0)) for k, a in amounts), key=lambda r: (-r[1], str(r[0])))
    total = sum((a for _k, a in rows if a > 0), ZERO)
    a_line, b_line = Decimal(a_pct) / HUNDRED, (Decimal(a_pct) + Decimal(b_pct)) / HUNDRED
    out, running = [], ZERO
    for rank, (key, amount) in enumerate(rows, start=1):
        if amount <= 0 or total <= 0:
            out.append(AbcRow(key, amount, share(amount, total), share(running, total), C, rank))
            continue
        before = running / total
        running += amount
        klass = A if before < a_line else B if before < b_line else C
        out.append(AbcRow(key, amount, share(amount, total), _q(running / total), klass, rank))
    return out


@dataclass(frozen=True)
class AbcSummary:
    klass: str
    count: int
    amount: Decimal
    share: Decimal | None


def abc_summary(rows: Sequence[AbcRow]) -> list[AbcSummary]:
    """Per class: how many customers and what share of sales (the Pareto table)."""
    total = sum((r.amount for r in rows if r.amount > 0), ZERO)
    out = []
    for klass in (A, B, C):
        mine = [r for r in rows if r.klass == klass]
        amount = sum((r.amount for r in mine if r.amount > 0), CENTS)  # a class of none: 0.00
        out.append(AbcSummary(klass, len(mine), amount, share(amount, total)))
    return out


# --- 第三条3: a customer's share of our sales and the required level --------------------------
def meets_required_share(customer_share: Decimal | None, required_pct: Decimal | None) -> bool | None:
    """第三条3 (3) 计算出客户占公司总销售额的比重 (4) 检查该占有率是否达到公司所要求的水平: None when the
    company has set no level (the regulation names none) or there are no sales."""
    if required_pct is None or customer_share is None:
        return None
    return customer_share * HUNDRED >= Decimal(required_pct)


# --- 第四条1: seasonal index -----------------------------------------------------------------
@dataclass(frozen=True)
class Seasonal:
    years: int
    total: Decimal  # (2) 3 年的总销售额
    yearly_average: Decimal  # (3) 每年平均销售额
    monthly_average: Decimal  # (5) 月平均销售额: the yearly average ÷ 12
    month_averages: list[Decimal]  # the same calendar month averaged over the years
    index: list[Decimal]  # (6) 季节指数, percent
    composition: list[Decimal]  # (7) 各月销售额构成比, percent (sums to 100)


def seasonal_index(monthly: dict[int, Sequence[Decimal]]) -> Seasonal | None:
    """Seasonal index (004 客户信息管理制度 第四条1): (1) the monthly sales of past years (three by the
    text) (2) their total (3) ÷ years = the yearly average (4)–(5) ÷ 12 = the monthly average (6) each
    month's average over the years ÷ the monthly average × 100 % = its seasonal index (7) index ÷ 12 =
    the month's share of the year. `monthly`: year → 12 amounts. None without sales."""
    if not monthly:
        return None
    for year, months in monthly.items():
        if len(months) != 12:
            raise ValueError(f"{year}: twelve months expected")
    years = len(monthly)
    total = sum((Decimal(a or 0) for months in monthly.values() for a in months), ZERO)
    if total <= 0:
        return None
    yearly_average = total / years
    monthly_average = yearly_average / 12
    month_averages = [sum((Decimal(m[i] or 0) for m in monthly.values()), ZERO) / years for i in range(12)]
    index = [_q(avg / monthly_average * HUNDRED, CENT) for avg in month_averages]
    composition = [_q(avg / monthly_average * HUNDRED / 12, CENT) for avg in month_averages]
    return Seasonal(
        years=years,
        total=_q(total, CENT),
        yearly_average=_q(yearly_average, CENT),
        monthly_average=_q(monthly_average, CENT),
        month_averages=[_q(a, CENT) for a in month_averages],
        index=index,
        composition=composition,
    )


def monthly_targets(seasonal: Seasonal, yearly_goal: Decimal) -> list[Decimal]:
    """第四条1(8): 各月销售额构成比乘以客户的年销售目标额, 即为各月应达到的销售目标. Computed from the
    unrounded shares; the last month takes the rounding so the twelve add up to the goal."""
    goal = Decimal(yearly_goal)
    weights = [avg / (seasonal.yearly_average or 1) for avg in seasonal.month_averages]
    total_weight = sum(weights, ZERO)
    targets = [_q(goal * w / total_weight, CENT) for w in weights[:-1]]
    return [*targets, _q(goal - sum(targets, ZERO), CENT)]


# --- 第四条2: product mix --------------------------------------------------------------------
def product_mix(rows: Iterable[tuple[str, Decimal]]) -> tuple[list[Part], Decimal]:
    """第四条2: (1) 按销售额由高到低排序 (2) 合计所有商品的累计销售额 (3) 各种商品销售额占累计销售额的比重."""
    return composition((k, a, 0) for k, a in rows)


# --- 第四条3–6: margin, turnover, cross ratio, contribution ------------------------------------
def gross_margin(sales: Decimal, cost: Decimal | None) -> tuple[Decimal | None, Decimal | None]:
    """第四条3 毛利润额和毛利润率: margin = sales − cost; rate = margin ÷ sales. (None, None) when the
    cost is not known (the ledger line carries no cost)."""
    if cost is None or sales is None:
        return None, None
    margin = Decimal(sales) - Decimal(cost)
    return _q(margin, CENT), share(margin, Decimal(sales)) if sales > 0 else None


def average_stock(opening: Decimal | None, closing: Decimal | None) -> Decimal | None:
    """第四条4(1): ① 月初库存量 ② 月末库存量 ③ (a + b) ÷ 2 = 平均库存量. None if either is unknown."""
    if opening is None or closing is None:
        return None
    return _q((Decimal(opening) + Decimal(closing)) / 2, CENT)


def stock_turnover(sales: Decimal, avg_stock: Decimal | None) -> Decimal | None:
    """第四条4(2): 销售额除以平均库存量, 即得商品周转率 (times). None without a positive stock."""
    if avg_stock is None or avg_stock <= 0 or sales is None:
        return None
    return _q(Decimal(sales) / Decimal(avg_stock))


def cross_ratio(margin_rate: Decimal | None, turnover: Decimal | None) -> Decimal | None:
    """第四条5: 毛利润率乘以商品周转率即是交叉比率."""
    if margin_rate is None or turnover is None:
        return None
    return _q(Decimal(margin_rate) * Decimal(turnover))


def contribution_ratio(cross: Decimal | None, sales_share: Decimal | None) -> Decimal | None:
    """第四条6(1): 不同商品的交叉比率乘以不同商品的销售构成(比重), 即得贡献比率."""
    if cross is None or sales_share is None:
        return None
    return _q(Decimal(cross) * Decimal(sales_share))


# --- 001 抓两头放中间 -------------------------------------------------------------------------
def average_yearly(amount: Decimal, months_of_trade: int) -> Decimal:
    """Average yearly trade: the sales of the window spread over the years traded in it (a customer
    of six months is not averaged over three years); at least one month."""
    months = max(1, int(months_of_trade))
    return _q(Decimal(amount) * 12 / months, CENT)


def is_core(*, klass: str, years_of_relationship: Decimal, min_years: Decimal) -> bool:
    """The big customers (001 客户档案管理制度及操作细则 抓两头放中间 "关注大客户"): class A by average
    yearly trade, trading with us at least `min_years`."""
    return klass == A and Decimal(years_of_relationship) >= Decimal(min_years)


def tail_reasons(
    *, grade: str | None, overdue_amount: Decimal, grade_fell: bool, written_off: bool
) -> list[str]:
    """The worst customers (001 抓两头放中间 "对风险性大的客户管理, 如: 经营状况差、欠账、信誉度下降"):
    the codes of the signs found — "grade_c" (the rating says poor), "overdue" (欠账), "grade_fell"
    (信誉度下降), "bad_debt" (a write-off). Empty: not in the tail."""
    reasons = []
    if grade in (C, "丙"):
        reasons.append("grade_c")
    if overdue_amount and overdue_amount > 0:
        reasons.append("overdue")
    if grade_fell:
        reasons.append("grade_fell")
    if written_off:
        reasons.append("bad_debt")
    return reasons


# --- Credit analysis (SPEC §10, XinDang's addition next to 003 篇五 第四条4) -----------------------
GRADE_ORDER = {A: 0, B: 1, C: 2, "甲": 0, "乙": 1, "丙": 2}


def grade_fell(before: str | None, after: str | None) -> bool:
    """A grade lower than before (A→B, B→C, 甲→丙 …); a first grade is no fall."""
    if before not in GRADE_ORDER or after not in GRADE_ORDER:
        return False
    return GRADE_ORDER[after] > GRADE_ORDER[before]


def migration_matrix(pairs: Iterable[tuple[str | None, str | None]], grades: Sequence[str]) -> dict:
    """Counts of (grade before, grade after) over the customers: {before: {after: n}}, before/after
    including "" (no grade then)."""
    keys = [*grades, ""]
    matrix = {b: dict.fromkeys(keys, 0) for b in keys}
    for before, after in pairs:
        b = before if before in grades else ""
        a = after if after in grades else ""
        matrix[b][a] += 1
    return matrix


# Utilisation bands of exposure against the limit in force.
UTILISATION_BANDS = (
    ("lt50", Decimal("0"), Decimal("0.5")),
    ("50to80", Decimal("0.5"), Decimal("0.8")),
    ("80to100", Decimal("0.8"), Decimal("1")),
)


def utilisation(exposure: Decimal, limit: Decimal | None) -> Decimal | None:
    """Exposure ÷ limit; None without a limit (or a zero limit)."""
    if limit is None or limit <= 0:
        return None
    return _q(Decimal(exposure) / Decimal(limit))


def utilisation_band(exposure: Decimal, limit: Decimal | None) -> str:
    """ "lt50", "50to80", "80to100", "over" (exposure above the limit), "no_limit" (exposure, no limit)
    or "" (neither)."""
    used = utilisation(exposure, limit)
    if used is None:
        return "no_limit" if exposure and exposure > 0 else ""
    if used > 1:
        return "over"
    for code, low, high in UTILISATION_BANDS:
        if low <= used < high:
            return code
    return "80to100"  # exactly at the limit


def collection_effectiveness(
    *, opening: Decimal, sales: Decimal, closing: Decimal, closing_current: Decimal
) -> Decimal | None:
    """Collection effectiveness of a period, percent: (opening receivables + credit sales − closing
    receivables) ÷ (opening + sales − closing receivables not yet due) × 100 — what was collected of
    what could have been. None when nothing was collectable."""
    collectable = Decimal(opening) + Decimal(sales) - Decimal(closing_current)
    if collectable <= 0:
        return None
    collected = Decimal(opening) + Decimal(sales) - Decimal(closing)
    return _q(collected / collectable * HUNDRED, Decimal("0.1"))

"""The rating rules as pure functions over plain values (no Django).

A/B/C: seed 002 第十三–十八条. 甲/乙/丙: seed 004 客户信息管理制度 第九条. Contradictions a reviewer
must look at: 002 第十一条(1). Every reason carries a stable code, the article it applies and its
parameters; the view translates codes into sentences.

`section` is any object with the attributes of sections.CreditSection (the pydantic model).
"""

from __future__ import annotations

import calendar
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

A, B, C = "A", "B", "C"
JIA, YI, BING = "jia", "yi", "bing"
ABC_ORDER = {A: 3, B: 2, C: 1}  # higher is better

# Investigation sources (002 第九条).
SOURCES = ("cooperation", "observation", "authorities", "archive", "agency", "other")

SRC_INVESTIGATION, SRC_LEDGER, SRC_DOCUMENTS, SRC_FILE = "investigation", "ledger", "documents", "file"
SRC_RELATIONS = "relations"  # a service visit's record (relations app)

# --- The investigator's findings (the yes/no side of the 客户信用调查评定表) ---------------------------
A_CONDITION, C_FINDING, JYB_FINDING = "a", "c", "jyb"


@dataclass(frozen=True)
class Finding:
    """One yes/no answer of the investigator. `kind`: A_CONDITION, a 第十五条 condition the investigator
    confirms (unticked = "no", which prevents A); C_FINDING, a 第十六条 finding (ticked = C, whatever
    the figures say); JYB_FINDING, used by 甲/乙/丙 only. `count_field`: the figure the investigator
    gives with it (compared with the policy's threshold as further evidence)."""

    field: str
    article: str
    kind: str
    count_field: str = ""


# The one list of findings: the form, the service, the printed form and the page all read it.
FINDINGS: tuple[Finding, ...] = (
    Finding("lawful_and_kept_promises", "002 第十五条(3)", A_CONDITION),
    Finding("operations_good", "002 第十五条(4)", A_CONDITION),
    Finding("bad_debt", "002 第十六条(1)", C_FINDING),
    Finding("undelivered_goods", "002 第十六条(1)", C_FINDING),
    Finding("serious_breach", "002 第十六条(1)", C_FINDING),
    Finding("broken_promises", "002 第十六条(2)", C_FINDING, "broken_promises_count"),
    Finding("debt_disputes", "002 第十六条(3)", C_FINDING),
    Finding("asset_transfers", "002 第十六条(3)", C_FINDING),
    Finding("weak_capital", "002 第十六条(4)", C_FINDING),
    Finding("losses", "002 第十六条(5)", C_FINDING),
    Finding("falling_turnover", "002 第十六条(5)", C_FINDING, "falling_turnover_months"),
    Finding("sales_decline", "002 第十六条(6)", C_FINDING),
    Finding("unfair_conduct", "002 第十六条(6)", C_FINDING),
    Finding("illegal_operation", "002 第十六条(7)", C_FINDING),
    Finding("ordered_to_stop", "002 第十六条(8)", C_FINDING),
    Finding("freeze_risk", "002 第十六条(9)", C_FINDING),
    Finding("past_credit_problems", "004 客户信息管理制度 第九条1(1)③", JYB_FINDING),
)
FINDING_FIELDS: tuple[str, ...] = tuple(f.field for f in FINDINGS)
# The findings with the figures given beside them, in the order of the form.
FINDING_FORM_FIELDS: tuple[str, ...] = tuple(
    name for f in FINDINGS for name in (f.field, f.count_field) if name
)


@dataclass(frozen=True)
class Reason:
    code: str
    article: str
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "article": self.article, "params": dict(self.params)}


@dataclass(frozen=True)
class YearFigures:
    """One year of the investigation's financial figures (yuan; None = not known)."""

    year: int
    revenue: Decimal | None = None
    profit: Decimal | None = None
    total_assets: Decimal | None = None
    liabilities: Decimal | None = None
    equity: Decimal | None = None
    cash_flow: Decimal | None = None


@dataclass(frozen=True)
class RatingFacts:
    """Every input of the rating as a plain value. `sources` says where a fact came from
    (investigation, ledger, documents, file) for the facts a second source may supply."""

    months_of_cooperation: int = 0
    # 002 第十五条(2) / 第十六条(1): in the look-back period
    bad_debt: bool = False
    undelivered_goods: bool = False
    serious_breach: bool = False
    # 第十五条(3) / 第十六条(2)
    lawful_and_kept_promises: bool = False
    broken_promises: int = 0
    # 第十五条(4) / 第十六条(5): the yearly figures, oldest first; the rating date's year decides
    # which years are "最近连续2年" (None: the latest year given closes the window)
    years: tuple[YearFigures, ...] = ()
    rating_year: int | None = None
    # 第十五条(3)/(4) as the investigator answered (None: no investigation says either way)
    operations_good_finding: bool | None = None
    # 第十五条(5) / 第十六条(4)
    debt_ratio_pct: Decimal | None = None
    equity: Decimal | None = None
    # 第十五条(6) 年度回款、发货: both against the company's standard
    yearly_collections: Decimal | None = None
    yearly_shipments: Decimal | None = None
    # The nine C findings (第十六条)
    debt_disputes: bool = False  # (3)
    asset_transfers: bool = False  # (3)
    weak_capital: bool = False  # (4)
    serious_losses: bool = False  # (5)
    falling_turnover_months: int = 0  # (5) the customer's own turnover, months given by the investigator
    often_breaks_promises: bool = False  # (2) the investigator's finding 经常不兑现承诺
    falling_turnover: bool = False  # (5) the investigator's finding 营业额持续多月下滑
    # Our credit sales to the customer falling (the ledger): evidence beside (5), not the customer's
    # turnover; a C condition only where the policy says so (a departure)
    our_sales_falling_months: int = 0
    # A service visit found the customer's operations worsening (relations): a C fact only where the
    # policy says so (relations.visit_findings_are_rating_facts, a departure); set only then
    visit_operations_worsening: bool = False
    sales_decline: bool = False  # (6) 生产、销售连续严重下滑
    unfair_conduct: bool = False  # (6) 不公正行为
    illegal_operation: bool = False  # (7)
    ordered_to_stop: bool = False  # (8)
    freeze_risk: bool = False  # (9)
    # 第十八条
    is_new: bool = True
    key_data_complete: bool = False
    documents_complete: bool = False
    # 甲/乙/丙 (004 客户信息管理制度 第九条)
    employee_count: int | None = None
    company_age_months: int | None = None
    is_wholesaler: bool = False
    receivables: Decimal = Decimal("0")
    avg_monthly_shipments: Decimal = Decimal("0")
    past_credit_problems: bool = False
    investigator: str = ""  # who signed the investigation's findings (cited by the reasons)
    sources: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """JSON-friendly (Decimals as strings)."""
        data = asdict(self)
        data["years"] = [{k: _plain(v) for k, v in y.items()} for y in data["years"]]
        return {k: (_plain(v) if k != "years" else v) for k, v in data.items()}


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


@dataclass(frozen=True)
class RatingResult:
    grade: str
    reasons: tuple[Reason, ...]
    facts: RatingFacts

    def reasons_json(self) -> list[dict]:
        return [r.as_dict() for r in self.reasons]


# --- derived facts ---------------------------------------------------------------------------------
def last_years(years, n: int) -> list[YearFigures]:
    return sorted(years, key=lambda y: y.year)[-n:]


def revenue_fell_years_running(years, n: int = 2) -> bool:
    """Revenue fell in each of the last `n` year-over-year comparisons (needs n + 1 years)."""
    ys = [y for y in sorted(years, key=lambda y: y.year) if y.revenue is not None]
    if len(ys) < n + 1:
        return False
    tail = ys[-(n + 1) :]
    return all(tail[i + 1].revenue < tail[i].revenue for i in range(n))


@dataclass(frozen=True)
class OperationsCheck:
    """002 第十五条(4) 最近连续2年经营状况良好, read against the rating date."""

    ok: bool
    window: tuple[int, ...]  # the years that must show good operations
    missing: tuple[int, ...]  # of those, years without revenue and profit
    loss_years: tuple[int, ...]
    fell: bool  # revenue fell from one year of the window to the next


def operations_window(years, n: int, rating_year: int | None) -> tuple[int, ...]:
    """The `n` most recent full years before the rating date (rating in 2026: 2024 and 2025). Without a
    rating year, the `n` years ending with the latest year given."""
    if rating_year is None:
        given = [y.year for y in years]
        if not given:
            return ()
        rating_year = max(given) + 1
    return tuple(range(rating_year - n, rating_year))


def check_operations(years, n: int = 2, rating_year: int | None = None) -> OperationsCheck:
    """Good operations in each year of the window: revenue and a profit given for each, and revenue not
    falling year after year inside the window (with two years: the later not lower). Years before the
    window (or after it) change nothing."""
    window = operations_window(years, n, rating_year)
    by_year = {y.year: y for y in years}
    inside = [by_year[y] for y in window if y in by_year]
    missing = tuple(
        y for y in window if y not in by_year or by_year[y].profit is None or by_year[y].revenue is None
    )
    losses = tuple(y.year for y in inside if y.profit is not None and y.profit <= 0)
    revenues = [y.revenue for y in inside if y.revenue is not None]
    fell = len(revenues) >= 2 and all(b < a for a, b in zip(revenues, revenues[1:], strict=False))
    ok = bool(window) and not missing and not losses and not fell
    return OperationsCheck(ok, window, missing, losses, fell)


def operations_good(years, n: int = 2, rating_year: int | None = None) -> bool:
    """002 第十五条(4) 最近连续2年经营状况良好 (see check_operations)."""
    return check_operations(years, n, rating_year).ok


def debt_ratio_pct(total_assets: Decimal | None, liabilities: Decimal | None) -> Decimal | None:
    if total_assets is None or liabilities is None or total_assets <= 0:
        return None
    return (Decimal(liabilities) * 100 / Decimal(total_assets)).quantize(Decimal("0.1"))


def latest_year(years) -> YearFigures | None:
    ys = sorted(years, key=lambda y: y.year)
    return ys[-1] if ys else None


def months_between(start: date, end: date) -> int:
    if start > end:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1

    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- A/B/C (002 第十五–十八条) -----------------------------------------------------------------------
def c_reasons(f: RatingFacts, section) -> list[Reason]:
    """Every C condition the facts meet (002 第十六条(1)–(9))."""
    art = "002 第十六条"
    months = section.lookback_months
    out = []
    # A finding only the investigation can make names who made it (the one who signed the form).
    found = {"by": f.investigator} if f.investigator else {}
    if f.bad_debt:
        source = f.sources.get("bad_debt", "")
        out.append(
            Reason(
                "c.bad_debt",
                f"{art}(1)",
                {"months": months, "source": source, **(found if source == SRC_INVESTIGATION else {})},
            )
        )
    if f.undelivered_goods:
        out.append(Reason("c.undelivered_goods", f"{art}(1)", {"months": months, **found}))
    if f.serious_breach:
        out.append(Reason("c.serious_breach", f"{art}(1)", {"months": months, **found}))
    if f.often_breaks_promises:
        # The investigator's finding decides, whatever the count (the count is shown beside it).
        out.append(
            Reason(
                "c.broken_promises_finding",
                f"{art}(2)",
                {"by": f.investigator, "count": f.broken_promises, "source": SRC_INVESTIGATION},
            )
        )
    elif f.broken_promises >= section.c_broken_promises_min:
        out.append(
            Reason(
                "c.broken_promises",
                f"{art}(2)",
                {
                    "count": f.broken_promises,
                    "min": section.c_broken_promises_min,
                    "source": f.sources.get("broken_promises", ""),
                },
            )
        )
    if f.debt_disputes:
        out.append(Reason("c.debt_disputes", f"{art}(3)", found))
    if f.asset_transfers:
        out.append(Reason("c.asset_transfers", f"{art}(3)", found))
    if f.weak_capital:
        out.append(Reason("c.weak_capital", f"{art}(4)", found))
    if f.debt_ratio_pct is not None and f.debt_ratio_pct >= section.c_weak_debt_ratio_pct:
        out.append(
            Reason(
                "c.debt_ratio",
                f"{art}(4)",
                {"ratio": str(f.debt_ratio_pct), "max": section.c_weak_debt_ratio_pct},
            )
        )
    if f.equity is not None and f.equity <= 0:
        out.append(Reason("c.negative_equity", f"{art}(4)", {"equity": str(f.equity)}))
    if f.serious_losses:
        out.append(Reason("c.serious_losses", f"{art}(5)", found))
    if f.falling_turnover:
        out.append(
            Reason(
                "c.falling_turnover_finding",
                f"{art}(5)",
                {"by": f.investigator, "months": f.falling_turnover_months, "source": SRC_INVESTIGATION},
            )
        )
    elif f.falling_turnover_months >= section.c_falling_turnover_months:
        out.append(
            Reason(
                "c.falling_turnover",
                f"{art}(5)",
                {
                    "months": f.falling_turnover_months,
                    "min": section.c_falling_turnover_months,
                    "source": f.sources.get("falling_turnover_months", SRC_INVESTIGATION),
                },
            )
        )
    if (
        getattr(section, "c_our_sales_falling", False)
        and f.our_sales_falling_months >= section.c_falling_turnover_months
    ):
        # A departure (policy): our own falling sales to the customer read as 营业额持续多月下滑.
        out.append(
            Reason(
                "c.our_sales_falling",
                f"{art}(5)",
                {
                    "months": f.our_sales_falling_months,
                    "min": section.c_falling_turnover_months,
                    "source": SRC_LEDGER,
                },
            )
        )
    if f.visit_operations_worsening:
        # A departure (policy): a service visit's finding read as 生产、经营状况不良.
        out.append(Reason("c.visit_operations_worsening", f"{art}(5)", {"source": SRC_RELATIONS}))
    if f.sales_decline:
        out.append(Reason("c.sales_decline", f"{art}(6)", found))
    if f.unfair_conduct:
        out.append(Reason("c.unfair_conduct", f"{art}(6)", found))
    if f.illegal_operation:
        out.append(Reason("c.illegal_operation", f"{art}(7)", found))
    if f.ordered_to_stop:
        out.append(Reason("c.ordered_to_stop", f"{art}(8)", found))
    if f.freeze_risk:
        out.append(Reason("c.freeze_risk", f"{art}(9)", found))
    return out


def a_conditions(f: RatingFacts, section) -> list[tuple[Reason, bool]]:
    """The six A conditions (002 第十五条), each with whether it is met; the reason code names the
    condition (a.*), the failing form is reported by rate() as b.not_a.*. (4) counts the two most recent
    full years before the rating date; an explicit "no" of the investigator to (4) fails it too. (6)
    年度回款、发货: yearly collections and yearly shipments each meet the company's standard."""
    art = "002 第十五条"
    n = section.good_operations_years
    ratio_ok = (
        f.debt_ratio_pct is not None
        and f.debt_ratio_pct <= section.a_max_debt_ratio_pct
        and f.equity is not None
        and f.equity > 0
        and not f.weak_capital
    )
    collections = f.yearly_collections
    shipments = f.yearly_shipments
    ops = check_operations(f.years, n, f.rating_year)
    conditions = [
        (
            Reason(
                "a.cooperation",
                f"{art}(1)",
                {
                    "months": f.months_of_cooperation,
                    "min": section.a_min_cooperation_months,
                    "source": f.sources.get("months_of_cooperation", ""),
                },
            ),
            f.months_of_cooperation >= section.a_min_cooperation_months,
        ),
        (
            Reason("a.clean_record", f"{art}(2)", {"months": section.lookback_months}),
            not (f.bad_debt or f.undelivered_goods or f.serious_breach),
        ),
        (
            Reason("a.lawful_and_kept_promises", f"{art}(3)", {"count": f.broken_promises}),
            f.lawful_and_kept_promises and f.broken_promises == 0,
        ),
        (
            Reason(
                "a.good_operations",
                f"{art}(4)",
                {
                    "years": n,
                    "window": ", ".join(map(str, ops.window)),
                    "missing": ", ".join(map(str, ops.missing)),
                },
            ),
            ops.ok,
        ),
        (
            Reason(
                "a.strong_capital",
                f"{art}(5)",
                {
                    "ratio": "" if f.debt_ratio_pct is None else str(f.debt_ratio_pct),
                    "max": section.a_max_debt_ratio_pct,
                },
            ),
            ratio_ok,
        ),
        (
            Reason(
                "a.collections",
                f"{art}(6)",
                {
                    "amount": "" if collections is None else str(collections),
                    "min": str(section.a_min_yearly_collections_amount),
                    "source": f.sources.get("yearly_collections", ""),
                },
            ),
            collections is not None and collections >= section.a_min_yearly_collections_amount,
        ),
        (
            Reason(
                "a.shipments",
                f"{art}(6)",
                {
                    "amount": "" if shipments is None else str(shipments),
                    "min": str(section.a_min_yearly_shipments_amount),
                    "source": f.sources.get("yearly_shipments", ""),
                },
            ),
            shipments is not None and shipments >= section.a_min_yearly_shipments_amount,
        ),
    ]
    if f.operations_good_finding is False:
        # The investigator answered "no" to 第十五条(4): that prevents A whatever the figures show.
        conditions.insert(4, (Reason("a.operations_finding", f"{art}(4)", {"by": f.investigator}), False))
    return conditions


def rate(facts: RatingFacts, section) -> RatingResult:
    """002 第十六条: any C condition → C (all of them listed). 第十五条: all six A conditions → A,
    unless 第十八条 (new customer, key data or documents incomplete) holds it at B. 第十七条: else B."""
    cs = c_reasons(facts, section)
    if cs:
        return RatingResult(C, tuple(cs), facts)
    conditions = a_conditions(facts, section)
    blockers = []
    if facts.is_new:
        blockers.append(Reason("b.new_customer", "002 第十八条"))
    if not facts.key_data_complete:
        blockers.append(Reason("b.key_data_incomplete", "002 第十八条"))
    if not facts.documents_complete:
        blockers.append(Reason("b.documents_incomplete", "002 第十八条"))
    if all(ok for _, ok in conditions) and not blockers:
        return RatingResult(A, tuple(r for r, _ in conditions), facts)
    failed = [Reason("b.not_" + r.code, r.article, r.params) for r, ok in conditions if not ok]
    reasons = [Reason("b.default", "002 第十七条"), *failed, *blockers]
    return RatingResult(B, tuple(reasons), facts)


# --- 甲/乙/丙 (004 客户信息管理制度 第九条) ----------------------------------------------------------
def rate_jyb(facts: RatingFacts, section) -> RatingResult:
    """004 客户信息管理制度 第九条 1(1): 丙 — intermediate wholesaler, < 100 employees or newly
    founded, past credit problems, or (non-甲) receivables above the policy amount or a large volume
    with us; 甲 — a large company (employees or revenue), good reputation (no C condition, lawful,
    promises kept), stable operations; otherwise 乙."""
    art = "004 客户信息管理制度 第九条1(1)"
    bing = []
    if facts.is_wholesaler:
        bing.append(Reason("bing.wholesaler", f"{art}③"))
    if facts.employee_count is not None and facts.employee_count < section.bing_max_employees:
        bing.append(
            Reason(
                "bing.small",
                f"{art}③",
                {"employees": facts.employee_count, "min": section.bing_max_employees},
            )
        )
    if facts.company_age_months is None or facts.company_age_months < section.bing_new_company_months:
        bing.append(
            Reason(
                "bing.new_company",
                f"{art}③",
                {"months": facts.company_age_months, "min": section.bing_new_company_months},
            )
        )
    c_found = c_reasons(facts, section)
    if facts.past_credit_problems or facts.broken_promises > 0 or c_found:
        bing.append(Reason("bing.credit_problems", f"{art}③", {"count": len(c_found)}))
    if bing:
        return RatingResult(BING, tuple(bing), facts)
    latest = latest_year(facts.years)
    revenue = latest.revenue if latest else None
    large = (facts.employee_count is not None and facts.employee_count >= section.jia_min_employees) or (
        revenue is not None and revenue >= section.jia_min_revenue_amount
    )
    reputation = facts.lawful_and_kept_promises
    stable = operations_good(facts.years, section.good_operations_years, facts.rating_year)
    if large and reputation and stable:
        return RatingResult(
            JIA,
            (
                Reason(
                    "jia.large",
                    f"{art}①",
                    {"employees": facts.employee_count, "revenue": "" if revenue is None else str(revenue)},
                ),
                Reason("jia.reputation", f"{art}①"),
                Reason("jia.stable", f"{art}①", {"years": section.good_operations_years}),
            ),
            facts,
        )
    if facts.receivables > section.bing_receivables_amount:
        return RatingResult(
            BING,
            (
                Reason(
                    "bing.receivables",
                    f"{art}③",
                    {"amount": str(facts.receivables), "max": str(section.bing_receivables_amount)},
                ),
            ),
            facts,
        )
    if facts.avg_monthly_shipments >= section.bing_large_volume_monthly_amount:
        return RatingResult(
            BING,
            (
                Reason(
                    "bing.large_volume",
                    f"{art}③",
                    {
                        "amount": str(facts.avg_monthly_shipments),
                        "min": str(section.bing_large_volume_monthly_amount),
                    },
                ),
            ),
            facts,
        )
    missing = []
    if not large:
        missing.append(Reason("yi.not_large", f"{art}②"))
    if not reputation:
        missing.append(Reason("yi.reputation", f"{art}②"))
    if not stable:
        missing.append(Reason("yi.not_stable", f"{art}②"))
    return RatingResult(YI, (Reason("yi.default", f"{art}②"), *missing), facts)


def rate_with(scheme: str, facts: RatingFacts, section) -> RatingResult:
    return rate_jyb(facts, section) if scheme == "jyb" else rate(facts, section)


# --- Contradictions (002 第十一条(1)) ----------------------------------------------------------------
@dataclass(frozen=True)
class Findings:
    """The yes/no answers the investigator ticked (the manual side of the form)."""

    losses: bool = False
    falling_turnover: bool = False
    operations_good: bool = False
    bad_debt: bool = False
    broken_promises: bool = False
    weak_capital: bool = False
    lawful_and_kept_promises: bool = False
    broken_promises_count: int = 0
    falling_turnover_months: int = 0


def contradictions(
    findings: Findings,
    years,
    section,
    *,
    ledger_bad_debt: bool | None = None,
    ledger_broken_promises: int | None = None,
    employee_count: int | None = None,
    min_years: int | None = None,
    rating_year: int | None = None,
) -> list[Reason]:
    """What the system can see does not fit (a reviewer must look; 002 第十一条(1)). Codes x.*. Where a
    tick and the figures disagree the stricter side decides the grade (rate()); the reviewer answers
    the disagreement here."""
    art = "002 第十一条(1)"
    out = []
    ys = sorted(years, key=lambda y: y.year)
    loss_years = [y.year for y in ys if y.profit is not None and y.profit < 0]
    if loss_years and not findings.losses:
        out.append(Reason("x.loss_not_declared", art, {"years": ", ".join(map(str, loss_years))}))
    if findings.losses and ys and not loss_years and all(y.profit is not None for y in ys):
        out.append(Reason("x.loss_without_figures", art))
    fell = revenue_fell_years_running(ys, 2)
    if findings.operations_good and (fell or loss_years):
        out.append(
            Reason(
                "x.good_operations_but_figures", art, {"fell": fell, "years": ", ".join(map(str, loss_years))}
            )
        )
    if fell and not findings.falling_turnover:
        out.append(Reason("x.falling_turnover_not_declared", art))
    if ledger_bad_debt and not findings.bad_debt:
        out.append(Reason("x.bad_debt_in_ledger", art))
    if ledger_broken_promises and not findings.broken_promises:
        out.append(Reason("x.broken_promises_in_ledger", art, {"count": ledger_broken_promises}))
    if findings.lawful_and_kept_promises and (findings.broken_promises or ledger_broken_promises):
        out.append(Reason("x.promises_kept_but_broken", art))
    promises = max(findings.broken_promises_count, ledger_broken_promises or 0)
    promises_min = section.c_broken_promises_min
    if findings.broken_promises and promises < promises_min:
        out.append(Reason("x.broken_promises_ticked_below", art, {"count": promises, "min": promises_min}))
    if not findings.broken_promises and findings.broken_promises_count >= promises_min:
        out.append(
            Reason("x.broken_promises_count_not_ticked", art, {"count": findings.broken_promises_count})
        )
    months_min = section.c_falling_turnover_months
    if findings.falling_turnover and findings.falling_turnover_months < months_min:
        out.append(
            Reason(
                "x.falling_turnover_ticked_below",
                art,
                {"months": findings.falling_turnover_months, "min": months_min},
            )
        )
    if not findings.falling_turnover and findings.falling_turnover_months >= months_min:
        out.append(
            Reason("x.falling_turnover_months_not_ticked", art, {"months": findings.falling_turnover_months})
        )
    ops = check_operations(ys, section.good_operations_years, rating_year)
    if not findings.operations_good and ops.ok:
        out.append(
            Reason("x.operations_not_good_but_figures", art, {"years": ", ".join(map(str, ops.window))})
        )
    latest = ys[-1] if ys else None
    if latest is not None:
        ratio = debt_ratio_pct(latest.total_assets, latest.liabilities)
        if ratio is not None and ratio >= section.c_weak_debt_ratio_pct and not findings.weak_capital:
            out.append(Reason("x.weak_capital_not_declared", art, {"ratio": str(ratio)}))
        for y in ys:
            if None in (y.total_assets, y.liabilities, y.equity):
                continue
            if abs(y.total_assets - y.liabilities - y.equity) > max(Decimal("1"), abs(y.total_assets) / 100):
                out.append(Reason("x.balance_sheet", art, {"year": y.year}))
    needed = min_years if min_years is not None else section.min_financial_years
    if len(ys) < needed:
        out.append(Reason("x.too_few_years", "002 第八条5", {"count": len(ys), "min": needed}))
    if employee_count is not None and employee_count < 0:
        out.append(Reason("x.employee_count", art))
    return out

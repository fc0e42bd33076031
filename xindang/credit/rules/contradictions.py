"""The contradictions a reviewer must look at in one investigation (seed 002 第十一条(1))."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .facts import Reason
from .figures import check_operations, debt_ratio_pct, revenue_fell_years_running


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

"""What the investigation's yearly figures say: the latest year, the debt ratio, falling revenue and
good operations over the last years (002 第十五条(4)–(5), 第十六条(4)–(5))."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .facts import YearFigures


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

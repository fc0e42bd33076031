"""Which source supplies each rating fact: the investigation (the 客户信用调查评定表) or our trade ledger.

Seed 002 第九条 names both as sources of a customer's credit data (the customer and the investigator's
own observation; our own files and trade records), and 第十一条 has the reviewer check the form
against our trade history and the customer's credit record. Where the two disagree the stricter
side wins; where the ledger has the customer's history its figures are ours and replace the form's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from xindang.core.dates import months_between

from .facts import SRC_INVESTIGATION, SRC_LEDGER, RatingFacts, YearFigures
from .figures import debt_ratio_pct, latest_year


def merge_facts(
    inv,
    ledger,
    *,
    years: tuple[YearFigures, ...] = (),
    customer_founded_on: date | None = None,
    key_data_missing: list[str] | tuple[str, ...] = (),
    docs_complete: bool = False,
    receivables=0,
    on: date,
    section,
    investigation_id: int | None = None,
    investigator: str = "",
) -> RatingFacts:
    """Combine the sources into the rating's facts (002 第九条, 第十一条).

    `inv`: the investigation's answers (any object with the fields of credit.models.Investigation;
    None without one); `ledger`: the ledger's facts (ledger.facts.LedgerFacts; None without any).
    A bad fact found by either the investigation or the ledger counts, and an explicit finding of
    the investigator counts whatever the figures say (the stricter side wins); where the ledger has
    the customer's history it supplies months of trade, yearly collections and shipments and our
    monthly sales trend; `sources` records which source each of those came from."""
    sources: dict[str, str] = {}
    has_ledger = ledger is not None and ledger.first_trade_on is not None
    # months of cooperation (第十五条(1))
    if has_ledger:
        months = ledger.months_of_trade
        sources["months_of_cooperation"] = SRC_LEDGER
    elif inv and inv.cooperation_since:
        months = months_between(inv.cooperation_since, on)
        sources["months_of_cooperation"] = SRC_INVESTIGATION
    else:
        months = 0
    manual_bad_debt = bool(inv and inv.bad_debt)
    ledger_bad_debt = bool(ledger and (ledger.bad_debt_within_2y or ledger.overdue_beyond_limit_within_2y))
    if ledger_bad_debt:
        sources["bad_debt"] = SRC_LEDGER
    elif manual_bad_debt:
        sources["bad_debt"] = SRC_INVESTIGATION
    # 第十六条(2): the investigator's finding decides on its own; the counts (the investigator's and the
    # ledger's broken promises) are further evidence.
    manual_promises = inv.broken_promises_count if inv else 0
    ledger_promises = ledger.broken_promises_2y if ledger else 0
    sources["broken_promises"] = (
        SRC_LEDGER if ledger_promises >= manual_promises and ledger else (SRC_INVESTIGATION)
    )
    if has_ledger:
        collections = (ledger.avg_monthly_collections or Decimal(0)) * 12
        shipments = (ledger.avg_monthly_shipments or Decimal(0)) * 12
        sources["yearly_collections"] = sources["yearly_shipments"] = SRC_LEDGER
    else:
        collections = inv.yearly_collections_amount if inv else None
        shipments = inv.yearly_shipments_amount if inv else None
        sources["yearly_collections"] = sources["yearly_shipments"] = SRC_INVESTIGATION
    # 第十六条(5) is the customer's own turnover (the investigation); our falling sales to the customer
    # (the ledger) are evidence beside it.
    sources["falling_turnover_months"] = SRC_INVESTIGATION
    sources["our_sales_falling_months"] = SRC_LEDGER
    latest = latest_year(years)
    ratio = debt_ratio_pct(latest.total_assets, latest.liabilities) if latest else None
    equity = None
    if latest:
        equity = latest.equity
        if equity is None and latest.total_assets is not None and latest.liabilities is not None:
            equity = latest.total_assets - latest.liabilities
    founded = (inv.founded_on if inv else None) or customer_founded_on
    missing_key = list(key_data_missing)
    return RatingFacts(
        months_of_cooperation=months,
        bad_debt=manual_bad_debt or ledger_bad_debt,
        undelivered_goods=bool(inv and inv.undelivered_goods),
        serious_breach=bool(inv and inv.serious_breach),
        lawful_and_kept_promises=bool(inv and inv.lawful_and_kept_promises),
        broken_promises=max(manual_promises, ledger_promises),
        years=tuple(years),
        rating_year=on.year,
        operations_good_finding=bool(inv.operations_good) if inv else None,
        debt_ratio_pct=ratio,
        equity=equity,
        yearly_collections=collections,
        yearly_shipments=shipments,
        debt_disputes=bool(inv and inv.debt_disputes),
        asset_transfers=bool(inv and inv.asset_transfers),
        weak_capital=bool(inv and inv.weak_capital),
        serious_losses=bool(inv and inv.losses),
        falling_turnover_months=inv.falling_turnover_months if inv else 0,
        often_breaks_promises=bool(inv and inv.broken_promises),
        falling_turnover=bool(inv and inv.falling_turnover),
        our_sales_falling_months=(ledger.revenue_trend_falling_months if ledger else 0) or 0,
        sales_decline=bool(inv and inv.sales_decline),
        unfair_conduct=bool(inv and inv.unfair_conduct),
        illegal_operation=bool(inv and inv.illegal_operation),
        ordered_to_stop=bool(inv and inv.ordered_to_stop),
        freeze_risk=bool(inv and inv.freeze_risk),
        is_new=months < section.new_customer_months,  # 002 第十八条 新开发
        key_data_complete=not missing_key,
        documents_complete=docs_complete,
        employee_count=inv.employee_count if inv else None,
        company_age_months=months_between(founded, on) if founded else None,
        is_wholesaler=bool(inv and inv.is_wholesaler),
        receivables=Decimal(receivables or 0),
        avg_monthly_shipments=(ledger.avg_monthly_shipments if ledger else Decimal(0)) or Decimal(0),
        past_credit_problems=bool(inv and inv.past_credit_problems),
        investigator=investigator,
        sources={**sources, "investigation": investigation_id, "key_data_missing": missing_key},
    )

"""Sales analysis (004 第四条)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from xindang.core.money import format_yuan

from ..selectors import sales
from ..tables import MONEY, PERCENT, RATIO, SHARE, Column, Document, Table
from .common import year_span


def sales_document(
    customers, *, year: int, today: date, policy, goal: Decimal | None, stocks: dict, one=None
) -> Document:
    """004 第四条 over `customers`; `one`: the customer when the analysis is of one (第四条1(1) 各客户)."""
    from .. import rules

    years = policy.reports.seasonal_years
    monthly = sales.seasonal_input(customers, last_year=year, years=years)
    seasonal = rules.seasonal_index(monthly)
    targets = rules.monthly_targets(seasonal, goal) if seasonal and goal else None
    season = Table(
        "seasonal",
        _("Seasonal index (004 客户信息管理制度 第四条1)"),
        [
            Column(_("Month")),
            *[Column(str(y), MONEY) for y in sorted(monthly)],
            Column(_("Average"), MONEY),
            Column(_("Seasonal index"), PERCENT),
            Column(_("Share of the year"), PERCENT),
            Column(_("Monthly target"), MONEY),
        ],
        empty=_("No sales in these years: no seasonal index."),
    )
    if seasonal:
        for i in range(12):
            season.rows.append(
                [
                    f"{i + 1:02d}",
                    *[monthly[y][i] for y in sorted(monthly)],
                    seasonal.month_averages[i],
                    seasonal.index[i],
                    seasonal.composition[i],
                    targets[i] if targets else None,
                ]
            )
            season.links.append("")
        season.note = _(
            "%(years)s years: total %(total)s, yearly average %(yearly)s, monthly average %(monthly)s."
        ) % {
            "years": seasonal.years,
            "total": format_yuan(seasonal.total),
            "yearly": format_yuan(seasonal.yearly_average),
            "monthly": format_yuan(seasonal.monthly_average),
        }
        if not goal:
            season.note += " " + _("Enter a yearly goal to get the monthly targets (第四条1(8)).")
    start, end = year_span(year, today)
    products, lined = sales.product_analysis(customers, start, end, stocks)
    prod = Table(
        "products",
        _("Products (004 客户信息管理制度 第四条2–6)"),
        [
            Column(_("Product")),
            Column(_("Sales"), MONEY),
            Column(_("Share"), SHARE),
            Column(_("Cost"), MONEY),
            Column(_("Gross margin"), MONEY),
            Column(_("Margin rate"), SHARE),
            Column(_("Opening stock"), MONEY),
            Column(_("Closing stock"), MONEY),
            Column(_("Average stock"), MONEY),
            Column(_("Stock turnover"), RATIO),
            Column(_("Cross ratio"), RATIO),
            Column(_("Contribution ratio"), RATIO),
        ],
        empty=_("No sales with product lines in this year."),
    )
    for p in products:
        prod.rows.append(
            [
                p.product,
                p.amount,
                p.share,
                p.cost,
                p.margin,
                p.margin_rate,
                p.opening_stock,
                p.closing_stock,
                p.average_stock,
                p.turnover,
                p.cross,
                p.contribution,
            ]
        )
        prod.links.append("")
    missing = []
    if any(p.cost is None for p in products):
        missing.append(_("Some lines carry no cost: no gross margin for those products (第四条3)."))
    if any(p.average_stock is None for p in products):
        missing.append(
            _(
                "The ledger keeps no stock: enter the customer's stock of each product at the start and the "
                "end of the period to get turnover, cross ratio and contribution (第四条4–6)."
            )
        )
    prod.note = " ".join(missing)
    doc = Document(
        "sales",
        _("Sales analysis (004 客户信息管理制度 第四条)"),
        _("Seasonal index %(first)s–%(last)s; products %(start)s to %(end)s")
        % {"first": year - years + 1, "last": year, "start": start, "end": end},
        [season, prod],
        params={
            "year": year,
            "goal": str(goal) if goal else "",
            "stocks": {k: [str(a), str(b)] for k, (a, b) in stocks.items()},
            "customer": one.pk if one else "",
        },
    )
    if one is not None:
        doc.subtitle = f"{one.name} ({one.file_no}) · {doc.subtitle}"
    unlined = sales.total_sales(customers, start, end) - lined
    if unlined:
        doc.notes.append(
            _("Sales of %(amount)s carry no product lines in the ledger and are not in the product table.")
            % {"amount": format_yuan(unlined)}
        )
    doc.data["products"] = products
    return doc

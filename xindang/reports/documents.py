"""Each analysis as a document (tables.Document) built from the selectors — the one source of the
screen, the .xlsx and the PDF — plus the chart data the screen draws from the same rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import credit, sales
from .tables import INT, MONEY, PERCENT, RATIO, SHARE, Column, Document, Table

MONTHS = range(1, 13)


def drill(**params) -> str:
    return reverse("reports:customers") + "?" + urlencode({k: v for k, v in params.items() if v is not None})


def dimension_labels() -> dict:
    return {
        "industry": _("Industry"),
        "nature": _("Nature"),
        "region": _("Region"),
        "enterprise_type": _("Enterprise type"),
        "tier": _("Tier"),
        "product": _("Product"),
    }


def year_span(year: int, today: date) -> tuple[date, date]:
    return date(year, 1, 1), min(date(year, 12, 31), today)


# --- Composition (004 客户信息管理制度 第三条1; 003 篇五 第四条3) -------------------------------------------
def composition_document(customers, *, dimension: str, year: int, today: date) -> Document:
    start, end = year_span(year, today)
    comp = sales.composition(customers, dimension, start, end)
    label = dimension_labels()[dimension]
    table = Table(
        "composition",
        _("Sales by %(dimension)s") % {"dimension": label},
        [Column(label), Column(_("Customers"), INT), Column(_("Sales"), MONEY), Column(_("Share"), SHARE)],
        empty=_("No sales in this period."),
    )
    for row in comp.rows:
        table.rows.append([row.label or _("(not recorded)"), row.customers, row.amount, row.share])
        if dimension == "product":
            table.links.append("")
        else:
            table.links.append(
                reverse("customers:list") + "?" + urlencode({dimension: row.key, "status": "all"})
                if row.key
                else ""
            )
    table.rows.append(
        [_("Total"), sum(r.customers for r in comp.rows), comp.total, Decimal(1) if comp.total else None]
    )
    table.links.append("")
    doc = Document(
        "composition",
        _("Customer composition (004 客户信息管理制度 第三条1)"),
        _("%(start)s to %(end)s, by %(dimension)s") % {"start": start, "end": end, "dimension": label},
        [table],
        params={"dimension": dimension, "year": year},
    )
    if dimension == "product" and comp.unlined_amount:
        doc.notes.append(
            _("Sales of %(amount)s carry no product lines in the ledger and are not in this table.")
            % {"amount": f"¥{comp.unlined_amount:,.2f}"}
        )
    return doc


# --- ABC, share of our sales, 抓两头放中间 --------------------------------------------------------
def abc_document(customers, *, year: int, today: date, policy, core_tail=None) -> Document:
    start, end = year_span(year, today)
    report = sales.abc_report(customers, start, end, policy)
    summary = Table(
        "abc_summary",
        _("ABC classes"),
        [
            Column(_("Class")),
            Column(_("Customers"), INT),
            Column(_("Sales"), MONEY),
            Column(_("Share"), SHARE),
        ],
        empty=_("No sales in this period."),
    )
    for s in report.summary:
        summary.rows.append([s.klass, s.count, s.amount, s.share])
        summary.links.append(drill(abc=s.klass, year=year) if s.count else "")
    required = report.required_pct
    rows = Table(
        "abc_customers",
        _("Customers by cumulative share of sales"),
        [
            Column(_("Rank"), INT),
            Column(_("Customer")),
            Column(_("File number")),
            Column(_("Sales"), MONEY),
            Column(_("Share of our sales"), SHARE),
            Column(_("Cumulative share"), SHARE),
            Column(_("Class")),
            Column(_("Meets the required share")),
        ],
        empty=_("No sales in this period."),
        link_column=1,
        note=(
            _("Required share of our sales: %(pct)s %%.") % {"pct": required}
            if required is not None
            else _(
                "The company policy sets no required share of our sales (004 客户信息管理制度 第三条3(4))."
            )
        ),
    )
    yes, no = _("Yes"), _("No")
    for r in report.rows:
        meets = "—" if r.meets is None else yes if r.meets else no
        rows.rows.append(
            [r.rank, r.customer.name, r.customer.file_no, r.amount, r.share, r.cumulative, r.klass, meets]
        )
        rows.links.append(reverse("customers:detail", args=[r.customer.pk]))
    doc = Document(
        "abc",
        _("ABC analysis (004 客户信息管理制度 第三条2–3)"),
        _("%(start)s to %(end)s · A %(a)s %%, B %(b)s %%, C the rest")
        % {"start": start, "end": end, "a": report.a_pct, "b": report.b_pct},
        [summary, rows],
        params={"year": year},
    )
    if core_tail is not None:
        doc.tables += core_tail_tables(core_tail)
    doc.data["abc"] = report
    return doc


def tail_reason_label(code: str) -> str:
    return {
        "grade_c": _("Grade C"),
        "overdue": _("Overdue"),
        "grade_fell": _("Grade fallen"),
        "bad_debt": _("Bad debt"),
    }.get(code, code)


def core_tail_tables(ct) -> list[Table]:
    core = Table(
        "core",
        _("Core customers (抓两头: the big ones)"),
        [
            Column(_("Customer")),
            Column(_("File number")),
            Column(_("Average yearly sales"), MONEY),
            Column(_("Years of trade"), RATIO),
            Column(_("Grade")),
        ],
        empty=_("No customer is class A with the years of trade the policy asks."),
    )
    for customer, average, years, grade in ct.core:
        core.rows.append([customer.name, customer.file_no, average, years, grade or "—"])
        core.links.append(reverse("customers:detail", args=[customer.pk]))
    tail = Table(
        "tail",
        _("Tail customers (抓两头: the risky ones)"),
        [
            Column(_("Customer")),
            Column(_("File number")),
            Column(_("Signs")),
            Column(_("Overdue"), MONEY),
            Column(_("Grade")),
        ],
        empty=_("No customer shows a sign of risk."),
        note=_("%(n)s customers in the middle (放中间).") % {"n": ct.middle_count},
    )
    for customer, reasons, overdue, grade in ct.tail:
        tail.rows.append(
            [
                customer.name,
                customer.file_no,
                "、".join(tail_reason_label(r) for r in reasons),
                overdue,
                grade or "—",
            ]
        )
        tail.links.append(reverse("customers:detail", args=[customer.pk]))
    return [core, tail]


# --- Sales analysis (004 第四条) -----------------------------------------------------------------
def sales_document(
    customers, *, year: int, today: date, policy, goal: Decimal | None, stocks: dict, one=None
) -> Document:
    """004 第四条 over `customers`; `one`: the customer when the analysis is of one (第四条1(1) 各客户)."""
    from . import rules

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
            "total": f"¥{seasonal.total:,.2f}",
            "yearly": f"¥{seasonal.yearly_average:,.2f}",
            "monthly": f"¥{seasonal.monthly_average:,.2f}",
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
            % {"amount": f"¥{unlined:,.2f}"}
        )
    doc.data["products"] = products
    return doc


# --- Credit dashboard ---------------------------------------------------------------------------
BAND_ORDER = ("lt50", "50to80", "80to100", "over", "no_limit")


def band_labels() -> dict:
    return {
        "lt50": _("Below 50 %"),
        "50to80": _("50–80 %"),
        "80to100": _("80–100 %"),
        "over": _("Over the limit"),
        "no_limit": _("Exposure without a limit"),
    }


def credit_document(customers, *, on: date, months: int = 12, then: date | None = None) -> Document:
    then = then or date(on.year - 1, on.month, min(on.day, 28))
    dist = credit.grade_distribution(customers)
    grades = Table(
        "grades",
        _("Rating distribution"),
        [Column(_("Grade")), Column(_("Customers"), INT)],
        empty=_("No open customer files."),
    )
    for g in [*[g for g in credit.ALL_GRADES if g in dist or g in credit.GRADES], ""]:
        grades.rows.append([g or _("Not rated"), dist.get(g, 0)])
        grades.links.append(drill(grade=g or "none"))
    mig = credit.migration(customers, then)
    keys = [*mig["grades"], ""]
    migration = Table(
        "migration",
        _("Rating migration since %(then)s") % {"then": then},
        [Column(_("Before → now")), *[Column(k or _("Not rated"), INT) for k in keys]],
    )
    for b in keys:
        migration.rows.append([b or _("Not rated"), *[mig["matrix"][b][a] for a in keys]])
        migration.links.append("")
    util_rows = credit.limits_and_exposure(customers, on)
    bands = Table(
        "utilisation",
        _("Limits against exposure"),
        [
            Column(_("Utilisation")),
            Column(_("Customers"), INT),
            Column(_("Limits"), MONEY),
            Column(_("Exposure"), MONEY),
        ],
        empty=_("No limits and no exposure."),
    )
    labels = band_labels()
    for band in BAND_ORDER:
        mine = [r for r in util_rows if r["band"] == band]
        if not mine:
            continue
        bands.rows.append(
            [
                labels[band],
                len(mine),
                sum((r["limit"] or Decimal(0) for r in mine), Decimal(0)),
                sum((r["exposure"] for r in mine), Decimal(0)),
            ]
        )
        bands.links.append(drill(band=band))
    total_limit = sum((r["limit"] or Decimal(0) for r in util_rows), Decimal(0))
    total_exposure = sum((r["exposure"] for r in util_rows), Decimal(0))
    if util_rows:
        bands.note = _("Limits in force %(limit)s, exposure %(exposure)s, utilisation %(pct)s.") % {
            "limit": f"¥{total_limit:,.2f}",
            "exposure": f"¥{total_exposure:,.2f}",
            "pct": f"{total_exposure / total_limit * 100:.1f} %" if total_limit else "—",
        }
    ageing = Table(
        "ageing", _("Ageing of receivables"), [Column(_("Days overdue")), Column(_("Amount"), MONEY)]
    )
    aged = credit.ageing_by_customer(customers, on)  # one aggregate: ageing, running month, top risks
    for code, amount in credit.ageing_now(customers, on, by_customer=aged):
        ageing.rows.append([_("Not due") if code == "not_due" else code, amount])
        ageing.links.append(drill(overdue="1") if code != "not_due" else "")
    trend_rows = credit.monthly_trend(customers, on, months, current=credit.ageing_total(aged))
    trend = Table(
        "trend",
        _("By month"),
        [
            Column(_("Month")),
            Column(_("Receivables"), MONEY),
            Column(_("Overdue"), MONEY),
            Column(_("Credit sales"), MONEY),
            Column(_("Collections"), MONEY),
            Column(_("Bad debts"), MONEY),
            Column(_("Collection effectiveness"), PERCENT),
        ],
        note=_(
            "Collection effectiveness: (opening receivables + credit sales − closing receivables) ÷ "
            "(opening receivables + credit sales − closing receivables not yet due)."
        ),
    )
    for f in trend_rows:
        trend.rows.append(
            [f.label, f.receivable, f.overdue, f.sales, f.collections, f.bad_debts, f.effectiveness]
        )
        trend.links.append(drill(bad_debt=f.label) if f.bad_debts else "")
    risks = Table(
        "risks",
        _("Top risks: most overdue"),
        [
            Column(_("Customer")),
            Column(_("Grade")),
            Column(_("Overdue"), MONEY),
            Column(_("Exposure"), MONEY),
            Column(_("Limit"), MONEY),
        ],
        empty=_("Nothing overdue."),
    )
    for r in credit.top_risks(
        customers, on, overdue=credit.overdue_by_customer(customers, on, by_customer=aged)
    ):
        risks.rows.append([r["name"], r["grade"] or "—", r["overdue"], r["exposure"], r["limit"]])
        risks.links.append(reverse("customers:detail", args=[r["pk"]]))
    first = date(*credit.last_months(on, months)[0], 1)
    over = credit.over_limit_by_status(customers, first, on)
    olr = Table(
        "over_limit",
        _("Over-limit approvals since %(start)s") % {"start": first},
        [Column(_("Status")), Column(_("Requests"), INT), Column(_("Amount"), MONEY)],
        empty=_("No over-limit requests."),
    )
    for status, r in sorted(over.items()):
        olr.rows.append([r["label"], r["n"], r["amount"]])
        olr.links.append(drill(over_limit=status, since=first.isoformat()))
    doc = Document(
        "credit",
        _("Credit dashboard"),
        _("As of %(on)s") % {"on": on},
        [grades, migration, bands, ageing, trend, risks, olr],
        params={"on": on.isoformat()},
    )
    doc.data["trend"] = trend_rows
    return doc


def chart_data(doc: Document) -> dict:
    """The screen's charts, from the document's own tables (the same figures as the tables)."""

    def series(key: str, label_col: int, value_col: int) -> dict:
        table = next((t for t in doc.tables if t.key == key), None)
        if table is None:
            return {}
        return {
            "title": table.title,
            "labels": [str(r[label_col]) for r in table.rows],
            "values": [float(r[value_col] or 0) for r in table.rows],
            "links": table.links,
        }

    data = {}
    if doc.slug == "credit":
        data["grades"] = {**series("grades", 0, 1), "type": "bar"}
        data["utilisation"] = {**series("utilisation", 0, 1), "type": "bar"}
        data["ageing"] = {**series("ageing", 0, 1), "type": "bar"}
        trend = next(t for t in doc.tables if t.key == "trend")
        data["trend"] = {
            "title": trend.title,
            "type": "lines",
            "labels": [r[0] for r in trend.rows],
            "series": [
                {"name": str(trend.columns[c].label), "values": [float(r[c] or 0) for r in trend.rows]}
                for c in (1, 2, 5)
            ],
            "links": trend.links,
        }
    elif doc.slug == "abc":
        table = next(t for t in doc.tables if t.key == "abc_customers")
        data["pareto"] = {
            "title": _("Pareto chart"),
            "type": "pareto",
            "labels": [str(r[1]) for r in table.rows],
            "values": [float(r[3]) for r in table.rows],
            "cumulative": [round(float(r[5] or 0) * 100, 1) for r in table.rows],
            "links": table.links,
            "names": [_("Sales"), _("Cumulative share")],
        }
    elif doc.slug == "composition":
        table = doc.tables[0]
        data["composition"] = {
            "title": table.title,
            "type": "pie",
            "labels": [str(r[0]) for r in table.rows[:-1]],
            "values": [float(r[2]) for r in table.rows[:-1]],
            "links": table.links[:-1],
        }
    elif doc.slug == "sales":
        table = doc.tables[0]
        if table.rows:
            index_col = len(table.columns) - 3
            data["seasonal"] = {
                "title": table.title,
                "type": "bar",
                "labels": [r[0] for r in table.rows],
                "values": [float(r[index_col]) for r in table.rows],
                "links": [],
            }
    return data


# --- The yearly credit-management analysis (000 合同 4; 001 四) ----------------------------------------
def yearly_document(customers, *, year: int, today: date, policy) -> Document:
    """信用(合同)管理情况分析报告, due before 10 January for the year before (000 合同 4): the credit picture
    at the year's end, the year's sales by class, its months, its bad debts and over-limit approvals."""
    end = min(date(year, 12, 31), today)
    start = date(year, 1, 1)
    months = 12 if end.month == 12 else end.month
    dash = credit_document(customers, on=end, months=months, then=date(year - 1, 12, 31))
    abc = abc_document(customers, year=year, today=today, policy=policy)
    trend = dash.data["trend"]
    total_sales = sales.total_sales(customers, start, end)
    bad = credit.bad_debt_entries(customers, start, end)
    bad_total = sum((e.amount for e in bad), Decimal(0))
    last = trend[-1] if trend else None
    effective = [f.effectiveness for f in trend if f.effectiveness is not None]
    summary = Table(
        "summary",
        _("The year in figures"),
        [Column(_("Figure")), Column(_("Value"))],
    )
    figures = [
        (_("Sales of the year"), f"¥{total_sales:,.2f}"),
        (_("Customers with sales"), str(sum(s.count for s in abc.data["abc"].summary))),
        (_("Receivables at the year end"), f"¥{last.receivable:,.2f}" if last else "—"),
        (_("Overdue at the year end"), f"¥{last.overdue:,.2f}" if last else "—"),
        (_("Bad debts written off"), f"¥{bad_total:,.2f}"),
        (
            _("Average monthly collection effectiveness"),
            f"{sum(effective) / len(effective):.1f} %" if effective else "—",
        ),
    ]
    for label, value in figures:
        summary.rows.append([label, value])
        summary.links.append("")
    bad_table = Table(
        "bad_debts",
        _("Bad debts written off"),
        [Column(_("Date")), Column(_("Customer")), Column(_("Amount"), MONEY)],
        empty=_("No bad debt written off in the year."),
    )
    for e in bad.order_by("entry_on", "pk"):
        bad_table.rows.append([e.entry_on.isoformat(), e.customer.name, e.amount])
        bad_table.links.append(reverse("customers:detail", args=[e.customer_id]))
    keep = {"grades", "migration", "utilisation", "ageing", "trend", "risks", "over_limit"}
    tables = [summary] + [t for t in dash.tables if t.key in keep] + [abc.tables[0], bad_table]
    return Document(
        "yearly",
        _("Credit-management analysis report %(year)s") % {"year": year},
        _("%(start)s to %(end)s · due before 10 January (000 合同 4)") % {"start": start, "end": end},
        tables,
        notes=[
            _("Figures from the live data as of %(today)s; the customers are those the author sees.")
            % {"today": today}
        ],
        params={"year": year},
    )

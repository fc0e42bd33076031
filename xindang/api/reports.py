"""API router: the analyses and the credit dashboard (read only), over the files the user sees
(customers.selectors.visible_customers), with the screens' permissions (reports.permissions): the
composition, ABC and 抓两头放中间 and the seasonal index need the sales analyses, the dashboard the
credit dashboard. The long lists (ABC, the two ends) are paginated. Exports stay on the screens,
which ask the purpose and audit the export."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xindang.customers.permissions import get_customer_for_user
from xindang.customers.selectors import visible_customers
from xindang.policy.selectors import current_policy
from xindang.reports import rules
from xindang.reports.permissions import ReportPermission
from xindang.reports.selectors import credit, ranking, sales, snapshot
from xindang.reports.tables import each

from .pagination import Pages
from .permissions import require

router = Router()

Year = Field(None, ge=1990, le=2999, description="calendar year (default: the current one)")


class YearParams(Schema):
    year: int | None = Year


# --- Composition ----------------------------------------------------------------------------------
class CompositionParams(Schema):
    dimension: str = Field("industry", description="industry, nature, region, enterprise_type, tier, product")
    year: int | None = Year


class CompositionRowOut(Schema):
    key: str
    label: str
    amount: Decimal
    share: Decimal | None = Field(None, description="of the total, 0–1")
    customers: int


class CompositionOut(Schema):
    dimension: str
    year: int
    start: date
    end: date
    total: Decimal
    unlined_amount: Decimal = Field(description="product dimension: sales that carry no product lines")
    rows: list[CompositionRowOut]


def _span(year: int | None, today: date) -> tuple[int, date, date]:
    year = year or today.year
    return year, date(year, 1, 1), min(date(year, 12, 31), today)


@router.get("/composition", response=CompositionOut, summary="Composition of customers and sales")
def composition(request, params: Query[CompositionParams]):
    """Sales and customers by a classification of the file or by product (004 客户信息管理制度 第三条1;
    003 篇五 第四条3)."""
    require(request, ReportPermission.VIEW_SALES)
    today = timezone.localdate()
    dimension = params.dimension if params.dimension in sales.DIMENSIONS else "industry"
    year, start, end = _span(params.year, today)
    comp = sales.composition(visible_customers(request.user), dimension, start, end)
    return {
        "dimension": dimension,
        "year": year,
        "start": start,
        "end": end,
        "total": comp.total,
        "unlined_amount": comp.unlined_amount,
        "rows": [
            {"key": r.key, "label": r.label, "amount": r.amount, "share": r.share, "customers": r.customers}
            for r in comp.rows
        ],
    }


# --- ABC ----------------------------------------------------------------------------------------
class AbcRowOut(Schema):
    rank: int
    customer_id: int
    name: str
    file_no: str
    amount: Decimal
    share: Decimal | None
    cumulative: Decimal | None
    klass: str = Field(description="A, B or C")
    meets_required_share: bool | None


class AbcClassOut(Schema):
    klass: str
    customers: int
    amount: Decimal
    share: Decimal | None


class AbcSummaryOut(Schema):
    year: int
    start: date
    end: date
    total: Decimal
    a_pct: Decimal
    b_pct: Decimal
    required_pct: Decimal | None
    classes: list[AbcClassOut]


def _abc(request, year: int | None):
    """The page's analysis: the daily run's stored ranking when there is one, else the live one."""
    require(request, ReportPermission.VIEW_SALES)
    today = timezone.localdate()
    year = year or today.year
    return year, ranking.abc_of_year(visible_customers(request.user), year, today, current_policy())


@router.get("/abc", response=list[AbcRowOut], summary="ABC: customers by cumulative sales share")
@paginate(Pages)
def abc(request, params: Query[YearParams]):
    """The customers with sales in the year, largest first, with their share, the cumulative share and
    their class at the policy's cut-offs (004 客户信息管理制度 第三条2–3)."""
    _year, report = _abc(request, params.year)
    return each(  # a stored ranking is read a page at a time (tables.LazyRows)
        report.rows,
        lambda r: {
            "rank": r.rank,
            "customer_id": r.customer.pk,
            "name": r.customer.name,
            "file_no": r.customer.file_no or "",
            "amount": r.amount,
            "share": r.share,
            "cumulative": r.cumulative,
            "klass": r.klass,
            "meets_required_share": r.meets,
        },
    )


@router.get("/abc/summary", response=AbcSummaryOut, summary="ABC: the classes (Pareto table)")
def abc_summary(request, params: Query[YearParams]):
    year, report = _abc(request, params.year)
    return {
        "year": year,
        "start": report.start,
        "end": report.end,
        "total": report.total,
        "a_pct": report.a_pct,
        "b_pct": report.b_pct,
        "required_pct": report.required_pct,
        "classes": [
            {"klass": s.klass, "customers": s.count, "amount": s.amount, "share": s.share}
            for s in report.summary
        ],
    }


# --- 抓两头放中间 ----------------------------------------------------------------------------------
class CoreOut(Schema):
    customer_id: int
    name: str
    file_no: str
    average_yearly: Decimal
    years: Decimal
    grade: str | None


class TailOut(Schema):
    customer_id: int
    name: str
    file_no: str
    reasons: list[str] = Field(description="grade_c, overdue, grade_fell, bad_debt")
    overdue: Decimal
    grade: str | None


def _two_ends(request, year: int | None):
    """The page's two ends: the daily run's stored ranking when there is one, else the live ones."""
    require(request, ReportPermission.VIEW_SALES)
    today = timezone.localdate()
    ct, _marker = ranking.two_ends(
        visible_customers(request.user), year=year or today.year, today=today, policy=current_policy()
    )
    return ct


@router.get("/core-customers", response=list[CoreOut], summary="抓两头放中间: the core customers")
@paginate(Pages)
def core_customers(request, params: Query[YearParams]):
    """Class A by average yearly trade over the policy's years, of the policy's length of relationship
    (001 抓两头放中间), largest first."""
    ct = _two_ends(request, params.year)
    return each(
        ct.core,
        lambda row: {
            "customer_id": row[0].pk,
            "name": row[0].name,
            "file_no": row[0].file_no or "",
            "average_yearly": row[1],
            "years": row[2],
            "grade": row[3],
        },
    )


@router.get("/tail-customers", response=list[TailOut], summary="抓两头放中间: the tail")
@paginate(Pages)
def tail_customers(request, params: Query[YearParams]):
    """Customers with a sign of risk (grade C, overdue, grade fallen in a year, a write-off; 001)."""
    ct = _two_ends(request, params.year)
    return each(
        ct.tail,
        lambda row: {
            "customer_id": row[0].pk,
            "name": row[0].name,
            "file_no": row[0].file_no or "",
            "reasons": list(row[1]),
            "overdue": row[2],
            "grade": row[3],
        },
    )


# --- Seasonal index -------------------------------------------------------------------------------
class SeasonalParams(Schema):
    year: int | None = Field(None, ge=1990, le=2999, description="the last year read (default: last year)")
    goal: Decimal | None = Field(
        None, ge=0, lt=Decimal("1e15"), max_digits=17, decimal_places=2, description="a yearly sales goal"
    )
    customer: int | None = Field(None, ge=1, le=2**63 - 1, description="one customer's seasons")


class YearSalesOut(Schema):
    year: int
    months: list[Decimal]


class SeasonalOut(Schema):
    first_year: int
    last_year: int
    customer_id: int | None
    sales: list[YearSalesOut]
    total: Decimal | None
    yearly_average: Decimal | None
    monthly_average: Decimal | None
    month_averages: list[Decimal] | None
    index: list[Decimal] | None = Field(description="seasonal index per month, percent")
    composition: list[Decimal] | None = Field(description="each month's share of the year, percent")
    targets: list[Decimal] | None = Field(description="the monthly targets of the goal")


@router.get("/seasonal", response=SeasonalOut, summary="Seasonal index and monthly targets")
def seasonal(request, params: Query[SeasonalParams]):
    """004 客户信息管理制度 第四条1 over the policy's years ending with `year`, for the files the user sees
    or one of them (`customer`: another department's file is refused as its file is, 404 audited)."""
    require(request, ReportPermission.VIEW_SALES)
    customers = visible_customers(request.user)
    if params.customer:
        customers = customers.filter(
            pk=get_customer_for_user(request.user, params.customer, request=request).pk
        )
    last = params.year or timezone.localdate().year - 1
    years = current_policy().reports.seasonal_years
    monthly = sales.seasonal_input(customers, last_year=last, years=years)
    s = rules.seasonal_index(monthly)
    return {
        "first_year": last - years + 1,
        "last_year": last,
        "customer_id": params.customer,
        "sales": [{"year": y, "months": monthly[y]} for y in sorted(monthly)],
        "total": s.total if s else None,
        "yearly_average": s.yearly_average if s else None,
        "monthly_average": s.monthly_average if s else None,
        "month_averages": s.month_averages if s else None,
        "index": s.index if s else None,
        "composition": s.composition if s else None,
        "targets": rules.monthly_targets(s, params.goal) if s and params.goal else None,
    }


# --- Credit dashboard -------------------------------------------------------------------------------
class GradeCountOut(Schema):
    grade: str = Field(description='"" for no grade in force')
    customers: int


class MigrationOut(Schema):
    since: date
    grades: list[str]
    matrix: dict[str, dict[str, int]] = Field(description='before → now → customers ("": not rated)')


class BandOut(Schema):
    band: str
    customers: int
    limits: Decimal
    exposure: Decimal


class BucketOut(Schema):
    bucket: str
    amount: Decimal


class MonthOut(Schema):
    month: str
    receivable: Decimal
    overdue: Decimal
    sales: Decimal
    collections: Decimal
    bad_debts: Decimal
    collection_effectiveness: Decimal | None


class RiskOut(Schema):
    customer_id: int
    name: str
    grade: str
    overdue: Decimal
    limit: Decimal | None
    exposure: Decimal


class OverLimitOut(Schema):
    status: str
    label: str
    requests: int
    amount: Decimal


class DashboardOut(Schema):
    on: date
    grades: list[GradeCountOut]
    migration: MigrationOut
    utilisation: list[BandOut]
    ageing: list[BucketOut]
    trend: list[MonthOut]
    top_risks: list[RiskOut]
    over_limit: list[OverLimitOut]


BANDS = ("lt50", "50to80", "80to100", "over", "no_limit")


@router.get("/dashboard", response=DashboardOut, summary="The credit dashboard's panels")
def dashboard(request):
    """Rating distribution and migration over a year, limits against exposure, ageing now, the twelve
    months' receivables, overdue, sales, collections and bad debts, the most overdue files and the
    over-limit requests of the last twelve months — the figures of the dashboard screen."""
    require(request, ReportPermission.VIEW_CREDIT)
    snap = snapshot.for_dashboard(timezone.localdate())  # as the screen: the daily run's snapshot
    on = snap.on if snap else timezone.localdate()
    then = snapshot.year_before(on)
    customers = visible_customers(request.user)
    since = date(on.year - 1, on.month, 1)
    codes = snapshot.bucket_codes()
    if snap:
        dist = snapshot.grade_distribution(customers)
        mig = credit.migration_of(snapshot.migration_pairs(customers))
        by_band = snapshot.bands(customers)[0]
        total = snapshot.ageing_total(customers, len(codes))
        risks = snapshot.top_risks(customers)
    else:
        dist = credit.grade_distribution(customers)
        mig = credit.migration(customers, then)
        by_band = credit.bands(customers, on)[0]
        aged = credit.ageing_by_customer(customers, on)  # one aggregate: ageing, running month, risks
        total = credit.ageing_total(aged)
        risks = credit.top_risks(
            customers, on, overdue=credit.overdue_by_customer(customers, on, by_customer=aged)
        )
    keys = [*mig["grades"], ""]
    return {
        "on": on,
        "grades": [{"grade": g, "customers": n} for g, n in sorted(dist.items())],
        "migration": {
            "since": then,
            "grades": mig["grades"],
            "matrix": {b: {a: mig["matrix"][b][a] for a in keys} for b in keys},
        },
        "utilisation": [
            {
                "band": band,
                "customers": by_band[band][0],
                "limits": by_band[band][1],
                "exposure": by_band[band][2],
            }
            for band in BANDS
            if band in by_band
        ],
        "ageing": [{"bucket": code, "amount": amount} for code, amount in zip(codes, total, strict=True)],
        "trend": [
            {
                "month": f.label,
                "receivable": f.receivable,
                "overdue": f.overdue,
                "sales": f.sales,
                "collections": f.collections,
                "bad_debts": f.bad_debts,
                "collection_effectiveness": f.effectiveness,
            }
            for f in credit.monthly_trend(customers, on, current=total)
        ],
        "top_risks": [
            {
                "customer_id": r["pk"],
                "name": r["name"],
                "grade": r["grade"],
                "overdue": r["overdue"],
                "limit": r["limit"],
                "exposure": r["exposure"],
            }
            for r in risks
        ],
        "over_limit": [
            {"status": status, "label": r["label"], "requests": r["n"], "amount": r["amount"]}
            for status, r in sorted(credit.over_limit_by_status(customers, since, on).items())
        ],
    }

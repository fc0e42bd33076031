"""The analyses read the other apps; the unmanaged Analysis only carries the app's permissions (a
Django permission needs a content type). MonthlyFact (figures of closed months) and CreditSnapshot
(each customer's ageing, limit and grade as of the daily run) are precomputed from the ledger by the
daily run (caches that can always be rebuilt); ExportJob keeps the long exports."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Analysis(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("analysis")
        verbose_name_plural = _("analyses")
        permissions = [
            ("view_sales_analysis", _("Can view the customer and sales analyses")),
            ("view_credit_dashboard", _("Can view the credit dashboard")),
            ("view_yearly_report", _("Can view the yearly credit-management report")),
            ("export_analysis", _("Can export analyses")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


def _department():
    """A department's sums (customer NULL): its files' rows summed, the files being those of the
    department in the credit snapshot (CreditSnapshot.department), so that a department manager's
    figures are a few rows too; kept by every refresh that writes the files' rows."""
    return models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )


class MonthlyFact(models.Model):
    """One closed month's credit figures of one customer (customer NULL: the whole company, or with a
    department that department's files), stored by the daily run (services.refresh_monthly_facts) so
    that the dashboard's month-by-month trend is a sum over a few rows instead of an ageing of the
    whole ledger per month. The running month is never stored: it is computed live. Rows whose figures
    are all zero are not stored for customers; the company row of a month is always stored (it marks
    the month as refreshed), and so is each department's while there is a credit snapshot."""

    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = _department()
    month = models.DateField()  # the first day of the month
    receivable = models.DecimalField(max_digits=18, decimal_places=2, default=0)  # open at month end
    current = models.DecimalField(max_digits=18, decimal_places=2, default=0)  # of which not yet due
    sales = models.DecimalField(max_digits=18, decimal_places=2, default=0)  # credit sales in the month
    collections = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    bad_debts = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    computed_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        verbose_name = _("monthly credit fact")
        verbose_name_plural = _("monthly credit facts")
        constraints = [
            models.UniqueConstraint(fields=["customer", "month"], name="reports_fact_customer_month"),
            models.UniqueConstraint(
                fields=["month"],
                condition=models.Q(customer__isnull=True, department__isnull=True),
                name="reports_fact_company_month",
            ),
            models.UniqueConstraint(
                fields=["department", "month"],
                condition=models.Q(customer__isnull=True, department__isnull=False),
                name="reports_fact_department_month",
            ),
        ]
        indexes = [models.Index(fields=["month", "customer"], name="reports_fact_month_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id or self.department_id or '*'} {self.month:%Y-%m}"


MAX_BUCKETS = 14  # the collection policy allows up to 12 bounds: not due, 12 ranges and the last


def _amount():
    return models.DecimalField(max_digits=18, decimal_places=2, default=0)


class SnapshotFigures(models.Model):
    """A customer's credit figures as of one day (the fields of CreditSnapshot and YearEndSnapshot)."""

    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on = models.DateField()  # the day the figures are of
    is_open = models.BooleanField(default=True)  # prospective, active or suspended (not "past")
    grade = models.CharField(max_length=8, blank=True)  # in force on `on`
    grade_year_ago = models.CharField(max_length=8, blank=True)  # in force a year before `on`
    # in force at the end of the year before `on`'s (the yearly report's migration over the year)
    grade_year_end = models.CharField(max_length=8, blank=True)
    a0 = _amount()
    a1 = _amount()
    a2 = _amount()
    a3 = _amount()
    a4 = _amount()
    a5 = _amount()
    a6 = _amount()
    a7 = _amount()
    a8 = _amount()
    a9 = _amount()
    a10 = _amount()
    a11 = _amount()
    a12 = _amount()
    a13 = _amount()
    overdue = models.DecimalField(max_digits=18, decimal_places=2, default=0)  # a1 + a2 + …
    in_limits = models.BooleanField(default=False)  # a limit in force or an exposure above zero
    limit = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    exposure = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    band = models.CharField(max_length=10, blank=True)  # rules.utilisation_band
    buckets = models.CharField(max_length=100, blank=True)  # marker row: the policy's bucket bounds
    # marker row: the company's sums (snapshot.TOTALS), and each department's under "departments"
    totals = models.JSONField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.customer_id or '*'} {self.on}"

    def amounts(self, n: int) -> list:
        return [getattr(self, f"a{i}") for i in range(n)]


class CreditSnapshot(SnapshotFigures):
    """What the credit dashboard shows of each customer as of one day, stored by the daily run
    (services.refresh_credit_snapshot) so that the dashboard, the workbench panel and the tail of the
    ABC analysis sum a few columns instead of ageing the whole ledger on every request: the amounts per
    ageing bucket of the policy (a0 = not yet due), the limit in force, the exposure and its band, the
    grade now, a year before and at the end of last year, the file's department (the departments'
    stored sums are of these files).
    One row per customer (every file, with or without figures) and a marker row (customer NULL) saying
    which day and which ageing buckets the rows are of; only the latest day is kept (a cache that can
    always be rebuilt)."""

    customer = models.OneToOneField(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        related_query_name="credit_snapshot",  # the departments' sums join their files' rows to it
    )

    class Meta:
        default_permissions = ()
        verbose_name = _("credit snapshot")
        verbose_name_plural = _("credit snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["on"], condition=models.Q(customer__isnull=True), name="reports_snapshot_marker"
            ),
        ]
        indexes = [
            models.Index(fields=["-overdue", "customer"], name="reports_snapshot_overdue"),
            models.Index(fields=["department", "customer"], name="reports_snapshot_department"),
        ]


class YearEndSnapshot(SnapshotFigures):
    """CreditSnapshot's figures as of the end of last year (the yearly report of the year just ended,
    000 合同 4), stored by the daily run (services.refresh_year_end_snapshot) from the live data as it is
    that day — entries posted late with a December date are taken in by the next run. One row per
    customer and a marker row (customer NULL) for that one day; replaced whole at each run."""

    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        default_permissions = ()
        verbose_name = _("year-end credit snapshot")
        verbose_name_plural = _("year-end credit snapshots")
        constraints = [
            models.UniqueConstraint(fields=["customer", "on"], name="reports_year_end_customer"),
            models.UniqueConstraint(
                fields=["on"], condition=models.Q(customer__isnull=True), name="reports_year_end_marker"
            ),
        ]
        indexes = [
            models.Index(fields=["on", "-overdue", "customer"], name="reports_year_end_overdue"),
            models.Index(fields=["on", "department", "customer"], name="reports_year_end_department"),
        ]


class ExportJob(models.Model):
    """A long export run by the task worker (services.start_export): the user waits on its status page,
        not on the request. The file is kept in the storage for the policy's `export_file_days` (reports
    section), then deleted by `manage.py prune_working_files` (core.working_files); the job stays."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=40)
    query = models.TextField(blank=True)
    fmt = models.CharField(max_length=8)
    purpose = models.CharField(max_length=255)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=20, blank=True)  # building, writing
    stored_name = models.CharField(max_length=300, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-created_at"]
        verbose_name = _("analysis export")
        verbose_name_plural = _("analysis exports")

    def __str__(self) -> str:
        return f"{self.slug}.{self.fmt} ({self.status})"


class AbcRank(models.Model):
    """One customer's place in a ranking the daily run stores (services.refresh_abc_ranking), so that
    the ABC analysis and its two ends read a page of rows in order instead of ranking every customer
    on each request:

    - kind "sales": the ABC analysis of a calendar year (004 客户信息管理制度 第三条2–3) — the year's
      sales to `on`, the rank, share, cumulative share and class among every customer with sales;
    - kind "core": 抓两头放中间 (001) as of `on` — the average yearly trade over the policy's years, its
      rank and class, the days of trade, and the signs of risk (the tail) of every customer with a
      trade in those years, a grade, an overdue amount or a write-off.

    A marker row (customer NULL) per kind and year says as of when and with which policy cut-offs the
    rows were ranked; a ranking of other cut-offs is not read. Each department's files (those the
    credit snapshot gives it) are ranked among themselves too: rows and a marker with the department
    set, which a department manager reads the same way. A cache that can always be rebuilt."""

    class Kind(models.TextChoices):
        SALES = "sales", _("Sales of a year")
        CORE = "core", _("Core and tail")

    kind = models.CharField(max_length=5, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()  # sales: the calendar year; core: the year of `on`
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = _department()  # ranked among the department's files; NULL: among every file
    on = models.DateField()  # the figures are of this day
    rank = models.PositiveIntegerField(null=True, blank=True)  # 1 = largest; NULL: no average (core)
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    share = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    cumulative = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    klass = models.CharField(max_length=1, blank=True)
    days_of_trade = models.IntegerField(null=True, blank=True)  # core: since the first entry
    grade = models.CharField(max_length=8, blank=True)  # core: the grade in force on `on`
    overdue = models.DecimalField(max_digits=18, decimal_places=2, default=0)  # core
    reasons = models.CharField(max_length=60, blank=True)  # core: the tail's signs, comma-separated
    signs = models.PositiveSmallIntegerField(default=0)  # core: how many signs
    params = models.CharField(max_length=100, blank=True)  # marker row: the policy's cut-offs
    computed_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        verbose_name = _("stored ABC ranking")
        verbose_name_plural = _("stored ABC rankings")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "customer"],
                condition=models.Q(department__isnull=True),
                name="reports_abcrank_customer",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "department", "customer"],
                condition=models.Q(department__isnull=False),
                name="reports_abcrank_department_customer",
            ),
            models.UniqueConstraint(
                fields=["kind", "year"],
                condition=models.Q(customer__isnull=True, department__isnull=True),
                name="reports_abcrank_marker",
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "department"],
                condition=models.Q(customer__isnull=True, department__isnull=False),
                name="reports_abcrank_department_marker",
            ),
        ]
        indexes = [
            # the company's ranking in its order: a condition "department IS NULL" does not let
            # PostgreSQL read an index on (…, department, rank) in rank order
            models.Index(
                fields=["kind", "year", "rank"],
                condition=models.Q(department__isnull=True),
                name="reports_abcrank_rank",
            ),
            models.Index(fields=["kind", "year", "department", "rank"], name="reports_abcrank_dept_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} {self.customer_id or '*'}"


class SalesFact(models.Model):
    """One closed month's sales of one customer as the analyses count them (selectors.sales: shipments
    and invoices — an invoice billing a shipment once — less returns, each net of its reversal) and how
    many sales entries made them (customer NULL: the whole company, a row that also marks the month as
    stored). Stored by the daily run (services.refresh_sales_facts) for the years the seasonal index
    reads and the current one, so that the composition and the seasonal index sum these rows instead of
    the ledger; the running month is computed live. Each department's sums are stored too (customer
    NULL, the department set) while there is a credit snapshot. A cache that can always be rebuilt."""

    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = _department()
    month = models.DateField()  # the first day of the month
    sales = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    entries = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        verbose_name = _("monthly sales fact")
        verbose_name_plural = _("monthly sales facts")
        constraints = [
            models.UniqueConstraint(fields=["customer", "month"], name="reports_salesfact_customer_month"),
            models.UniqueConstraint(
                fields=["month"],
                condition=models.Q(customer__isnull=True, department__isnull=True),
                name="reports_salesfact_company",
            ),
            models.UniqueConstraint(
                fields=["department", "month"],
                condition=models.Q(customer__isnull=True, department__isnull=False),
                name="reports_salesfact_department",
            ),
        ]
        indexes = [models.Index(fields=["month", "customer"], name="reports_salesfact_month")]

    def __str__(self) -> str:
        return f"{self.customer_id or self.department_id or '*'} {self.month:%Y-%m}"


class SalesYear(models.Model):
    """One customer's sales of one year's stored months (SalesFact summed: every month of a closed
    year, or the closed months of the running one — January to `months`), stored with the monthly
    sales facts (services.refresh_sales_facts), so that the composition of a year and the largest
    customers of the seasonal years read one row per customer and year instead of twelve. The row
    with customer NULL holds the company's sum and marks the year as stored. A cache that can always
    be rebuilt."""

    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    months = models.PositiveSmallIntegerField()  # January to this month of the year are in the sum
    sales = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    entries = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        verbose_name = _("yearly sales fact")
        verbose_name_plural = _("yearly sales facts")
        constraints = [
            models.UniqueConstraint(fields=["customer", "year"], name="reports_salesyear_customer"),
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(customer__isnull=True), name="reports_salesyear_company"
            ),
        ]
        indexes = [models.Index(fields=["year", "customer"], name="reports_salesyear_year")]

    def __str__(self) -> str:
        return f"{self.customer_id or '*'} {self.year} (1–{self.months})"

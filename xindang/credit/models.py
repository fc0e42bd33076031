"""Investigations (资信调查, 客户信用调查评定表; seed 002 第七–十二条) and ratings (信用等级评定,
第十三–二十条). A rating keeps the grade computed by the rules, the grade decided, its reasons and the
facts used, the policy version and its approval; the history stays on the file."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xindang.customers.models import Customer

from . import rules

MONEY = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}


class Grade(models.TextChoices):
    A = rules.A, _("A")
    B = rules.B, _("B")
    C = rules.C, _("C")
    JIA = rules.JIA, _("甲")
    YI = rules.YI, _("乙")
    BING = rules.BING, _("丙")


class Scheme(models.TextChoices):
    ABC = "abc", _("A/B/C")
    JYB = "jyb", _("甲/乙/丙")


class Source(models.TextChoices):
    """Where the information came from (002 第九条)."""

    COOPERATION = "cooperation", _("From the customer (documents requested)")
    OBSERVATION = "observation", _("Contact with and observation of the customer")
    AUTHORITIES = "authorities", _("Market regulator, tax office, banks, intermediaries")
    ARCHIVE = "archive", _("Our customer file and trade records")
    AGENCY = "agency", _("Investigation agency")
    OTHER = "other", _("Other")


class InvestigationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    REVIEWED = "reviewed", _("Reviewed")


class Investigation(models.Model):
    """One investigation of a customer on a date: the 客户信用调查评定表."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="investigations"
    )
    investigated_on = models.DateField(_("investigated on"))
    status = models.CharField(
        _("status"), max_length=10, choices=InvestigationStatus.choices, default=InvestigationStatus.DRAFT
    )
    # The eight items of 002 第八条
    basic_info = models.TextField(_("1. Basic information"), blank=True)
    shareholders = models.TextField(_("2. Main shareholders, legal representative and managers"), blank=True)
    bank_accounts = models.TextField(_("3. Main settlement bank accounts"), blank=True)
    operations = models.TextField(_("4. Business operations"), blank=True)
    financial_notes = models.TextField(_("5. Financial situation"), blank=True)
    trade_history = models.TextField(_("6. Our trade with the customer"), blank=True)
    credit_record = models.TextField(_("7. Business credit record"), blank=True)
    other_matters = models.TextField(_("8. Other matters"), blank=True)
    # 002 第九条
    sources = models.JSONField(_("sources used"), default=list, blank=True)
    sources_other = models.CharField(_("other sources"), max_length=200, blank=True)
    # For 甲/乙/丙 (004 客户信息管理制度 第九条)
    employee_count = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    is_wholesaler = models.BooleanField(_("intermediate wholesaler"), default=False)
    cooperation_since = models.DateField(
        _("trading with us since"),
        null=True,
        blank=True,
        help_text=_("Used when the trade ledger has no history of this customer."),
    )
    yearly_collections_amount = models.DecimalField(
        _("yearly collections from the customer (yuan)"),
        help_text=_("Used when the trade ledger has no history of this customer."),
        **MONEY,
    )
    yearly_shipments_amount = models.DecimalField(
        _("yearly shipments to the customer (yuan)"),
        help_text=_("Used when the trade ledger has no history of this customer."),
        **MONEY,
    )
    # The credit report's further items (001 客户档案专题 客户档案的内容 2 客户资信调查报告; 002 第九条 渠道)
    bank_credit = models.TextField(
        _("Bank credit"),
        blank=True,
        help_text=_("The customer's standing with its banks, not only the accounts."),
    )
    site_visit = models.TextField(_("Site visit findings"), blank=True)
    public_records_court = models.TextField(_("Public records: courts (lawsuits, enforcement)"), blank=True)
    public_records_tax = models.TextField(_("Public records: tax"), blank=True)
    public_records_penalties = models.TextField(_("Public records: administrative penalties"), blank=True)
    media = models.TextField(_("Media reports and comments"), blank=True)
    # 授信建议: the investigator's credit proposal
    credit_proposal = models.TextField(_("Credit proposal"), blank=True)
    proposed_limit_amount = models.DecimalField(_("proposed credit limit (yuan)"), **MONEY)
    proposed_term_days = models.PositiveIntegerField(_("proposed payment term (days)"), null=True, blank=True)
    # Findings (yes/no), 002 第十五–十六条
    lawful_and_kept_promises = models.BooleanField(
        _("operates lawfully, keeps contracts and promises"), default=False
    )
    operations_good = models.BooleanField(_("operations good in each of the last two years"), default=False)
    bad_debt = models.BooleanField(_("bad debt with us in the last two years"), default=False)
    undelivered_goods = models.BooleanField(
        _("goods owed to us (undelivered) in the last two years"), default=False
    )
    serious_breach = models.BooleanField(_("other serious breach in the last two years"), default=False)
    broken_promises = models.BooleanField(_("often breaks promises"), default=False)
    broken_promises_count = models.PositiveIntegerField(_("broken promises (count)"), default=0)
    debt_disputes = models.BooleanField(_("bad debt disputes"), default=False)
    asset_transfers = models.BooleanField(_("serious transfer of assets"), default=False)
    weak_capital = models.BooleanField(_("weak capital, poor solvency"), default=False)
    losses = models.BooleanField(_("serious losses"), default=False)
    falling_turnover = models.BooleanField(_("turnover falling for months"), default=False)
    falling_turnover_months = models.PositiveIntegerField(_("months of falling turnover"), default=0)
    sales_decline = models.BooleanField(_("production or sales in serious continuous decline"), default=False)
    unfair_conduct = models.BooleanField(_("unfair conduct"), default=False)
    illegal_operation = models.BooleanField(_("serious illegal operation"), default=False)
    ordered_to_stop = models.BooleanField(_("ordered by an authority to stop or rectify"), default=False)
    freeze_risk = models.BooleanField(_("bank accounts at risk of seizure or freezing"), default=False)
    past_credit_problems = models.BooleanField(_("credit problems in the past"), default=False)
    conclusion = models.TextField(_("conclusion"), blank=True)
    # 第十条: the author answers for the truth of the form; 第十一条: another person reviews it
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filled in by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_notes = models.TextField(_("review notes"), blank=True)
    # 002 第十条: 财务部门备案 — the finance department files the reviewed form
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by (finance department)"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    contradictions = models.JSONField(_("contradictions seen at review"), default=list, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        ordering = ["-investigated_on", "-id"]
        permissions = [
            ("review_investigation", _("Can review investigations")),
            ("file_investigation", _("Can file investigations (finance department)")),
            ("export_credit", _("Can export the credit list")),
        ]
        indexes = [
            models.Index(fields=["customer", "status", "valid_until"], name="credit_inv_cust_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InvestigationStatus.values), name="credit_investigation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=InvestigationStatus.DRAFT) | Q(signed_by__isnull=False),
                name="credit_investigation_signed_has_signer",
            ),
            models.CheckConstraint(
                condition=~Q(status=InvestigationStatus.REVIEWED) | Q(reviewed_by__isnull=False),
                name="credit_investigation_reviewed_has_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer.name} · {self.investigated_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("credit:investigation", args=[self.pk])


class InvestigationYear(models.Model):
    """One year of the investigation's financial figures (002 第八条5)."""

    investigation = models.ForeignKey(
        Investigation, verbose_name=_("investigation"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveIntegerField(_("year"))
    revenue_amount = models.DecimalField(_("revenue"), **MONEY)
    profit_amount = models.DecimalField(_("net profit"), **MONEY)
    total_assets_amount = models.DecimalField(_("total assets"), **MONEY)
    liabilities_amount = models.DecimalField(_("liabilities"), **MONEY)
    equity_amount = models.DecimalField(_("equity"), **MONEY)
    cash_flow_amount = models.DecimalField(_("operating cash flow"), **MONEY)

    class Meta:
        verbose_name = _("financial year")
        verbose_name_plural = _("financial years")
        ordering = ["investigation", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["investigation", "year"], name="credit_investigation_year_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def figures(self) -> rules.YearFigures:
        return rules.YearFigures(
            year=self.year,
            revenue=self.revenue_amount,
            profit=self.profit_amount,
            total_assets=self.total_assets_amount,
            liabilities=self.liabilities_amount,
            equity=self.equity_amount,
            cash_flow=self.cash_flow_amount,
        )


class RatingStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_RATING_STATUSES = (RatingStatus.PROPOSED, RatingStatus.PENDING)


class Rating(models.Model):
    """A credit grade of a customer: computed by the rules, possibly overridden with a written reason,
    and in force once approved (002 第十九条)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="ratings"
    )
    scheme = models.CharField(_("scheme"), max_length=3, choices=Scheme.choices, default=Scheme.ABC)
    grade = models.CharField(_("grade"), max_length=4, choices=Grade.choices)
    computed_grade = models.CharField(_("computed grade"), max_length=4, choices=Grade.choices)
    is_override = models.BooleanField(_("override"), default=False)
    override_reason = models.TextField(_("reason for the override"), blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    facts = models.JSONField(_("facts used"), default=dict, blank=True)
    investigation = models.ForeignKey(
        Investigation,
        verbose_name=_("investigation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    policy_version_ref = models.ForeignKey(
        "policy.PolicyVersion",
        verbose_name=_("policy version record"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RatingStatus.choices, default=RatingStatus.PROPOSED
    )
    approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    # 002 第十九条: 会同经办业务员 — the salesperson in charge takes part in the classification
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson in charge"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    salesperson_agrees = models.BooleanField(_("salesperson agrees"), null=True, blank=True)
    salesperson_opinion = models.TextField(_("salesperson's opinion"), blank=True)
    salesperson_signed_at = models.DateTimeField(_("salesperson signed at"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    effective_at = models.DateTimeField(_("effective from"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-proposed_at", "-id"]
        permissions = [
            ("propose_rating", _("Can propose ratings")),
            ("override_rating", _("Can override the computed grade")),
        ]
        indexes = [
            models.Index(fields=["customer", "status", "effective_at"], name="credit_rating_cust_status_idx"),
            models.Index(fields=["status", "grade"], name="credit_rating_status_grade_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="credit_rating_grade_valid"),
            models.CheckConstraint(
                condition=Q(status__in=RatingStatus.values), name="credit_rating_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(is_override=False) | ~Q(override_reason=""),
                name="credit_rating_override_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(is_override=True) | Q(grade=models.F("computed_grade")),
                name="credit_rating_grade_is_computed_unless_override",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer.name} · {self.get_grade_display()}"

    def get_absolute_url(self) -> str:
        return reverse("credit:rating", args=[self.pk])

"""The customer file itself (客户档案): its tags, its fields and its status history."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xindang.accounts.models import Department
from xindang.core.fields import MoneyField

from ..choices import (
    INDUSTRY_CHOICES,
    PROVINCE_CHOICES,
    Currency,
    EnterpriseType,
    Importance,
    Nature,
    NoticeChannel,
    Onboarding,
    Relationship,
    Stage,
    Status,
    Tier,
    industry_label,
    province_label,
)
from ..validators import validate_credit_code, validate_postal_code

STAGE_OF_STATUS = {
    Status.PROSPECTIVE: Stage.PROSPECTIVE,
    Status.ACTIVE: Stage.CURRENT,
    Status.SUSPENDED: Stage.PAST,
    Status.PAST: Stage.PAST,
}


class Tag(models.Model):
    """A free classification label (自由分类)."""

    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """The customer file (客户档案, 一户一档): one per trading counterparty, buyer or supplier."""

    # Identification
    file_no = models.CharField(_("file number"), max_length=40, unique=True, editable=False)
    code = models.CharField(
        _("customer code"), max_length=30, unique=True, null=True, blank=True, editable=False
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="customers"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="owned_customers",
    )
    # Basic data (基本资料, seed 000 4.1.1; 001 公司客户信息管理办法 三.3(2))
    name = models.CharField(_("registered name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    address = models.CharField(_("office address"), max_length=300, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=6, blank=True, validators=[validate_postal_code]
    )
    enterprise_type = models.CharField(
        _("enterprise type"), max_length=32, choices=EnterpriseType.choices, blank=True
    )
    nature = models.CharField(
        _("nature"), max_length=32, choices=Nature.choices, default=Nature.ORDINARY_COMPANY
    )
    business_scope = models.TextField(_("business scope"), blank=True)
    # In its own currency, as the licence states it (a foreign-invested company: "1072526.4万美元").
    registered_capital = MoneyField(
        _("registered capital"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    registered_capital_currency = models.CharField(
        _("currency of the registered capital"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    legal_rep = models.CharField(_("legal representative"), max_length=50, blank=True)
    chairman = models.CharField(_("chairman"), max_length=50, blank=True)
    general_manager = models.CharField(_("general manager"), max_length=50, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    operating_from = models.DateField(_("operating period from"), null=True, blank=True)
    operating_to = models.DateField(
        _("operating period until"),
        null=True,
        blank=True,
        help_text=_("Leave empty for an unlimited period."),
    )
    licence_valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    licence_authority = models.CharField(_("issuing authority"), max_length=100, blank=True)
    certifications = models.TextField(_("industry and management certifications"), blank=True)
    industry = models.CharField(_("industry"), max_length=1, choices=INDUSTRY_CHOICES, blank=True)
    region = models.CharField(_("region"), max_length=2, choices=PROVINCE_CHOICES, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    fax = models.CharField(_("fax"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Classification (SPEC §1)
    relationship = models.CharField(
        _("relationship"), max_length=16, choices=Relationship.choices, default=Relationship.BUYER
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.ORDINARY)
    importance = models.CharField(
        _("importance"), max_length=16, choices=Importance.choices, default=Importance.GENERAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROSPECTIVE, editable=False
    )
    onboarding = models.CharField(
        _("onboarding"),
        max_length=16,
        choices=Onboarding.choices,
        default=Onboarding.APPROVED,
        editable=False,
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    notes = models.TextField(_("notes"), blank=True)
    # Search helpers, maintained by services (pinyin 拼音 and initials, see rules.search_text)
    name_pinyin = models.TextField(_("name in pinyin"), blank=True, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=200, blank=True, editable=False)
    name_core = models.CharField(
        _("name without legal form"), max_length=200, blank=True, editable=False, db_index=True
    )
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    # Book-keeping; `version` guards against lost updates (optimistic locking)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(
        m2m_fields=[tags], excluded_fields=["search_text", "name_pinyin", "name_initials", "name_core"]
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-updated_at"]
        permissions = [
            ("view_all_customers", _("Can see every customer file")),
            ("view_department_customers", _("Can see the customer files of their department")),
            ("export_customers", _("Can export customer lists")),
            ("import_customers", _("Can import customers from spreadsheets")),
            ("assign_customer_code", _("Can assign customer codes")),
            ("change_customer_status", _("Can change a customer's trade status")),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="customer_status_updated_idx"),
            models.Index(fields=["department", "status"], name="customer_dept_status_idx"),
            models.Index(fields=["owner", "status"], name="customer_owner_status_idx"),
            models.Index(fields=["name"], name="customer_name_idx"),
            models.Index(fields=["name_initials"], name="customer_initials_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_capital__gte=0) | Q(registered_capital__isnull=True),
                name="customer_registered_capital_nonnegative",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="customer_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.file_no})"

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.pk])

    def region_label(self) -> str:
        """The province in the reader's language (GB/T 2260 names; English: pinyin)."""

        return province_label(self.region)

    def industry_label(self) -> str:
        """The industry section in the reader's language (GB/T 4754-2017)."""

        return industry_label(self.industry)

    @property
    def stage(self) -> str:
        return STAGE_OF_STATUS[Status(self.status)]

    def get_stage_display(self) -> str:
        return Stage(self.stage).label


class StatusChange(models.Model):
    """A lifecycle transition with who, when and why (SPEC §8)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=500)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    # How and when the customer was told that trade stops (004 客户信息管理制度 第十一条2(4)).
    notified_via = models.CharField(
        _("customer told by"), max_length=16, choices=NoticeChannel.choices, blank=True
    )
    notified_on = models.DateField(_("customer told on"), null=True, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_status} → {self.to_status}"

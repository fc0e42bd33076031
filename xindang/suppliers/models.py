"""A supplier's selection by the six principles of seed 002 篇五 and its yearly evaluations."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xindang.contracts.models import Contract
from xindang.core.fields import MoneyField
from xindang.customers.models import Customer


class SelectionStatus(models.TextChoices):
    SURVEYING = "surveying", _("Surveying")
    PENDING = "pending", _("Awaiting approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Selected")
    REJECTED = "rejected", _("Rejected")


class PaymentMethod(models.TextChoices):
    """购货款的支付方式 (002 篇五 第三条(5))."""

    PREPAYMENT = "prepayment", _("Prepayment")
    ON_DELIVERY = "on_delivery", _("Payment on delivery")
    MONTHLY = "monthly", _("Monthly settlement")
    CREDIT_TERM = "credit_term", _("On credit (payment term)")
    BILL = "bill", _("Bank acceptance bill")


class SupplierSelection(models.Model):
    """The selection of one supplier (002 篇五 第二条–第三条): general survey, on-site survey,
    selection application (认定申请报告), approval, supply and quality-assurance contracts, code."""

    customer = models.OneToOneField(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="supplier_selection"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=SelectionStatus.choices, default=SelectionStatus.SURVEYING
    )
    # 第二条(1) 一般调查: documents received (history, profile, last annual accounts, product guide and
    # catalogue), talks with the manager, technical talks.
    general_survey_on = models.DateField(_("general survey on"), null=True, blank=True)
    general_survey_notes = models.TextField(_("general survey findings"), blank=True)
    # 第二条(2) 实地调查: the materials department with technology, design and quality management.
    site_survey_on = models.DateField(_("on-site survey on"), null=True, blank=True)
    site_survey_team = models.CharField(_("survey team"), max_length=200, blank=True)
    # the six principles of 第一条, each found met or not on site
    meets_quality = models.BooleanField(
        _("equipment and technology meet our quality requirements"), default=False
    )
    meets_delivery = models.BooleanField(_("able to deliver on time"), default=False)
    meets_finance = models.BooleanField(_("sound management, finances and credit"), default=False)
    meets_cooperation = models.BooleanField(_("cooperative attitude"), default=False)
    meets_confidentiality = models.BooleanField(_("keeps business and technical secrets"), default=False)
    meets_cost = models.BooleanField(_("cost management and cost level acceptable"), default=False)
    site_survey_findings = models.TextField(_("on-site findings"), blank=True)
    # 第三条(1) 认定申请报告
    trade_reasons = models.TextField(_("reasons for trading and basic trade policy"), blank=True)
    goods = models.TextField(_("goods to be bought"), blank=True, help_text=_("One line per item."))
    annual_amount = MoneyField(
        _("expected annual amount (yuan)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    payment_method = models.CharField(
        _("payment method"), max_length=16, choices=PaymentMethod.choices, blank=True
    )
    # 第三条(2)(3)
    supply_contract = models.ForeignKey(
        Contract,
        verbose_name=_("supply contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    quality_contract = models.ForeignKey(
        Contract,
        verbose_name=_("quality-assurance contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # 第三条(4) 设定新客户代码
    code = models.CharField(_("supplier code"), max_length=30, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("supplier selection")
        verbose_name_plural = _("supplier selections")
        ordering = ["-updated_at"]
        permissions = [
            ("manage_selection", _("Can record supplier surveys and applications")),
            ("evaluate_supplier", _("Can evaluate suppliers")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SelectionStatus.values), name="supplier_selection_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer.name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("suppliers:selection", args=[self.customer_id])

    @property
    def editable(self) -> bool:
        return self.status in (SelectionStatus.SURVEYING, SelectionStatus.RETURNED, SelectionStatus.REJECTED)


class SupplierEvaluation(models.Model):
    """The yearly evaluation of a selected supplier: quality, delivery, price and service scored,
    weighted by the policy, graded (criteria from 002 篇五 第一条)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="supplier_evaluations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quality = models.PositiveSmallIntegerField(_("quality"))
    delivery = models.PositiveSmallIntegerField(_("delivery"))
    price = models.PositiveSmallIntegerField(_("price"))
    service = models.PositiveSmallIntegerField(_("service"))
    score = models.DecimalField(_("weighted score"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=8)
    weights = models.JSONField(_("weights applied"), default=dict)
    scale_max = models.PositiveSmallIntegerField(_("scale maximum"))
    notes = models.TextField(_("notes"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluated by"), on_delete=models.PROTECT, related_name="+"
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supplier evaluation")
        verbose_name_plural = _("supplier evaluations")
        ordering = ["-year", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "year"], name="supplier_evaluation_one_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.customer.name} {self.year}: {self.grade}"


class SupplierNotice(models.Model):
    """A newly selected supplier's basic data sent to one person of a department concerned (002 篇五
    第三条(5): 将选定的新客户基本资料通知本企业相关部门); a to-do until they take note of it."""

    selection = models.ForeignKey(
        SupplierSelection,
        verbose_name=_("supplier selection"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("notified"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(_("role"), max_length=40)
    created_at = models.DateTimeField(_("notified at"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("noted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplier notice")
        verbose_name_plural = _("supplier notices")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["selection", "user"], name="supplier_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.selection_id} → {self.user_id}"

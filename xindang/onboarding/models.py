from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xindang.approvals.models import ApprovalRequest
from xindang.core.fields import MoneyField
from xindang.customers.models import Customer

from . import rules


class CardStatus(models.TextChoices):
    DRAFT = rules.DRAFT, _("Draft")
    SUBMITTED = rules.SUBMITTED, _("Submitted for approval")
    APPROVED = rules.APPROVED, _("Approved")
    REJECTED = rules.REJECTED, _("Rejected")


class Condition(models.TextChoices):
    """Conditions attached to trade (附加条件, 004 客户信息管理制度 第十条2(3))."""

    CONTRACT = rules.CONTRACT, _("Exchange of contracts")
    PERSONAL_GUARANTEE = rules.PERSONAL_GUARANTEE, _("Personal guarantee")
    JOINT_GUARANTEE = rules.JOINT_GUARANTEE, _("Joint guarantee")
    COLLATERAL = rules.COLLATERAL, _("Collateral")


class TransactionCard(models.Model):
    """The customer transaction card (客户交易卡, 004 客户信息管理制度 第十条1(2)–(8)) with the new
    customer's application report (新客户认定申请报告, 002 篇五 第三条(1)): every field filled, approved
    before the first trade."""

    customer = models.OneToOneField(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="transaction_card"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CardStatus.choices, default=CardStatus.DRAFT, editable=False
    )
    first_contact_on = models.DateField(_("first contact on"))
    head_office = models.CharField(_("head office location"), max_length=200, blank=True)
    trading_site = models.CharField(_("trading site"), max_length=200, blank=True)
    staff_count = models.PositiveIntegerField(_("number of staff"), null=True, blank=True)
    managers_count = models.PositiveIntegerField(_("number of managers"), null=True, blank=True)
    managers_age_structure = models.CharField(_("managers' age structure"), max_length=200, blank=True)
    assets_schedule = models.TextField(_("equipment and real estate schedule"), blank=True)
    requested_limit_amount = MoneyField(
        _("requested credit limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    trade_reason = models.TextField(_("reason for trading and basic policy"), blank=True)
    products = models.TextField(_("products and amounts"), blank=True)
    survey_result = models.TextField(_("survey and its result"), blank=True)
    # Attached at approval; comma-separated Condition codes (the credit check reads them as they are).
    conditions = models.CharField(_("conditions"), max_length=100, blank=True, editable=False)
    conditions_note = models.CharField(
        _("note on the conditions"), max_length=300, blank=True, editable=False
    )
    approval = models.ForeignKey(
        ApprovalRequest,
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("transaction card")
        verbose_name_plural = _("transaction cards")
        permissions = [("set_conditions", _("Can attach conditions to a customer's trade"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_limit_amount__gte=0) | Q(requested_limit_amount__isnull=True),
                name="onboarding_card_limit_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CardStatus.values), name="onboarding_card_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(self.customer)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("onboarding:card", args=[self.customer_id])

    def condition_codes(self) -> tuple[str, ...]:
        return rules.parse_conditions(self.conditions)

    def condition_labels(self) -> list[str]:
        return [str(Condition(c).label) for c in self.condition_codes()]


class StaffContact(models.Model):
    """One of our staff who keeps contact with an important new customer (001 公司客户信息管理办法 七.3)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="staff_contacts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member of staff"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff contact")
        verbose_name_plural = _("staff contacts")
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "user"], name="onboarding_staff_contact_once")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.user_id}"


class ContactReport(models.Model):
    """A contact report (联系报告) by one of the staff contacts."""

    staff_contact = models.ForeignKey(
        StaffContact, verbose_name=_("staff contact"), on_delete=models.CASCADE, related_name="reports"
    )
    reported_on = models.DateField(_("contact on"))
    summary = models.TextField(_("summary"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact report")
        verbose_name_plural = _("contact reports")
        ordering = ["-reported_on", "-id"]

    def __str__(self) -> str:
        return f"{self.staff_contact_id}: {self.reported_on}"

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xindang.core.fields import MoneyField
from xindang.core.money import format_yuan
from xindang.customers.models import Customer

from . import rules


class Outcome(models.TextChoices):
    ALLOW = rules.ALLOW, _("Allowed")
    WARN = rules.WARN, _("Allowed with warning")
    BLOCK = rules.BLOCK, _("Blocked")
    APPROVAL_REQUIRED = rules.APPROVAL_REQUIRED, _("Over-limit approval required")


class ControlPoint(models.TextChoices):
    ORDER = rules.ORDER, _("Sales order")
    SHIPMENT = rules.SHIPMENT, _("Shipment")
    PREPAYMENT = rules.PREPAYMENT, _("Prepayment")
    INVOICE = rules.INVOICE, _("Invoice")


class CheckKind(models.TextChoices):
    SHIPMENT = "shipment", _("Credit sale / shipment")
    CASH_SALE = "cash_sale", _("Cash sale (paid on delivery)")
    PREPAYMENT = "prepayment", _("Prepayment to a supplier")
    INVOICE = "invoice", _("Invoice")
    PAYMENT = "payment", _("Payment received")
    GOODS_RECEIVED = "goods_received", _("Goods received")
    NOTE_RECEIVED = "note_received", _("Note received")
    NOTE_SETTLED = "note_settled", _("Note settled")
    CREDIT_NOTE = "credit_note", _("Credit note / return")
    WRITE_OFF = "write_off", _("Write-off")


class OverLimitStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved, not yet used")
    USED = "used", _("Used")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OverLimitRequest(models.Model):
    """超额审批 (002 第三十二条): a shipment or prepayment past the limit, sent up for the formal
    approval; once approved it lets exactly this amount through once within its validity."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="over_limit_requests"
    )
    amount = MoneyField(_("amount"), validators=[MinValueValidator(0.01)])
    kind = models.CharField(_("kind"), max_length=20, choices=CheckKind.choices)
    control_point = models.CharField(_("control point"), max_length=20, choices=ControlPoint.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # The situation when asked (what the approvers decided on).
    limit_amount = MoneyField(_("limit"), null=True, blank=True)
    exposure_amount = MoneyField(
        _("exposure"),
    )
    overage_amount = MoneyField(
        _("overage"),
    )
    grade = models.CharField(_("grade"), max_length=4, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    chain = models.JSONField(_("approval chain"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OverLimitStatus.choices, default=OverLimitStatus.PENDING
    )
    approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    api_key_name = models.CharField(_("API key"), max_length=100, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("over-limit request")
        verbose_name_plural = _("over-limit requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "status"], name="ctrl_olr_customer_status"),
            models.Index(fields=["status", "valid_until"], name="ctrl_olr_status_valid"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ctrl_olr_amount_positive"),
        ]

    def __str__(self) -> str:
        # Also the approval's stored object name: no words, so it reads the same in either language.
        return f"#{self.pk} {self.customer} · {format_yuan(self.amount)}"

    def get_absolute_url(self) -> str:
        return reverse("credit_control:over_limit_detail", args=[self.pk])


class CreditCheck(models.Model):
    """One credit check (授信执行) and its documented decision: what was asked, what the system knew
    (limit, exposure by category, grade, oldest overdue item) and what it answered, with the reasons.

    An append-only log written at every check, so its foreign keys are not database constraints
    (db_constraint=False): the database's per-row key checks were more than half of the cost of
    writing the records (1,000 rows: 44 of 64 ms). A check records only a customer whose exposure row
    it has just read (that row's key is a constraint); customers, users and over-limit requests are
    never deleted (PROTECT, enforced by Django), so the references stay valid."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="credit_checks",
        db_constraint=False,
    )
    amount = MoneyField(
        _("amount"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CheckKind.choices)
    control_point = models.CharField(_("control point"), max_length=20, choices=ControlPoint.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    limit_amount = MoneyField(_("limit"), null=True, blank=True)
    exposure_amount = MoneyField(
        _("exposure"),
    )
    grade = models.CharField(_("grade"), max_length=4, blank=True)
    reservation_ref = models.BigIntegerField(_("reservation"), null=True, blank=True)
    over_limit = models.ForeignKey(
        OverLimitRequest,
        verbose_name=_("over-limit request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="checks",
        db_constraint=False,
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    api_key_name = models.CharField(_("API key"), max_length=100, blank=True)
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)

    class Meta:
        verbose_name = _("credit check")
        verbose_name_plural = _("credit checks")
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["customer", "-checked_at"], name="ctrl_check_customer_at")]
        permissions = [
            ("check_credit", _("Can run the credit check")),
            ("view_reduction_list", _("Can view the reduction list")),
            ("export_reduction_list", _("Can export the reduction list")),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {format_yuan(self.amount)} → {self.outcome}"


class ShipmentStopStatus(models.TextChoices):
    STOPPED = "stopped", _("Stopped, awaiting the manager")
    CONFIRMED = "confirmed", _("Confirmed by the manager")
    LIFTED = "lifted", _("Lifted")


class ShipmentStop(models.Model):
    """An emergency stop of shipments (004 客户信息管理制度 第十一条1(3): 作为应急措施,营销人员有权暂时
    停止贷货): the salesperson in charge stops shipments to their customer at once; the manager of the
    customer's department is told (workbench) and confirms or lifts it. The credit check blocks while
    it is not lifted."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="shipment_stops"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=20, choices=ShipmentStopStatus.choices, default=ShipmentStopStatus.STOPPED
    )
    stopped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("stopped by"), on_delete=models.PROTECT, related_name="+"
    )
    stopped_at = models.DateTimeField(_("stopped at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirm_note = models.TextField(_("manager's note"), blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        verbose_name = _("emergency shipment stop")
        verbose_name_plural = _("emergency shipment stops")
        ordering = ["-stopped_at", "-pk"]
        indexes = [models.Index(fields=["customer", "lifted_at"], name="ctrl_stop_customer_lifted")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(lifted_at__isnull=True), name="ctrl_stop_one_open"
            ),
        ]
        permissions = [
            ("stop_shipments", _("Can stop shipments to an own customer in an emergency")),
            ("decide_shipment_stop", _("Can confirm or lift an emergency shipment stop")),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.stopped_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None

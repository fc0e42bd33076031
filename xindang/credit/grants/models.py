"""Credit grants (授信, seed 002 第二十一–三十条): the limit and term a customer may use, with the
collateral and guarantees behind it and the approval it went through."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xindang.core.fields import MoneyField

from . import rules


class GrantKind(models.TextChoices):
    LONG_TERM = rules.LONG_TERM, _("Long-term")
    TEMPORARY = rules.TEMPORARY, _("Temporary")


class GrantStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting approval")
    ACTIVE = "active", _("In force")
    REJECTED = "rejected", _("Rejected")
    REPLACED = "replaced", _("Replaced")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CollateralType(models.TextChoices):
    REAL_ESTATE = "real_estate", _("Real estate")
    EQUIPMENT = "equipment", _("Equipment")
    DEPOSIT = "deposit", _("Deposit")
    RECEIVABLES = "receivables", _("Receivables")
    OTHER = "other", _("Other")


class CreditGrant(models.Model):
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="credit_grants",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=GrantKind.choices, default=GrantKind.LONG_TERM)
    limit_amount = MoneyField(
        _("credit limit"),
    )
    term_days = models.PositiveIntegerField(_("term (days)"))
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=GrantStatus.choices, default=GrantStatus.DRAFT, db_index=True
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    rating = models.ForeignKey(
        "credit.Rating",
        verbose_name=_("rating"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    grade = models.CharField(_("grade at request"), max_length=8, blank=True)
    scheme = models.CharField(_("rating scheme"), max_length=8, default=rules.ABC)
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    policy_version_ref = models.ForeignKey(
        "policy.PolicyVersion",
        verbose_name=_("policy version record"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ceiling_amount = MoneyField(_("ceiling"), null=True, blank=True)
    ceiling_reasons = models.JSONField(_("ceiling reasons"), default=list, blank=True)
    facts = models.JSONField(_("facts used"), default=dict, blank=True)
    approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("credit grant")
        verbose_name_plural = _("credit grants")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(limit_amount__gte=0), name="grant_limit_not_negative"),
            models.CheckConstraint(condition=Q(term_days__gt=0), name="grant_term_positive"),
        ]
        indexes = [models.Index(fields=["customer", "status"], name="grant_customer_status_idx")]
        permissions = [
            ("request_grant", _("Can request a credit grant")),
            ("export_grants", _("Can export the credit grants")),
            ("print_notice", _("Can print the grant notice")),
            ("run_backtest", _("Can back-test a draft policy")),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.get_kind_display()} {self.limit_amount}"

    def get_absolute_url(self) -> str:
        return reverse("grants:detail", args=[self.pk])


class Collateral(models.Model):
    grant = models.ForeignKey(
        CreditGrant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="collaterals"
    )
    type = models.CharField(_("type"), max_length=16, choices=CollateralType.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    value_amount = MoneyField(
        _("value"),
    )
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("documents"), blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collateral")
        verbose_name_plural = _("collateral")
        constraints = [
            models.CheckConstraint(condition=Q(value_amount__gte=0), name="collateral_value_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.value_amount}"


class Guarantee(models.Model):
    grant = models.ForeignKey(
        CreditGrant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="guarantees"
    )
    guarantor_name = models.CharField(_("guarantor"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    amount = MoneyField(
        _("amount"),
    )
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("guarantee")
        verbose_name_plural = _("guarantees")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="guarantee_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.guarantor_name} {self.amount}"


class ReductionStep(models.Model):
    """One step of a grant's reduction schedule (002 第二十六条2、第二十七条 并应逐步减少): from
    `months` after the grant comes into force (`from_on`, set then) its limit in force is
    `limit_amount`. Proposed with the request; the last step is the grant's limit."""

    grant = models.ForeignKey(
        CreditGrant, verbose_name=_("grant"), on_delete=models.CASCADE, related_name="reduction_steps"
    )
    months = models.PositiveSmallIntegerField(_("months after coming into force"))
    from_on = models.DateField(_("from"), null=True, blank=True)
    limit_amount = MoneyField(
        _("limit in force"),
    )

    class Meta:
        verbose_name = _("reduction step")
        verbose_name_plural = _("reduction steps")
        ordering = ["grant", "months"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "months"], name="reduction_step_unique_month"),
            models.CheckConstraint(condition=Q(limit_amount__gte=0), name="reduction_step_not_negative"),
        ]
        indexes = [models.Index(fields=["grant", "from_on"], name="reduction_step_grant_on_idx")]

    def __str__(self) -> str:
        return f"{self.grant_id} +{self.months} {self.limit_amount}"


class BacktestRun(models.Model):
    """A completed back-test of a draft policy version (its summary): putting the draft in force asks
    for one of the draft as it stands (`draft_updated_at`), or a written reason to skip it."""

    version = models.ForeignKey(
        "policy.PolicyVersion", verbose_name=_("policy version"), on_delete=models.CASCADE, related_name="+"
    )
    draft_updated_at = models.DateTimeField(_("draft as of"))
    in_force_number = models.PositiveIntegerField(_("version in force"))
    on = models.DateField(_("as of"))
    customers = models.PositiveIntegerField(_("customers"))
    grade_changed = models.PositiveIntegerField(_("grade would change"))
    below_limit = models.PositiveIntegerField(_("ceiling below current limit"))
    blocked = models.PositiveIntegerField(_("would be blocked"))
    newly_blocked = models.PositiveIntegerField(_("newly blocked"))
    ceiling_raised = models.PositiveIntegerField(_("ceiling raised"), default=0)
    ceiling_lowered = models.PositiveIntegerField(_("ceiling lowered"), default=0)
    seconds = models.DecimalField(_("seconds"), max_digits=9, decimal_places=2)
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("back-test")
        verbose_name_plural = _("back-tests")
        ordering = ["-computed_at", "-pk"]

    def __str__(self) -> str:
        return f"v{self.version_id} {self.computed_at:%Y-%m-%d %H:%M}"

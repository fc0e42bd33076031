"""The monthly credit-limit execution evaluation (客户授信额度执行评价表, seed 002 第三十七–四十二条):
one per grant per month, with the figures the ledger gives, the finance credit controller's signature,
the salesperson's written report and the marketing manager's review."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xindang.core.fields import MoneyField

from . import rules


def _money(verbose, **kw):
    return MoneyField(verbose, **kw)


class EvaluationStatus(models.TextChoices):
    GENERATED = rules.GENERATED, _("Generated")
    CONTROLLER_SIGNED = rules.CONTROLLER_SIGNED, _("Figures signed")
    SALESPERSON_REPORTED = rules.SALESPERSON_REPORTED, _("Salesperson reported")
    READY_FOR_REVIEW = rules.READY_FOR_REVIEW, _("Awaiting review")
    REVIEWED = rules.REVIEWED, _("Reviewed")
    VP_REVIEWED = rules.VP_REVIEWED, _("VP marketing's opinion given")


class GrantEvaluation(models.Model):
    grant = models.ForeignKey(
        "grants.CreditGrant",
        verbose_name=_("credit grant"),
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    # The grant's customer, kept here for the list filters (a grant never changes customer).
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month evaluated."))
    status = models.CharField(
        _("status"), max_length=24, choices=EvaluationStatus.choices, default=EvaluationStatus.GENERATED
    )
    # The salesperson responsible for the report (第三十九条): the file's owner when generated.
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # --- Figures (第四十条: the finance department provides them and answers for them) -------------
    limit_amount = _money(_("credit limit"))
    term_days = models.PositiveIntegerField(_("term (days)"))
    grant_from = models.DateField(_("grant in force from"), null=True, blank=True)
    grant_until = models.DateField(_("grant in force until"), null=True, blank=True)
    opening_exposure_amount = _money(_("exposure at the start of the month"), default=0)
    peak_exposure_amount = _money(_("peak exposure in the month"), default=0)
    peak_exposure_on = models.DateField(_("peak exposure on"), null=True, blank=True)
    end_exposure_amount = _money(_("exposure at the end of the month"), default=0)
    shipments_amount = _money(_("credit shipments in the month"), default=0)
    collections_amount = _money(_("collections in the month"), default=0)
    overdue_amount = _money(_("overdue at the end of the month"), default=0)
    oldest_overdue_days = models.PositiveIntegerField(_("oldest overdue item (days)"), default=0)
    days_over_limit = models.PositiveIntegerField(_("days over the limit"), default=0)
    over_limit_approvals = models.PositiveIntegerField(_("over-limit approvals used"), default=0)
    blocked_checks = models.PositiveIntegerField(_("blocked credit checks"), default=0)
    promises_made = models.PositiveIntegerField(_("payment promises made"), default=0)
    promises_kept = models.PositiveIntegerField(_("payment promises kept"), default=0)
    promises_broken = models.PositiveIntegerField(_("payment promises broken"), default=0)
    figures_at = models.DateTimeField(_("figures computed at"))
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)

    # --- The finance credit controller (第三十七、四十条) ------------------------------------------
    controller_remarks = models.TextField(_("controller's remarks"), blank=True)
    controller_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by (finance)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    controller_signed_at = models.DateTimeField(_("signed at (finance)"), null=True, blank=True)

    # --- The salesperson's written report (第三十九条) --------------------------------------------
    operations_report = models.TextField(_("report on the customer's operations"), blank=True)
    payment_outlook = models.TextField(_("payment outlook and risks"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)

    # --- The marketing manager's review (第四十一–四十二条) ---------------------------------------
    review_opinion = models.TextField(_("review opinion"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    proposed_limit_amount = _money(_("proposed new limit"), null=True, blank=True)
    proposal_reason = models.TextField(_("reason for the adjustment"), blank=True)
    proposed_grant = models.ForeignKey(
        "grants.CreditGrant",
        verbose_name=_("adjustment request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # --- The VP marketing's opinion (第四十一条: 上报营销主管副总) --------------------------------------
    vp_opinion = models.TextField(_("VP marketing's opinion"), blank=True)
    vp_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opinion signed by (VP marketing)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    vp_signed_at = models.DateTimeField(_("opinion signed at (VP marketing)"), null=True, blank=True)

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant evaluation")
        verbose_name_plural = _("grant evaluations")
        ordering = ["-month", "customer_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "month"], name="evaluation_one_per_grant_month"),
            models.CheckConstraint(condition=Q(limit_amount__gte=0), name="evaluation_limit_not_negative"),
            models.CheckConstraint(
                condition=Q(proposed_limit_amount__isnull=True) | Q(proposed_limit_amount__gte=0),
                name="evaluation_proposal_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status=rules.GENERATED)
                | Q(controller_signed_at__isnull=False)
                | Q(reported_at__isnull=False),
                name="evaluation_status_has_signature",
            ),
        ]
        indexes = [
            models.Index(fields=["month", "status"], name="evaluation_month_status_idx"),
            models.Index(fields=["customer", "month"], name="evaluation_customer_month_idx"),
        ]
        permissions = [
            ("sign_figures", _("Can sign the figures of a grant evaluation")),
            ("write_report", _("Can write the salesperson's report of a grant evaluation")),
            ("review_evaluation", _("Can review a grant evaluation")),
            ("give_vp_opinion", _("Can give the VP marketing's opinion on a grant evaluation")),
            ("generate_evaluations", _("Can generate the monthly grant evaluations")),
            ("export_evaluations", _("Can export grant evaluations")),
        ]

    def __str__(self) -> str:
        return f"{self.customer} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("evaluations:detail", args=[self.pk])

    @property
    def is_signed(self) -> bool:
        return self.controller_signed_at is not None

    @property
    def is_reported(self) -> bool:
        return self.reported_at is not None

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None

    @property
    def has_vp_opinion(self) -> bool:
        return self.vp_signed_at is not None

    @property
    def end_utilisation(self):
        return rules.utilisation(self.end_exposure_amount, self.limit_amount)

    @property
    def peak_utilisation(self):
        return rules.utilisation(self.peak_exposure_amount, self.limit_amount)

"""Lookup requests (查阅申请单 / 档案查询单, seed 000 4.5; 001 客户信用档案建立与管理制度 6): who reads which
customer file — the whole file or chosen documents — for what purpose and until when, and the
approval it went through (001 档案管理制度及流程2 1.5)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import rules


class LookupStatus(models.TextChoices):
    PENDING = rules.PENDING, _("Awaiting approval")
    APPROVED = rules.APPROVED, _("Approved")
    REJECTED = rules.REJECTED, _("Rejected")
    WITHDRAWN = rules.WITHDRAWN, _("Withdrawn")


class LookupRequest(models.Model):
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reader"),
        on_delete=models.PROTECT,
        related_name="lookup_requests",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="lookup_requests",
    )
    whole_file = models.BooleanField(_("whole file"), default=False)
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("documents"), blank=True, related_name="lookup_requests"
    )
    purpose = models.TextField(_("purpose"))
    # Separate rights (as in Mayan EDMS): what the reader may do with what the request opens; the
    # request says which are asked for and its approval grants those (rules.RIGHTS). Viewing always.
    may_view = models.BooleanField(_("view"), default=True)
    may_download = models.BooleanField(_("download"), default=False)
    may_print = models.BooleanField(_("print"), default=False)
    may_export = models.BooleanField(_("export"), default=False)
    starts_on = models.DateField(_("lookup from"))
    ends_on = models.DateField(_("return by"))
    highest_level = models.PositiveSmallIntegerField(_("highest level asked"))
    cross_department = models.BooleanField(_("reader outside the owning department"), default=False)
    archived = models.BooleanField(_("archived file"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=LookupStatus.choices, default=LookupStatus.PENDING, db_index=True
    )
    approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lookup request")
        verbose_name_plural = _("lookup requests")
        ordering = ["-created_at", "-id"]
        permissions = [("view_all_lookups", _("Can see every lookup request"))]
        indexes = [models.Index(fields=["reader", "status", "ends_on"], name="custody_lookup_open_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="custody_lookup_period_order"
            ),
            models.CheckConstraint(
                condition=Q(highest_level__gte=1, highest_level__lte=3), name="custody_lookup_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.reader} · {self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("custody:detail", args=[self.pk])

    @property
    def rights(self) -> list[str]:
        return [right for right in rules.RIGHTS if getattr(self, f"may_{right}")]

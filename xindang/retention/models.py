"""Holds placed by hand, appraisals (鉴定) and disposals (销毁) with their register (销毁清册).

What is destroyed is the content of documents; these rows, the documents' metadata and the audit
trail stay for good (SPEC §8; 001 档案管理制度及流程2 2.1.4; 000 客户信息管理办法 三.8)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

USER = settings.AUTH_USER_MODEL


class HoldKind(models.TextChoices):
    DISPUTE = "dispute", _("Unsettled dispute")
    LITIGATION = "litigation", _("Litigation")
    AUDIT = "audit", _("Audit or inspection")
    OTHER = "other", _("Other reason")


class ManualHold(models.Model):
    """A hold placed by the archivist (保管冻结): the file, or some of its documents, is not destroyed
    while it lasts — until the date given, or until lifted when no date is given."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    documents = models.ManyToManyField(
        "documents.Document",
        verbose_name=_("documents"),
        blank=True,
        related_name="+",
        help_text=_("None chosen: the whole file."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=HoldKind.choices, default=HoldKind.DISPUTE)
    reason = models.TextField(_("reason"))
    until = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: until lifted."))
    placed_by = models.ForeignKey(
        USER, verbose_name=_("placed by"), on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed at"))
    lifted_by = models.ForeignKey(
        USER, verbose_name=_("lifted by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)
    history = HistoricalRecords(m2m_fields=[documents])

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["-placed_at", "-id"]
        indexes = [models.Index(fields=["customer", "lifted_at"], name="retention_hold_customer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_by__isnull=False),
                name="retention_hold_lifted_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("retention:hold", args=[self.pk])


class Decision(models.TextChoices):
    KEEP = "keep", _("Keep")
    DESTROY = "destroy", _("Destroy")


class Appraisal(models.Model):
    """The archivist's appraisal (鉴定) of one document whose retention has passed: keep it (for a new
    period, with a reason) or destroy it. The retention it was appraised under is recorded as it was."""

    document = models.ForeignKey(
        "documents.Document", verbose_name=_("document"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    reason = models.TextField(_("reason"))
    keep_until = models.DateField(_("keep until"), null=True, blank=True)
    retention_class = models.CharField(_("retention class"), max_length=20)
    retention_label = models.CharField(_("retention"), max_length=80)
    clock_started_on = models.DateField(_("retention clock started on"), null=True, blank=True)
    earliest_disposal_on = models.DateField(_("retention passed on"))
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    appraised_by = models.ForeignKey(
        USER, verbose_name=_("appraised by"), on_delete=models.PROTECT, related_name="+"
    )
    appraised_at = models.DateTimeField(_("appraised at"))

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")
        ordering = ["-appraised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="destroy", keep_until__isnull=True)
                | Q(decision="keep", keep_until__isnull=False),
                name="retention_appraisal_keep_has_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} · {self.get_decision_display()}"


class DisposalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the general manager")
    APPROVED = "approved", _("Approved, to be witnessed and carried out")
    REJECTED = "rejected", _("Rejected")
    DESTROYED = "destroyed", _("Destroyed")


class Disposal(models.Model):
    """One destruction (销毁): documents appraised for destruction, the GM's approval (000 客户信息管理办法
    三.8), two witnesses, and once carried out an entry of the destruction register (销毁清册)."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=DisposalStatus.choices, default=DisposalStatus.PENDING
    )
    requested_by = models.ForeignKey(
        USER, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        USER, verbose_name=_("approved by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    carried_out_by = models.ForeignKey(
        USER,
        verbose_name=_("carried out by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disposal")
        verbose_name_plural = _("disposals")
        ordering = ["-requested_at", "-id"]
        permissions = [
            ("witness_disposal", _("Can witness a destruction")),
            ("carry_out_disposal", _("Can appraise documents and carry out destructions")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="destroyed") | Q(carried_out_at__isnull=False, approved_at__isnull=False),
                name="retention_disposal_destroyed_approved",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("retention:disposal", args=[self.pk])


class DisposalItem(models.Model):
    """One document of a disposal, with what the register must say about it recorded as it was when
    the destruction was decided (the document's own row stays too)."""

    disposal = models.ForeignKey(
        Disposal, verbose_name=_("disposal"), on_delete=models.PROTECT, related_name="items"
    )
    document = models.ForeignKey(
        "documents.Document", verbose_name=_("document"), on_delete=models.PROTECT, related_name="+"
    )
    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.PROTECT, related_name="+"
    )
    customer_name = models.CharField(_("customer"), max_length=200)
    file_no = models.CharField(_("file number"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=100)
    retention_class = models.CharField(_("retention class"), max_length=20)
    retention_label = models.CharField(_("retention"), max_length=80)
    earliest_disposal_on = models.DateField(_("retention passed on"))
    version_count = models.PositiveIntegerField(_("versions"), default=0)
    total_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    checksums = models.JSONField(_("checksums"), default=list)
    erased_files = models.PositiveIntegerField(_("stored files erased"), default=0)

    class Meta:
        verbose_name = _("disposal item")
        verbose_name_plural = _("disposal items")
        ordering = ["disposal", "id"]
        constraints = [
            models.UniqueConstraint(fields=["disposal", "document"], name="retention_item_once_per_disposal")
        ]

    def __str__(self) -> str:
        return f"{self.disposal} · {self.title}"


class DisposalWitness(models.Model):
    """A witness of a destruction (监销人): signs in their own name; never the requester."""

    disposal = models.ForeignKey(
        Disposal, verbose_name=_("disposal"), on_delete=models.PROTECT, related_name="witnesses"
    )
    witness = models.ForeignKey(USER, verbose_name=_("witness"), on_delete=models.PROTECT, related_name="+")
    witnessed_at = models.DateTimeField(_("witnessed at"))
    remark = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("disposal witness")
        verbose_name_plural = _("disposal witnesses")
        ordering = ["disposal", "witnessed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["disposal", "witness"], name="retention_witness_once")]

    def __str__(self) -> str:
        return f"{self.disposal} · {self.witness}"

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xindang.accounts.models import Department
from xindang.core.fields import MoneyField
from xindang.customers.models import Customer

from . import rules


class Kind(models.TextChoices):
    SALE = rules.SALE, _("Sale")
    PURCHASE = rules.PURCHASE, _("Purchase")
    FRAMEWORK = rules.FRAMEWORK, _("Framework agreement")
    OTHER = rules.OTHER, _("Other")


class Status(models.TextChoices):
    DRAFT = rules.DRAFT, _("Draft")
    SIGNED = rules.SIGNED, _("Signed")
    IN_PERFORMANCE = rules.IN_PERFORMANCE, _("In performance")
    CHANGED = rules.CHANGED, _("Changed")
    TERMINATED = rules.TERMINATED, _("Terminated")
    COMPLETED = rules.COMPLETED, _("Completed")
    CANCELLED = rules.CANCELLED, _("Cancelled (never signed)")


class EventKind(models.TextChoices):
    """The procedures after which the contract file is handed over (001 客户信用档案建立与管理制度 3:
    签订、变更、履行及解除)."""

    SIGNING = rules.SIGNING, _("Signing")
    CHANGE = rules.CHANGE, _("Change")
    PERFORMANCE = rules.PERFORMANCE, _("Performance completed")
    TERMINATION = rules.TERMINATION, _("Termination")


class Stage(models.TextChoices):
    TO_CREDIT_MANAGER = rules.TO_CREDIT_MANAGER, _("Handler to credit manager")
    TO_ARCHIVE = rules.TO_ARCHIVE, _("Credit manager to archive room")


class HandoverStatus(models.TextChoices):
    PENDING = rules.PENDING, _("Not handed over")
    HANDED = rules.HANDED, _("Handed over, not yet received")
    DONE = rules.DONE, _("Received")


class Contract(models.Model):
    """A contract (合同) in a customer file, numbered by department and year (000 4.2 / 001
    客户信用档案建立与管理制度 2)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="contracts"
    )
    contract_no = models.CharField(_("contract number"), max_length=60, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.SALE)
    amount = MoneyField(_("amount"), validators=[MinValueValidator(0)])
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="CNY",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code such as CNY."))],
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.PROTECT,
        related_name="handled_contracts",
        help_text=_("承办人: the person who negotiates and signs the contract and hands its file over."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    # Credit terms written in the contract (filled from the credit grant once that exists).
    credit_limit_amount = MoneyField(
        _("credit limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    credit_term_days = models.PositiveIntegerField(_("payment term (days)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
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
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_on", "-id"]
        permissions = [
            ("receive_handover", _("Can receive contract files from handlers (credit manager)")),
            ("file_to_archive", _("Can file contract files into the archive room")),
            ("export_ledger", _("Can export the contract ledger")),
            ("view_statistics", _("Can see the contract statistics report")),
        ]
        indexes = [
            models.Index(fields=["customer", "status"], name="contract_customer_status_idx"),
            models.Index(fields=["department", "signed_on"], name="contract_dept_signed_idx"),
            models.Index(fields=["status", "signed_on"], name="contract_status_signed_idx"),
            models.Index(fields=["handler", "status"], name="contract_handler_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="contract_amount_nonnegative"),
            models.CheckConstraint(
                condition=Q(credit_limit_amount__gte=0) | Q(credit_limit_amount__isnull=True),
                name="contract_credit_limit_nonnegative",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on"))
                | Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True),
                name="contract_ends_not_before_start",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="contract_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="contract_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_no} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("contracts:detail", args=[self.pk])


class ContractEvent(models.Model):
    """A procedure done on the contract (signing, change, performance, termination) — each starts a
    handover of the contract file (001 客户信用档案建立与管理制度 3)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("procedure"), max_length=16, choices=EventKind.choices)
    occurred_on = models.DateField(_("date"))
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract procedure")
        verbose_name_plural = _("contract procedures")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["kind", "occurred_on"], name="contract_event_kind_on_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="contract_event_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.kind} {self.occurred_on}"


class Handover(models.Model):
    """One step of moving a contract file (移交 / 归档): the handler hands it to the credit manager
    (stage 1), the credit manager, after checking it, to the archive room (stage 2). Who handed, who
    received, when, and what was missing are kept; overdue is computed (rules.is_overdue)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="handovers"
    )
    event = models.ForeignKey(
        ContractEvent, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="handovers"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=10, choices=HandoverStatus.choices, default=HandoverStatus.PENDING
    )
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    handed_note = models.CharField(_("note"), max_length=500, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    missing_items = models.TextField(_("missing items"), blank=True)
    archive_location = models.CharField(
        _("archive location"), max_length=100, blank=True, help_text=_("Cabinet / box of the paper file.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract file handover")
        verbose_name_plural = _("contract file handovers")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "stage", "due_on"], name="handover_open_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["event", "stage"], name="handover_one_per_event_stage"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="handover_stage_valid"),
            models.CheckConstraint(
                condition=Q(status__in=HandoverStatus.values), name="handover_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.stage} {self.status}"


class ContractDocument(models.Model):
    """A document of the contract's own file (SPEC §2 item 7): a Document of the customer file (one
    customer, one file) in a category of the "contract" group, uploaded through the documents service
    — versions, checksums and access rules are the documents app's — and linked here."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="document_links"
    )
    document = models.OneToOneField(
        "documents.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="contract_link",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("linked by"), on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contract document")
        verbose_name_plural = _("contract documents")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.contract_id} → {self.document_id}"

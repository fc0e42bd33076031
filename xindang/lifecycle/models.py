"""Loans of physical originals and loss reports; the yearly transfer list, its items and acts."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from xindang.customers.models import Customer
from xindang.documents.models import Document

from . import rules


class ReturnCondition(models.TextChoices):
    INTACT = "intact", _("Intact")
    DAMAGED = "damaged", _("Damaged")
    INCOMPLETE = "incomplete", _("Incomplete")


class Loan(models.Model):
    """One borrowing of physical originals, recorded by the archivist from the borrowing slip (借阅单,
    seed 000 客户信息管理办法 三.2; 001 客户信用档案建立与管理制度 6): who, what, when lent, due back; then
    the return (when, in what condition)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="loans"
    )
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("borrower"), on_delete=models.PROTECT, related_name="loans"
    )
    whole_file = models.BooleanField(_("whole customer file"), default=False)
    purpose = models.CharField(_("purpose"), max_length=300)
    slip_no = models.CharField(_("slip number"), max_length=40, blank=True, help_text=_("On the paper slip."))
    slip_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("slip signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lent_on = models.DateField(_("lent on"))
    due_on = models.DateField(_("due back on"))
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    return_condition = models.CharField(
        _("condition on return"), max_length=12, choices=ReturnCondition.choices, blank=True
    )
    return_note = models.CharField(_("note on return"), max_length=500, blank=True)
    returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("return recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-lent_on", "-pk"]
        permissions = [("record_loan", _("Can record loans and returns of originals"))]
        indexes = [models.Index(fields=["returned_on", "due_on"], name="loan_open_due_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("lent_on")), name="loan_due_not_before_lent"),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=F("lent_on")),
                name="loan_return_not_before_lent",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("lifecycle:loan", args=[self.pk])

    @property
    def number(self) -> str:
        return self.slip_no or f"JY-{self.lent_on:%Y}-{self.pk or 0:05d}"

    @property
    def is_open(self) -> bool:
        return self.returned_on is None


class LoanItem(models.Model):
    """What a loan took out: a document, or (document empty) the whole file. `open_key` is set while
    the item is out and cleared on return; being unique, a second open loan of the same document
    cannot be written, whatever the database (a conditional unique index is not portable to MariaDB)."""

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="items")
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    open_key = models.CharField(
        _("out marker"), max_length=40, null=True, blank=True, unique=True, editable=False
    )

    class Meta:
        verbose_name = _("loan item")
        verbose_name_plural = _("loan items")
        ordering = ["loan", "pk"]

    def __str__(self) -> str:
        return str(self.document) if self.document_id else str(_("Whole customer file"))


class IncidentKind(models.TextChoices):
    LOSS = "loss", _("Loss")
    DAMAGE = "damage", _("Damage")
    THEFT = "theft", _("Theft")


class IncidentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class LossReport(models.Model):
    """The written report of a loss, damage or theft of lent originals (seed 000 客户信息管理办法 三.6:
    当客户资料发生破坏、失窃等情况时,当事者要提交书面报告), approved and kept."""

    loan = models.ForeignKey(Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=IncidentKind.choices)
    document = models.ForeignKey(
        Document,
        verbose_name=_("document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occurred_on = models.DateField(_("occurred on"))
    description = models.TextField(_("what happened"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.PENDING
    )
    approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("loss or damage report")
        verbose_name_plural = _("loss or damage reports")
        ordering = ["-reported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.loan}"

    def get_absolute_url(self) -> str:
        return self.loan.get_absolute_url()


class TransferList(models.Model):
    """The yearly transfer list (年度移交清单, seed 000 4.3): the files older than this year and last year
    that go from the departments to the credit office and on to the archive room."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("transfer list")
        verbose_name_plural = _("transfer lists")
        ordering = ["-year"]
        permissions = [
            ("record_transfer", _("Can propose transfer lists and record transfers")),
            ("view_statistics", _("Can see archive statistics")),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("lifecycle:transfer_list", args=[self.year])


class TransferStage(models.TextChoices):
    PROPOSED = rules.PROPOSED, _("In the department")
    AT_CREDIT_OFFICE = rules.AT_CREDIT_OFFICE, _("At the credit office")
    IN_ARCHIVE_ROOM = rules.IN_ARCHIVE_ROOM, _("In the archive room")


class TransferItem(models.Model):
    """One customer file on a transfer list, with the stage it has reached."""

    transfer_list = models.ForeignKey(
        TransferList, verbose_name=_("transfer list"), on_delete=models.PROTECT, related_name="items"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="transfer_items"
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    file_year = models.PositiveIntegerField(_("year of the file"))
    stage = models.CharField(
        _("stage"), max_length=16, choices=TransferStage.choices, default=TransferStage.PROPOSED
    )
    archive_due_on = models.DateField(_("due in the archive room by"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer list item")
        verbose_name_plural = _("transfer list items")
        ordering = ["transfer_list", "department", "customer__file_no"]
        constraints = [
            models.UniqueConstraint(fields=["transfer_list", "customer"], name="transfer_item_once_per_list"),
        ]

    def __str__(self) -> str:
        return f"{self.transfer_list} · {self.customer}"


class TransferAct(models.Model):
    """One handing over (移交) of a file: who handed, who received, when, what went and what was missing
    (recorded, never dropped), and the four-property check of what was handed over (DA/T 70-2018)."""

    item = models.ForeignKey(
        TransferItem, verbose_name=_("file"), on_delete=models.PROTECT, related_name="acts"
    )
    stage = models.CharField(_("to"), max_length=16, choices=TransferStage.choices)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    acted_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    document_count = models.PositiveIntegerField(_("documents handed over"), default=0)
    handed_over = models.JSONField(_("documents handed over"), default=list, blank=True)
    missing = models.JSONField(_("missing"), default=list, blank=True)
    missing_note = models.CharField(_("note on what was missing"), max_length=500, blank=True)
    check_ok = models.BooleanField(_("check passed"), default=False)
    check_result = models.JSONField(_("four-property check"), default=dict, blank=True)

    class Meta:
        verbose_name = _("transfer act")
        verbose_name_plural = _("transfer acts")
        ordering = ["item", "acted_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "stage"], name="transfer_act_once_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.item.customer} → {self.get_stage_display()}"

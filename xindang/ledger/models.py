"""The receivables ledger (往来账, SPEC §6; seed 002 第三十一–三十六条, 004 客户信息管理制度 第八条).

Trade entries are never edited or deleted: a correction is a reversing entry. The per-customer
totals (`Exposure`) are maintained in the same transaction as each entry, under the row lock that the
credit check shares (services.lock_exposure). Open items: payments, credit notes, notes received and
write-offs are allocated FIFO to the oldest open debits (`Allocation`); what stays unallocated is the
customer's credit balance (an advance).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xindang.core.fields import MoneyField

from . import rules

ZERO = Decimal("0.00")


def _money(verbose, **kw):
    return MoneyField(verbose, **kw)


class EntryKind(models.TextChoices):
    SHIPMENT = rules.SHIPMENT, _("Credit shipment")
    INVOICE = rules.INVOICE, _("Invoice")
    PAYMENT = rules.PAYMENT, _("Payment received")
    PREPAYMENT = rules.PREPAYMENT, _("Prepayment made")
    GOODS_RECEIVED = rules.GOODS_RECEIVED, _("Goods received against prepayment")
    NOTE_RECEIVED = rules.NOTE_RECEIVED, _("Note received (unsettled)")
    NOTE_SETTLED = rules.NOTE_SETTLED, _("Note settled")
    CREDIT_NOTE = rules.CREDIT_NOTE, _("Credit note / return")
    WRITE_OFF = rules.WRITE_OFF, _("Write-off (bad debt)")
    REVERSAL = rules.REVERSAL, _("Reversal")


class TradeEntry(models.Model):
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="trade_entries",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    entry_on = models.DateField(_("entry date"))
    amount = _money(_("amount (yuan)"), help_text=_("In yuan (CNY); always positive."))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    original_amount = _money(_("amount in currency"))
    fx_rate = models.DecimalField(_("rate to CNY"), max_digits=18, decimal_places=8, default=Decimal(1))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # Derived, maintained by the services: the part of a debit still open, or of a credit still
    # unallocated (credit balance). Zero for entries outside the open-item pools.
    open_amount = _money(_("open amount"), default=ZERO)
    source_system = models.CharField(_("source system"), max_length=40, default="manual")
    external_id = models.CharField(_("external id"), max_length=100, null=True, blank=True)
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trade_entries",
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    settles = models.ForeignKey(
        "self",
        verbose_name=_("settles"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="settlements",
        help_text=_("For a note settlement: the note received; for an invoice: the shipment it bills."),
    )
    reservation = models.ForeignKey(
        "ledger.Reservation",
        verbose_name=_("reservation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    note_no = models.CharField(_("bill number"), max_length=60, blank=True)
    note_matures_on = models.DateField(_("bill matures on"), null=True, blank=True)
    note_without_recourse = models.BooleanField(_("discounted without recourse"), default=False)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey",
        verbose_name=_("API key"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trade entry")
        verbose_name_plural = _("trade entries")
        ordering = ["-entry_on", "-id"]
        permissions = [
            ("post_tradeentry", _("Can post trade entries")),
            ("import_tradeentry", _("Can import trade entries")),
            ("reverse_tradeentry", _("Can reverse trade entries")),
            ("request_write_off", _("Can request a write-off")),
            ("export_tradeentry", _("Can export the ledger")),
            ("reconcile_exposure", _("Can reconcile exposure")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_system", "external_id"], name="ledger_entry_external_uniq"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_entry_amount_positive"),
            models.CheckConstraint(condition=Q(open_amount__gte=0), name="ledger_entry_open_nonneg"),
        ]
        indexes = [
            models.Index(fields=["customer", "entry_on"], name="ledger_entry_cust_on_idx"),
            models.Index(fields=["customer", "kind", "open_amount"], name="ledger_entry_open_idx"),
            models.Index(fields=["entry_on"], name="ledger_entry_on_idx"),
            # The credit check's "oldest overdue item" (002 第三十五条) on busy accounts: only open items
            # (PostgreSQL/SQLite partial index; MariaDB has none and keeps ledger_entry_open_idx). On
            # PostgreSQL it also carries the kind and the open amount, so that the ageing of every
            # customer reads the open debits from the index alone (ledger.ageing; bench/README.md).
            models.Index(
                fields=["customer", "due_on", "entry_on", "id"],
                condition=models.Q(open_amount__gt=0),
                include=["kind", "open_amount"],
                name="ledger_entry_open_due_idx",
            ),
            # The bad debts written off in a period (the credit dashboard's drill-down, the yearly report):
            # a few rows among millions (partial: PostgreSQL/SQLite; MariaDB reads ledger_entry_on_idx).
            models.Index(
                fields=["entry_on"],
                condition=models.Q(kind=rules.WRITE_OFF),
                name="ledger_entry_writeoff_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.entry_on})"

    @property
    def is_debit(self) -> bool:
        return self.kind in rules.DEBIT_KINDS

    @property
    def signed_amount(self) -> Decimal:
        """Effect on what the customer owes (a reversal takes the opposite sign of what it reverses)."""
        return rules.signed_amount(self.kind, self.amount, self.reverses.kind if self.reverses_id else None)


class EntryLine(models.Model):
    entry = models.ForeignKey(
        TradeEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="lines"
    )
    product = models.CharField(_("product"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4, null=True, blank=True)
    amount = _money(_("amount"), null=True, blank=True)
    cost_amount = _money(_("cost"), null=True, blank=True)

    class Meta:
        verbose_name = _("entry line")
        verbose_name_plural = _("entry lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.product


class Allocation(models.Model):
    """A credit (payment, credit note, note, write-off, goods received) settling part of a debit.
    Negative amounts undo an earlier allocation (when one of the two entries is reversed)."""

    debit_entry = models.ForeignKey(
        TradeEntry, verbose_name=_("debit"), on_delete=models.PROTECT, related_name="allocations_in"
    )
    credit_entry = models.ForeignKey(
        TradeEntry, verbose_name=_("credit"), on_delete=models.PROTECT, related_name="allocations_out"
    )
    amount = _money(_("amount"))
    allocated_on = models.DateField(_("allocated on"))
    # The debit's customer, kind and dates, copied from it when the allocation is made (a posted entry
    # never changes): the ageing at a past date adds up the allocations made since then by customer
    # and due date without joining each one to its debit.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # ledger_alloc_customer_idx leads with it
    )
    debit_kind = models.CharField(_("debit kind"), max_length=16, choices=EntryKind.choices)
    debit_entry_on = models.DateField(_("debit's entry date"))
    debit_due_on = models.DateField(_("debit's due date"), null=True, blank=True)

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["allocated_on", "id"]
        indexes = [
            models.Index(fields=["debit_entry", "allocated_on"], name="ledger_alloc_debit_idx"),
            models.Index(fields=["customer", "allocated_on"], name="ledger_alloc_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_entry_id} → {self.debit_entry_id}: {self.amount}"

    @classmethod
    def of(cls, debit: TradeEntry, credit: TradeEntry, amount: Decimal, on) -> "Allocation":
        """`amount` of `debit` settled by `credit` on `on`, with the debit's copied columns."""
        return cls(
            debit_entry=debit,
            credit_entry=credit,
            amount=amount,
            allocated_on=on,
            customer_id=debit.customer_id,
            debit_kind=debit.kind,
            debit_entry_on=debit.entry_on,
            debit_due_on=debit.due_on,
        )


class Exposure(models.Model):
    """The maintained totals of one customer (SPEC §6: open credit sales + open prepayments +
    unsettled notes), kept apart from the customer row which every screen writes."""

    customer = models.OneToOneField(
        "customers.Customer",
        verbose_name=_("customer"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    open_shipments_amount = _money(_("open shipments"), default=ZERO)
    open_invoices_amount = _money(_("open invoices"), default=ZERO)
    prepayments_amount = _money(_("open prepayments"), default=ZERO)
    notes_amount = _money(_("unsettled notes"), default=ZERO)
    reservations_amount = _money(_("reservations"), default=ZERO)
    credit_balance_amount = _money(_("credit balance"), default=ZERO)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    FIGURES = (
        "open_shipments_amount",
        "open_invoices_amount",
        "prepayments_amount",
        "notes_amount",
        "reservations_amount",
        "credit_balance_amount",
    )

    class Meta:
        verbose_name = _("exposure")
        verbose_name_plural = _("exposures")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.total_amount}"

    @property
    def total_amount(self) -> Decimal:
        """Exposure (004 客户信息管理制度 第八条 + 002 第二十二条): open credit sales + open prepayments +
        unsettled notes."""
        return (
            self.open_shipments_amount
            + self.open_invoices_amount
            + self.prepayments_amount
            + self.notes_amount
        )

    @property
    def committed_amount(self) -> Decimal:
        """Exposure plus the amounts held by reservations (what a credit check counts)."""
        return self.total_amount + self.reservations_amount

    def figures(self) -> dict:
        return {name: getattr(self, name) for name in self.FIGURES}


class Reservation(models.Model):
    class Status(models.TextChoices):
        HELD = "held", _("Held")
        CONSUMED = "consumed", _("Consumed")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Expired")

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    amount = _money(_("amount"))
    kind = models.CharField(_("kind"), max_length=16, default=rules.SHIPMENT)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HELD)
    expires_at = models.DateTimeField(_("expires at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_reservation_positive")]
        indexes = [models.Index(fields=["customer", "status"], name="ledger_resv_cust_status_idx")]

    def __str__(self) -> str:
        return f"{self.reference or self.pk}: {self.amount} ({self.status})"


class WriteOffRequest(models.Model):
    """A write-off (bad debt) waiting for the general manager's approval; posted when approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending approval")
        POSTED = "posted", _("Posted")
        REJECTED = "rejected", _("Rejected")
        RETURNED = "returned", _("Returned")

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    amount = _money(_("amount"))
    entry_on = models.DateField(_("entry date"))
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    approval = models.ForeignKey(
        "approvals.ApprovalRequest",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entry = models.ForeignKey(
        TradeEntry, verbose_name=_("entry"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        verbose_name = _("write-off request")
        verbose_name_plural = _("write-off requests")
        ordering = ["-requested_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_writeoff_positive")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.amount}"


class LedgerImport(models.Model):
    """One spreadsheet import of trade entries: the stored file, its preview (problems per row) and
    its outcome. The preview and the posting run as tasks of the worker (checking → previewed →
    posting → imported or failed); confirming posts every row in one transaction, or nothing."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        PREVIEWED = "previewed", _("Previewed")
        POSTING = "posting", _("Posting")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")

    token = models.UUIDField(_("token"), unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    original_name = models.CharField(_("original file name"), max_length=255)
    stored_name = models.CharField(_("stored file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)
    source_system = models.CharField(_("source system"), max_length=40, default="import")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    new_rows = models.PositiveIntegerField(_("new entries"), default=0)
    existing_rows = models.PositiveIntegerField(_("already posted"), default=0)
    imported_rows = models.PositiveIntegerField(_("imported rows"), default=0)
    problems = models.JSONField(_("row problems"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

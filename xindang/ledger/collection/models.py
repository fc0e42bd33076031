"""Collection work in the customer file (000 客户信息管理办法 二.7; 004 客户信息管理制度
第七条, 第十一条).

The reports raised by `collection_daily` keep a snapshot of the overdue item that triggered them
(entry id, due date, open amount, days late): the ledger entry itself is never edited, and the
report stays as it was written when the debt is later paid.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xindang.core.fields import MoneyField
from xindang.customers.models import Customer

from . import rules

USER = settings.AUTH_USER_MODEL


class Method(models.TextChoices):
    CALL = "call", _("Telephone call")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter / reminder notice")
    LAWYER = "lawyer", _("Lawyer's letter / legal action")
    OTHER = "other", _("Other")


class CollectionRecord(models.Model):
    """商账追讨记录: one collection contact with the customer: how, with whom, what was said, and the
    next step with its date."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="collection_records"
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    contacted_on = models.DateField(_("date of contact"))
    contact_person = models.CharField(_("contact person"), max_length=100, blank=True)
    summary = models.TextField(_("what was said"))
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_on = models.DateField(_("next step on"), null=True, blank=True)
    next_step_done = models.BooleanField(_("next step done"), default=False)
    recorded_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collection record")
        verbose_name_plural = _("collection records")
        ordering = ["-contacted_on", "-id"]
        permissions = [
            ("view_ageing", _("Can see receivables ageing")),
            ("export_collection", _("Can export collection lists and ageing")),
            ("manage_all_collection", _("Can complete any collection report (credit manager)")),
        ]
        indexes = [
            models.Index(fields=["customer", "contacted_on"], name="collrec_customer_idx"),
            models.Index(fields=["next_step_done", "next_step_on"], name="collrec_next_idx"),
        ]

    def __str__(self):
        return f"{self.customer} · {self.get_method_display()} · {self.contacted_on:%Y-%m-%d}"


class PromiseStatus(models.TextChoices):
    OPEN = rules.OPEN, _("Open")
    KEPT = rules.KEPT, _("Kept")
    BROKEN = rules.BROKEN, _("Broken")
    CANCELLED = rules.CANCELLED, _("Cancelled")


class PaymentPromise(models.Model):
    """A customer's promise to pay `amount` by `promised_on`. Kept when the payments from the day it
    was made to the promised date reach the amount; broken the day after otherwise."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payment_promises"
    )
    record = models.ForeignKey(
        CollectionRecord,
        verbose_name=_("collection record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="promises",
    )
    amount = MoneyField(_("promised amount"), validators=[MinValueValidator(0.01)])
    made_on = models.DateField(_("promise made on"))
    promised_on = models.DateField(_("promised payment date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.OPEN
    )
    paid_amount = MoneyField(_("paid towards it"), default=0)
    settled_on = models.DateField(_("kept or broken on"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment promise")
        verbose_name_plural = _("payment promises")
        ordering = ["-promised_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive"),
            models.CheckConstraint(
                condition=Q(promised_on__gte=models.F("made_on")), name="promise_date_order"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "promised_on"], name="promise_customer_idx"),
            models.Index(fields=["status", "promised_on"], name="promise_status_idx"),
        ]

    def __str__(self):
        return f"{self.customer} · {self.amount} · {self.promised_on:%Y-%m-%d}"


class ReportStatus(models.TextChoices):
    OPEN = "open", _("To complete")
    SUBMITTED = "submitted", _("Submitted to the manager")
    REVIEWED = "reviewed", _("Reviewed")
    CLOSED = "closed", _("Closed")


class _TriggeredReport(models.Model):
    """What the two automatic reports share: the overdue item that raised them (a snapshot)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    trigger_entry_id = models.BigIntegerField(_("overdue entry"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    overdue_amount = MoneyField(_("overdue amount"), default=0)
    days_late = models.PositiveIntegerField(_("days late when raised"), default=0)
    raised_on = models.DateField(_("raised on"))
    assigned_to = models.ForeignKey(
        USER, verbose_name=_("salesperson"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    completed_by = models.ForeignKey(
        USER,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class AnomalyReport(_TriggeredReport):
    """收款异样报告表: raised when a payment is later than the policy's days (000 客户信息管理办法 二.7); the
    salesperson
    states the reason for the delay, the customer's situation and the measures proposed."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="anomaly_reports"
    )
    delay_reason = models.TextField(_("reason for the delay"), blank=True)
    customer_situation = models.TextField(_("customer's situation"), blank=True)
    measures_proposed = models.TextField(_("measures proposed"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("collection-anomaly report")
        verbose_name_plural = _("collection-anomaly reports")
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "trigger_entry_id"], name="anomaly_once_per_entry"),
        ]
        indexes = [models.Index(fields=["status", "assigned_to"], name="anomaly_status_idx")]

    def __str__(self):
        return f"{self.customer} · {self.raised_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("collection:anomaly", args=[self.pk])


class ProblemAccountReport(_TriggeredReport):
    """问题帐款报告书: an account past the second threshold: facts, cause, measures, responsible person;
    the manager's opinion."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="problem_reports"
    )
    facts = models.TextField(_("facts"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    responsible = models.ForeignKey(
        USER,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    manager_opinion = models.TextField(_("manager's opinion"), blank=True)
    reviewed_by = models.ForeignKey(
        USER, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("problem-account report")
        verbose_name_plural = _("problem-account reports")
        ordering = ["-raised_on", "-id"]
        permissions = [
            ("review_problemaccountreport", _("Can give the manager's opinion on a problem account"))
        ]
        constraints = [
            models.UniqueConstraint(fields=["customer", "trigger_entry_id"], name="problem_once_per_entry"),
        ]
        indexes = [models.Index(fields=["status", "assigned_to"], name="problem_status_idx")]

    def __str__(self):
        return f"{self.customer} · {self.raised_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("collection:problem", args=[self.pk])


class ReportKind(models.TextChoices):
    """004 客户信息管理制度 第七条 1(2): daily, urgent or regular report; a sudden change is urgent (2(2))."""

    URGENT = "urgent", _("Urgent report")
    DAILY = "daily", _("Daily report")
    REGULAR = "regular", _("Regular report")


class DangerStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting the manager's decision")
    DECIDED = "decided", _("Decided")


class DangerReport(models.Model):
    """危险客户报告 (004 客户信息管理制度 第七条 2): the salesperson reports a customer whose credit is
    deteriorating and
    proposes measures ①–⑤; measures are taken only on the superior's explicit instruction (2(3)).

    measures: {code: {"proposed": bool, "notes": str, "approved": bool | None}} for rules.MEASURES."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="danger_reports"
    )
    kind = models.CharField(
        _("report type"), max_length=10, choices=ReportKind.choices, default=ReportKind.URGENT
    )
    situation = models.TextField(_("what has changed"))
    measures = models.JSONField(_("measures"), default=dict)
    reported_by = models.ForeignKey(
        USER, verbose_name=_("reported by"), on_delete=models.PROTECT, related_name="+"
    )
    reported_on = models.DateField(_("reported on"))
    status = models.CharField(
        _("status"), max_length=10, choices=DangerStatus.choices, default=DangerStatus.SUBMITTED
    )
    decision = models.TextField(_("manager's instruction"), blank=True)
    decided_by = models.ForeignKey(
        USER, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dangerous-customer report")
        verbose_name_plural = _("dangerous-customer reports")
        ordering = ["-reported_on", "-id"]
        permissions = [("decide_dangerreport", _("Can decide the measures of a dangerous-customer report"))]
        indexes = [models.Index(fields=["status"], name="danger_status_idx")]

    def __str__(self):
        return f"{self.customer} · {self.reported_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("collection:danger", args=[self.pk])


class TradeSuspension(models.Model):
    """Trade stopped on a manager's instruction (004 客户信息管理制度 第七条 2(4)④; SPEC §6): the credit check
    blocks
    while it is active; lifting needs a reason too."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="trade_suspensions"
    )
    reason = models.TextField(_("reason"))
    suspended_by = models.ForeignKey(
        USER, verbose_name=_("suspended by"), on_delete=models.PROTECT, related_name="+"
    )
    suspended_at = models.DateTimeField(_("suspended at"))
    danger_report = models.ForeignKey(
        DangerReport,
        verbose_name=_("dangerous-customer report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="suspensions",
    )
    lifted_by = models.ForeignKey(
        USER, verbose_name=_("lifted by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.TextField(_("reason for lifting"), blank=True)

    class Meta:
        verbose_name = _("trade suspension")
        verbose_name_plural = _("trade suspensions")
        ordering = ["-suspended_at", "-id"]
        permissions = [("suspend_trade", _("Can suspend and resume trade with a customer"))]
        indexes = [models.Index(fields=["customer", "lifted_at"], name="suspension_customer_idx")]

    def __str__(self):
        return f"{self.customer} · {self.suspended_at:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class SignLine(models.TextChoices):
    SALESPERSON = rules.SIGN_SALESPERSON, _("Salesperson")
    DEPARTMENT_MANAGER = rules.SIGN_DEPARTMENT_MANAGER, _("Department manager")
    CREDIT_MANAGER = rules.SIGN_CREDIT_MANAGER, _("Credit manager")


class ReportSignOff(models.Model):
    """One signature line of a printed collection report (收款异样报告表 or 问题帐款报告书), signed in
    the application: who signed which line, when, with an optional remark."""

    anomaly = models.ForeignKey(
        AnomalyReport,
        verbose_name=_("collection-anomaly report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sign_offs",
    )
    problem = models.ForeignKey(
        ProblemAccountReport,
        verbose_name=_("problem-account report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sign_offs",
    )
    line = models.CharField(_("signature line"), max_length=20, choices=SignLine.choices)
    signed_by = models.ForeignKey(
        USER, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    remark = models.CharField(_("remark"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("report sign-off")
        verbose_name_plural = _("report sign-offs")
        ordering = ["signed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(anomaly__isnull=False) & Q(problem__isnull=True))
                | (Q(anomaly__isnull=True) & Q(problem__isnull=False)),
                name="signoff_one_report",
            ),
            models.UniqueConstraint(fields=["anomaly", "line"], name="signoff_anomaly_line_once"),
            models.UniqueConstraint(fields=["problem", "line"], name="signoff_problem_line_once"),
        ]

    def __str__(self):
        return f"{self.get_line_display()} · {self.signed_by}"


class StatementStatus(models.TextChoices):
    SENT = rules.SENT, _("Sent, awaiting the customer")
    CONFIRMED = rules.CONFIRMED, _("Confirmed")
    DISPUTED = rules.DISPUTED, _("Disputed")
    RESOLVED = rules.RESOLVED, _("Difference resolved")


class BalanceStatement(models.Model):
    """A balance confirmation (对帐单, 002 第三十五条 定期对帐): the customer's open items in the ledger
    on a day (a snapshot: the ledger may move on), sent to the customer, who confirms the balance or
    states another; a difference is followed to its resolution (sent → confirmed | disputed →
    resolved). Unanswered or disputed past the policy's days, it raises a problem-account report."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="balance_statements"
    )
    as_of = models.DateField(_("balance as of"))
    balance = MoneyField(
        _("balance per our ledger"),
    )
    items = models.JSONField(_("open items"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.SENT
    )
    sent_on = models.DateField(_("sent on"))
    created_by = models.ForeignKey(
        USER, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    stated_balance = MoneyField(_("balance the customer states"), null=True, blank=True)
    difference = MoneyField(_("difference (stated − ours)"), null=True, blank=True)
    customer_note = models.TextField(_("customer's note"), blank=True)
    replied_by = models.ForeignKey(
        USER,
        verbose_name=_("answer recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("answer recorded at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        USER, verbose_name=_("resolved by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    problem_report = models.ForeignKey(
        ProblemAccountReport,
        verbose_name=_("problem-account report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("balance statement")
        verbose_name_plural = _("balance statements")
        ordering = ["-as_of", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "as_of"], name="statement_once_per_day"),
        ]
        indexes = [models.Index(fields=["status", "sent_on"], name="statement_status_idx")]

    def __str__(self):
        return f"{self.customer} · {self.as_of:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("collection:statement", args=[self.pk])

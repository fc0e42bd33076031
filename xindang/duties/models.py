"""Duties (职责待办): every piece of work the regulations schedule, stored per assignee so the daily run
can tell new from old, close what was done and mail a digest. No business logic here."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import rules


class DutyState(models.TextChoices):
    OPEN = rules.OPEN, _("Open")
    DONE = rules.DONE, _("Done")


class Duty(models.Model):
    """One to-do of one user, as the daily run found it. `key` is stable across runs
    (rules.duty_key), so a run creates each duty once; `label` and `title` are what the module said
    in the assignee's language when the run last saw the duty."""

    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), on_delete=models.CASCADE, related_name="duties"
    )
    key = models.CharField(_("key"), max_length=120)
    kind = models.CharField(_("kind"), max_length=80)
    label = models.CharField(_("label"), max_length=200)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=500)
    rule = models.CharField(_("rule"), max_length=300, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=DutyState.choices, default=DutyState.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        permissions = [
            ("view_team_duties", _("Can see the overdue duties of the department")),
            ("view_all_duties", _("Can see the overdue duties of every department")),
            ("review_files", _("Can do the periodic full review of the customer files")),
            ("file_reports", _("Can file the scheduled contract and credit reports")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["assignee", "key"], name="duties_duty_assignee_key_uniq"),
            models.CheckConstraint(
                condition=Q(state=rules.OPEN, closed_at__isnull=True)
                | Q(state=rules.DONE, closed_at__isnull=False),
                name="duties_duty_closed_iff_done",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="duties_duty_state_due_idx")]

    def __str__(self) -> str:
        return f"{self.label}: {self.title}"

    @property
    def is_overdue(self) -> bool:
        from django.utils import timezone

        return self.state == rules.OPEN and rules.is_overdue(self.due_on, timezone.localdate())


class Completion(models.Model):
    """Scheduled work recorded as done (a file review, a report filed, next year's terms agreed): the
    duties app's own kinds close by this record, whoever of the assignees did it."""

    key = models.CharField(_("key"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=80)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("completed work")
        verbose_name_plural = _("completed work")

    def __str__(self) -> str:
        return self.key


class ZeroPointCheck(models.Model):
    """Whether the customer's credit-sale debt and its prepayments each came down to zero once within
    a contract's period (002 第三十六条). Written by the daily run once the period has ended."""

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.CASCADE, related_name="+"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    receivable_zero_on = models.DateField(_("credit-sale debt zero on"), null=True, blank=True)
    prepaid_zero_on = models.DateField(_("prepayments zero on"), null=True, blank=True)
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("zero-point check")
        verbose_name_plural = _("zero-point checks")
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_end"], name="duties_zeropoint_contract_end_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.period_start}–{self.period_end}"

    @property
    def missed(self) -> bool:
        return self.receivable_zero_on is None or self.prepaid_zero_on is None


class DigestChoice(models.TextChoices):
    DAILY = rules.DAILY, _("A daily e-mail of new and overdue duties")
    NONE = rules.NONE, _("No e-mail")


class DutyPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="duty_preference",
    )
    digest = models.CharField(
        _("digest"), max_length=8, choices=DigestChoice.choices, default=DigestChoice.DAILY
    )

    class Meta:
        verbose_name = _("duty preference")
        verbose_name_plural = _("duty preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.digest}"


class DigestSent(models.Model):
    """One digest mailed to one user on one day: a second run that day sends none."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    sent_on = models.DateField(_("sent on"))
    new_count = models.PositiveIntegerField(_("new duties"), default=0)
    overdue_count = models.PositiveIntegerField(_("overdue duties"), default=0)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "sent_on"], name="duties_digest_user_day_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.sent_on}"

"""The approval engine's records (审批): one request about any object, its chain of
steps (one row per step per round: a resubmission after "return for changes" starts a new round from
step 1 and keeps the old rounds as history), comments and attachments.

Approvals sit below customers in the layers, so a request names its customer by a plain integer
(customer_ref) and a copied name, and its object by "app_label.model" + id.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xindang.accounts.roles import role_label
from xindang.core.fields import MoneyField

from .registry import kind_label, render_text


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")
    SKIPPED = "skipped", _("Skipped")


class ApprovalRequest(models.Model):
    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    object_url = models.CharField(_("object link"), max_length=500, blank=True)
    customer_ref = models.PositiveBigIntegerField(_("customer id"), null=True, blank=True, db_index=True)
    customer_name = models.CharField(_("customer"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    amount = MoneyField(_("amount"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    chain = models.JSONField(_("approval chain"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="approval_requests",
    )
    requested_at = models.DateTimeField(_("requested at"))
    submitted_at = models.DateTimeField(_("submitted at (this round)"))
    status = models.CharField(
        _("status"), max_length=20, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    current_position = models.PositiveSmallIntegerField(_("current step"), default=1)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-requested_at", "-pk"]
        permissions = [
            ("view_all_approvals", _("Can see every approval request")),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="approval_object_idx"),
            models.Index(fields=["status", "requested_at"], name="approval_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ApprovalStatus.values), name="approval_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(current_position__gte=1), name="approval_position_ge_1"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("approvals:detail", args=[self.pk])

    @property
    def is_pending(self) -> bool:
        return self.status == ApprovalStatus.PENDING

    def current_steps(self):
        """The steps of the current round, in order (a list; uses a prefetch when present)."""
        return sorted((s for s in self.steps.all() if s.round == self.round), key=lambda s: s.position)

    def current_step(self):
        if not self.is_pending:
            return None
        return next((s for s in self.current_steps() if s.position == self.current_position), None)

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @property
    def display_title(self) -> str:
        """The title in the reader's language (rendered by the kind when it registered a renderer)."""

        return render_text(self, "title", self.title)

    @property
    def display_summary(self) -> str:
        return render_text(self, "summary", self.summary)


class ApprovalStep(models.Model):
    request = models.ForeignKey(
        ApprovalRequest, verbose_name=_("approval request"), on_delete=models.CASCADE, related_name="steps"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    position = models.PositiveSmallIntegerField(_("step"))
    role = models.CharField(_("role"), max_length=40)
    # A named person who signs this step in place of the role's holders (set when a staff handover
    # passes the leaver's waiting step to their successor, seed 001 公司客户信息管理办法 五); empty: any
    # holder of the role signs. Nobody else pre-empts a named step.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_approval_steps",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=StepStatus.choices, default=StepStatus.PENDING
    )
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_steps",
    )
    acted_at = models.DateTimeField(_("acted at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    acknowledged_warnings = models.JSONField(_("acknowledged warnings"), default=list, blank=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "round", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "round", "position"], name="approval_step_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=StepStatus.values), name="approval_step_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.round}/{self.position} {self.role}"

    @property
    def role_label(self) -> str:
        return role_label(self.role)


class CommentKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApprovalComment(models.Model):
    request = models.ForeignKey(
        ApprovalRequest, verbose_name=_("approval request"), on_delete=models.CASCADE, related_name="comments"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=CommentKind.choices, default=CommentKind.COMMENT
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval comment")
        verbose_name_plural = _("approval comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:50]


class ApprovalAttachment(models.Model):
    request = models.ForeignKey(
        ApprovalRequest,
        verbose_name=_("approval request"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to="approvals/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval attachment")
        verbose_name_plural = _("approval attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name

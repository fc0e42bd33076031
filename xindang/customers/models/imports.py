"""Spreadsheet imports of customer files (导入): one batch per uploaded file."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One spreadsheet import (导入): the uploaded file, its preview and its outcome.

    The file is kept in default storage under imports/<random> (never the user's file name); the
    preview lists every row's problems; confirming creates all valid rows in one transaction."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Checking")
        PREVIEWED = "previewed", _("Previewed")
        IMPORTING = "importing", _("Importing")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")

    token = models.UUIDField(_("token"), unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)
    original_name = models.CharField(_("original file name"), max_length=255)
    stored_name = models.CharField(_("stored file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREVIEWED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    empty_rows = models.PositiveIntegerField(_("empty rows skipped"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    warning_rows = models.PositiveIntegerField(_("rows with warnings"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    imported_rows = models.PositiveIntegerField(_("imported rows"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    problems = models.JSONField(_("row problems"), default=list, blank=True)
    columns = models.JSONField(_("columns"), default=dict, blank=True)
    include_warnings = models.BooleanField(_("rows with warnings imported too"), default=False)
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    message = models.TextField(_("message"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "created_at"], name="importbatch_user_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["checking", "previewed", "importing", "imported", "failed"]),
                name="importbatch_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.original_name}"

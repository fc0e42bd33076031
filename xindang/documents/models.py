from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xindang.customers.models import Customer


class CategoryGroup(models.TextChoices):
    """The parts of a customer file (SPEC §2; seed 000 4.1.1–4.1.6, 001 客户档案的内容)."""

    BASIC = "basic", _("Basic documents")
    CREDIT = "credit", _("Credit application and investigation")
    FINANCIAL = "financial", _("Financial statements")
    APPROVAL = "approval", _("Approvals")
    AFTER_SALE = "after_sale", _("After-sale management")
    PUBLIC = "public", _("Other public material")
    CONTRACT = "contract", _("Contract files")


class Level(models.IntegerChoices):
    """Confidentiality (密级, seed 001 档案管理制度及流程2 1.4–1.5): level 1 is the most sensitive."""

    ONE = 1, _("Level 1")
    TWO = 2, _("Level 2")
    THREE = 3, _("Level 3")


class DocumentCategory(models.Model):
    """A kind of document in the file (营业执照, 资产负债表…); the list is data an administrator edits."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    group = models.CharField(_("group"), max_length=16, choices=CategoryGroup.choices)
    default_retention = models.CharField(
        _("default retention class"),
        max_length=20,
        blank=True,
        help_text=_("A class code of the retention schedule; empty: the policy's default for the group."),
    )
    has_validity = models.BooleanField(
        _("has a validity period"), default=False, help_text=_("Licences and certificates expire.")
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("document category")
        verbose_name_plural = _("document categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def label(self, language: str = "zh-hans") -> str:
        return self.name_en if language.startswith("en") and self.name_en else self.name


class Document(models.Model):
    """One document in a customer's file (档案资料): metadata; its content lives in its versions."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="documents"
    )
    category = models.ForeignKey(
        DocumentCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    concerns_period = models.CharField(
        _("period"), max_length=20, blank=True, help_text=_("E.g. 2025, 2025-Q3 or 2025-06 for statements.")
    )
    concerns_on = models.DateField(_("concerns the date"), null=True, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=100, blank=True)
    number = models.CharField(_("number"), max_length=100, blank=True, help_text=_("E.g. licence number."))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    confidentiality = models.PositiveSmallIntegerField(
        _("confidentiality"), choices=Level.choices, default=Level.THREE
    )
    retention_class = models.CharField(_("retention class"), max_length=20)
    clock_started_on = models.DateField(
        _("retention clock started on"),
        null=True,
        blank=True,
        help_text=_("Date of the contract end or debt settlement that starts this document's clock."),
    )
    location = models.CharField(
        _("location of the original"), max_length=100, blank=True, help_text=_("Cabinet / box.")
    )
    electronic_only = models.BooleanField(_("electronic only"), default=False)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed at"))
    notes = models.TextField(_("notes"), blank=True)
    current_version = models.ForeignKey(
        "DocumentVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version_count = models.PositiveIntegerField(_("versions"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["category__sort_order", "-filed_at"]
        permissions = [("run_fixity_check", _("Can run the integrity check of stored files"))]
        indexes = [
            models.Index(fields=["customer", "category"], name="document_customer_category_idx"),
            models.Index(fields=["customer", "confidentiality"], name="document_customer_level_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="document_valid_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(confidentiality__in=[1, 2, 3]), name="document_confidentiality_1_to_3"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])


class ChecksumAlgorithm(models.TextChoices):
    SHA256 = "sha256", "SHA-256"
    SM3 = "sm3", _("SM3 (GB/T 32905)")


class DocumentVersion(models.Model):
    """One uploaded file of a document, stored under its SHA-256, never under the user's file name.
    Kept until an approved disposal (retention app) erases its content: the row, its checksums and the
    audit trail stay for good; erased_at says the content is gone on purpose (not missing)."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    storage_name = models.CharField(_("storage name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    mime_type = models.CharField(_("content type"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    # The fixity value the policy chose when this version was filed (documents.checksum_algorithm):
    # SHA-256 (then equal to sha256) or SM3 (GB/T 32905). sha256 above stays the storage address.
    checksum_algorithm = models.CharField(
        _("checksum algorithm"), max_length=10, choices=ChecksumAlgorithm.choices, default="sha256"
    )
    checksum = models.CharField(_("checksum"), max_length=128, blank=True, default="")
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    erased_at = models.DateTimeField(_("content erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    @property
    def fixity_checksum(self) -> str:
        """The checksum recorded for this version under its algorithm (rows before SM3: the SHA-256)."""
        return self.checksum or self.sha256


class FixityRun(models.Model):
    """One integrity check of the stored files (the history of checks is part of the archive)."""

    class Trigger(models.TextChoices):
        COMMAND = "command", _("Scheduled command")
        SCREEN = "screen", _("Started on screen")

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger.choices)
    versions_checked = models.PositiveIntegerField(_("versions checked"), default=0)
    bytes_checked = models.PositiveBigIntegerField(_("bytes checked"), default=0)
    missing_count = models.PositiveIntegerField(_("missing"), default=0)
    altered_count = models.PositiveIntegerField(_("altered"), default=0)
    orphaned_count = models.PositiveIntegerField(_("orphaned"), default=0)
    checksum_changed_count = models.PositiveIntegerField(_("checksum changed"), default=0)

    class Meta:
        verbose_name = _("integrity check")
        verbose_name_plural = _("integrity checks")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def findings_count(self) -> int:
        return self.missing_count + self.altered_count + self.orphaned_count + self.checksum_changed_count

    @property
    def ok(self) -> bool:
        return self.finished_at is not None and self.findings_count == 0


class FixityFinding(models.Model):
    class Kind(models.TextChoices):
        MISSING = "missing", _("Missing")
        ALTERED = "altered", _("Altered (checksum mismatch)")
        ORPHANED = "orphaned", _("Orphaned (no version refers to it)")
        CHECKSUM_CHANGED = (
            "checksum_changed",
            _("Checksum changed (the stored checksum differs from the one the audit trail recorded)"),
        )

    run = models.ForeignKey(
        FixityRun, verbose_name=_("integrity check"), on_delete=models.PROTECT, related_name="findings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    version = models.ForeignKey(
        DocumentVersion,
        verbose_name=_("document version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fixity_findings",
    )
    storage_name = models.CharField(_("storage name"), max_length=255)
    expected_sha256 = models.CharField(_("expected SHA-256"), max_length=64, blank=True)
    actual_sha256 = models.CharField(_("actual SHA-256"), max_length=64, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("integrity finding")
        verbose_name_plural = _("integrity findings")
        ordering = ["run", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.storage_name}"

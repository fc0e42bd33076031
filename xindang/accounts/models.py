from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .roles import Role


class Department(models.Model):
    """A department (部门); its code prefixes the file numbers it allocates (seed 000 4.2)."""

    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z][A-Z0-9]{0,9}$", _("Use 1–10 capital letters or digits, starting with a letter.")
            )
        ],
        help_text=_("E.g. XS1; used in file numbers."),
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class User(AbstractUser):
    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    display_name = models.CharField(_("full name"), max_length=60, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        permissions = [("grant_roles", _("Can grant clearances (assign roles)"))]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name().strip()

    @property
    def role_codes(self) -> set[str]:
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.groups.values_list("name", flat=True))
        return self._role_codes

    def has_role(self, role: Role) -> bool:
        return str(role) in self.role_codes

    @property
    def role_labels(self) -> list[str]:
        # str(): the labels are lazy translations; callers join them into text.
        return [str(Role(c).label) for c in Role.values if c in self.role_codes]


class ApiKey(models.Model):
    """A key for one integration (e.g. the ERP) to call the API. Only the SHA-256
    of the key is stored; the raw key (xd_<prefix>_<secret>) is shown once when it is made. Scopes
    name what it may do: "ledger:read", "ledger:write", "credit:check"."""

    SCOPES = (
        ("ledger:read", _("Read the ledger")),
        ("ledger:write", _("Post trade entries")),
        ("credit:check", _("Credit check")),
    )

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return self.is_active and scope in (self.scopes or [])


class ListPreference(models.Model):
    """How a user likes a list (which columns, how many rows a page), remembered per user and list."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="list_preferences"
    )
    list_key = models.CharField(_("list"), max_length=40)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    page_size = models.PositiveSmallIntegerField(_("rows per page"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("list preference")
        verbose_name_plural = _("list preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "list_key"], name="accounts_listpref_user_list_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.list_key}"

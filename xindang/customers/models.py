from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xindang.accounts.models import Department
from xindang.core.fieldcrypto import EncryptedCharField
from xindang.core.fields import MoneyField

from .choices import (
    INDUSTRY_CHOICES,
    PROVINCE_CHOICES,
    CollectionBasis,
    Currency,
    EnterpriseType,
    IdKind,
    Importance,
    Nature,
    NoticeChannel,
    Onboarding,
    Relation,
    Relationship,
    ShareholderKind,
    Stage,
    Status,
    Tier,
    industry_label,
    province_label,
)
from .rules import normalize_id_number
from .validators import validate_credit_code, validate_id_number, validate_postal_code

STAGE_OF_STATUS = {
    Status.PROSPECTIVE: Stage.PROSPECTIVE,
    Status.ACTIVE: Stage.CURRENT,
    Status.SUSPENDED: Stage.PAST,
    Status.PAST: Stage.PAST,
}


class Tag(models.Model):
    """A free classification label (自由分类)."""

    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """The customer file (客户档案, 一户一档): one per trading counterparty, buyer or supplier."""

    # Identification
    file_no = models.CharField(_("file number"), max_length=40, unique=True, editable=False)
    code = models.CharField(
        _("customer code"), max_length=30, unique=True, null=True, blank=True, editable=False
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="customers"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("salesperson"),
        on_delete=models.PROTECT,
        related_name="owned_customers",
    )
    # Basic data (基本资料, seed 000 4.1.1; 001 公司客户信息管理办法 三.3(2))
    name = models.CharField(_("registered name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    address = models.CharField(_("office address"), max_length=300, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=6, blank=True, validators=[validate_postal_code]
    )
    enterprise_type = models.CharField(
        _("enterprise type"), max_length=32, choices=EnterpriseType.choices, blank=True
    )
    nature = models.CharField(
        _("nature"), max_length=32, choices=Nature.choices, default=Nature.ORDINARY_COMPANY
    )
    business_scope = models.TextField(_("business scope"), blank=True)
    # In its own currency, as the licence states it (a foreign-invested company: "1072526.4万美元").
    registered_capital = MoneyField(
        _("registered capital"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    registered_capital_currency = models.CharField(
        _("currency of the registered capital"), max_length=3, choices=Currency.choices, default=Currency.CNY
    )
    legal_rep = models.CharField(_("legal representative"), max_length=50, blank=True)
    chairman = models.CharField(_("chairman"), max_length=50, blank=True)
    general_manager = models.CharField(_("general manager"), max_length=50, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    operating_from = models.DateField(_("operating period from"), null=True, blank=True)
    operating_to = models.DateField(
        _("operating period until"),
        null=True,
        blank=True,
        help_text=_("Leave empty for an unlimited period."),
    )
    licence_valid_until = models.DateField(_("licence valid until"), null=True, blank=True)
    licence_authority = models.CharField(_("issuing authority"), max_length=100, blank=True)
    certifications = models.TextField(_("industry and management certifications"), blank=True)
    industry = models.CharField(_("industry"), max_length=1, choices=INDUSTRY_CHOICES, blank=True)
    region = models.CharField(_("region"), max_length=2, choices=PROVINCE_CHOICES, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    website = models.URLField(_("website"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    fax = models.CharField(_("fax"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    # Classification (SPEC §1)
    relationship = models.CharField(
        _("relationship"), max_length=16, choices=Relationship.choices, default=Relationship.BUYER
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.ORDINARY)
    importance = models.CharField(
        _("importance"), max_length=16, choices=Importance.choices, default=Importance.GENERAL
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROSPECTIVE, editable=False
    )
    onboarding = models.CharField(
        _("onboarding"),
        max_length=16,
        choices=Onboarding.choices,
        default=Onboarding.APPROVED,
        editable=False,
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")
    notes = models.TextField(_("notes"), blank=True)
    # Search helpers, maintained by services (pinyin 拼音 and initials, see rules.search_text)
    name_pinyin = models.TextField(_("name in pinyin"), blank=True, editable=False)
    name_initials = models.CharField(_("pinyin initials"), max_length=200, blank=True, editable=False)
    name_core = models.CharField(
        _("name without legal form"), max_length=200, blank=True, editable=False, db_index=True
    )
    search_text = models.TextField(_("search text"), blank=True, editable=False)
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
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True, editable=False)

    history = HistoricalRecords(
        m2m_fields=[tags], excluded_fields=["search_text", "name_pinyin", "name_initials", "name_core"]
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-updated_at"]
        permissions = [
            ("view_all_customers", _("Can see every customer file")),
            ("view_department_customers", _("Can see the customer files of their department")),
            ("export_customers", _("Can export customer lists")),
            ("import_customers", _("Can import customers from spreadsheets")),
            ("assign_customer_code", _("Can assign customer codes")),
            ("change_customer_status", _("Can change a customer's trade status")),
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="customer_status_updated_idx"),
            models.Index(fields=["department", "status"], name="customer_dept_status_idx"),
            models.Index(fields=["owner", "status"], name="customer_owner_status_idx"),
            models.Index(fields=["name"], name="customer_name_idx"),
            models.Index(fields=["name_initials"], name="customer_initials_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_capital__gte=0) | Q(registered_capital__isnull=True),
                name="customer_registered_capital_nonnegative",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="customer_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.file_no})"

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.pk])

    def region_label(self) -> str:
        """The province in the reader's language (GB/T 2260 names; English: pinyin)."""

        return province_label(self.region)

    def industry_label(self) -> str:
        """The industry section in the reader's language (GB/T 4754-2017)."""

        return industry_label(self.industry)

    @property
    def stage(self) -> str:
        return STAGE_OF_STATUS[Status(self.status)]

    def get_stage_display(self) -> str:
        return Stage(self.stage).label


class StatusChange(models.Model):
    """A lifecycle transition with who, when and why (SPEC §8)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=500)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    # How and when the customer was told that trade stops (004 客户信息管理制度 第十一条2(4)).
    notified_via = models.CharField(
        _("customer told by"), max_length=16, choices=NoticeChannel.choices, blank=True
    )
    notified_on = models.DateField(_("customer told on"), null=True, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.from_status} → {self.to_status}"


class CustomerChild(models.Model):
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE)

    class Meta:
        abstract = True


class PersonalData(models.Model):
    """A person's data on the file (个人信息): why and on what basis it was collected — the consent date
    where consent is the basis (004 客户信息保护管理制度 第五条) — and an identity number stored encrypted
    (core.fieldcrypto). The privacy app records, shows masked, corrects, exports and erases it."""

    collection_purpose = models.CharField(_("purpose of collection"), max_length=200, blank=True)
    collection_basis = models.CharField(
        _("basis of collection"), max_length=16, choices=CollectionBasis.choices, blank=True
    )
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    id_kind = models.CharField(_("identity document"), max_length=16, choices=IdKind.choices, blank=True)
    id_number = EncryptedCharField(_("identity document number"), blank=True, default="", plain_max_length=20)
    personal_data_erased_at = models.DateTimeField(
        _("personal data erased at"), null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.collection_basis == CollectionBasis.CONSENT and not self.consent_on:
            raise ValidationError(
                {"consent_on": _("Give the date of the consent: consent is the basis of collection.")}
            )
        self.id_number = normalize_id_number(self.id_number)
        if self.id_number:
            validate_id_number(self.id_kind, self.id_number)


class Contact(CustomerChild, PersonalData):
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("position"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "id"]
        default_related_name = "contacts"

    def __str__(self) -> str:
        return self.name


class BankAccount(CustomerChild):
    """Settlement accounts (往来银行, seed 002 第八条 3)."""

    bank_name = models.CharField(_("bank"), max_length=100)
    account_name = models.CharField(_("account name"), max_length=200, blank=True)
    account_no = models.CharField(_("account number"), max_length=40)
    is_settlement = models.BooleanField(_("main settlement account"), default=False)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        ordering = ["-is_settlement", "id"]
        default_related_name = "bank_accounts"

    def __str__(self) -> str:
        return f"{self.bank_name} {self.account_no}"


class Shareholder(CustomerChild, PersonalData):
    """Shareholders (股东, seed 002 第八条 2)."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ShareholderKind.choices, default=ShareholderKind.COMPANY
    )
    share_pct = models.DecimalField(
        _("share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    contribution_amount = MoneyField(
        _("capital contribution (yuan)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shareholder")
        verbose_name_plural = _("shareholders")
        ordering = ["-share_pct", "id"]
        default_related_name = "shareholders"
        constraints = [
            models.CheckConstraint(
                condition=Q(share_pct__isnull=True) | (Q(share_pct__gte=0) & Q(share_pct__lte=100)),
                name="shareholder_share_pct_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Manager(CustomerChild, PersonalData):
    """Management (管理层, seed 002 第八条 2; ages for the transaction card, 篇五)."""

    name = models.CharField(_("name"), max_length=50)
    position = models.CharField(_("position"), max_length=50)
    age = models.PositiveSmallIntegerField(
        _("age"), null=True, blank=True, validators=[MinValueValidator(16), MaxValueValidator(100)]
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("manager")
        verbose_name_plural = _("managers")
        ordering = ["id"]
        default_related_name = "managers"

    def __str__(self) -> str:
        return f"{self.name} ({self.position})"


class RelatedCompany(CustomerChild):
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    relation = models.CharField(
        _("relation"), max_length=20, choices=Relation.choices, default=Relation.AFFILIATE
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("related company")
        verbose_name_plural = _("related companies")
        ordering = ["id"]
        default_related_name = "related_companies"

    def __str__(self) -> str:
        return self.name


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


class RelationKey(models.Model):
    """One normalised key of a file that may link it to others (关联客户; XinDang's addition, beyond the
    regulation): a person's name (legal representative, chairman, general manager, shareholder,
    manager), a phone number, the address, a bank account. Stored, refreshed on every save of the
    file or of the child row it comes from (relations.py), and indexed by key, so finding the files
    that share a key is one index lookup however many files there are."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="relation_keys"
    )
    kind = models.CharField(_("kind"), max_length=10)
    key = models.CharField(_("key"), max_length=300)
    role = models.CharField(_("role"), max_length=20)
    # The row the key comes from: "customer" (the file's own fields), "shareholder", "manager",
    # "bank_account", and that row's id — so a child row's keys are replaced or deleted on their own.
    source = models.CharField(_("source"), max_length=20)
    source_id = models.BigIntegerField(_("source row"))
    shown = models.CharField(_("value"), max_length=300)

    class Meta:
        verbose_name = _("relation key")
        verbose_name_plural = _("relation keys")
        indexes = [
            models.Index(fields=["key", "kind"], name="relkey_key_idx"),
            models.Index(fields=["source", "source_id"], name="relkey_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class NotRelated(models.Model):
    """A credit manager's finding that two files are not related although they share a key, or that a
    key links nothing (a common name such as 王伟): the group walk and the credit check's group step skip
    it (relations.related_group). With its reason, audited, and reversible (revoked, never deleted).
    XinDang's addition, beyond the regulation."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    # a pair: the other file (stored so that customer_id < other_id); a key: kind and key, other empty
    other = models.ForeignKey(
        Customer,
        verbose_name=_("other customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, blank=True)
    key = models.CharField(_("key"), max_length=300, blank=True)
    shown = models.CharField(_("value"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("marked by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("marked at"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("not-related finding")
        verbose_name_plural = _("not-related findings")
        ordering = ["-created_at"]
        permissions = [("mark_not_related", _("Can mark customers or a key as not related"))]
        indexes = [models.Index(fields=["kind", "key"], name="notrelated_key_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.other_id or self.shown}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

"""The file's child tables: contacts, bank accounts, shareholders, managers and related companies;
the rows that hold a person's data share PersonalData."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xindang.core.fieldcrypto import EncryptedCharField
from xindang.core.fields import MoneyField

from ..choices import CollectionBasis, IdKind, Relation, ShareholderKind
from ..rules import normalize_id_number
from ..validators import validate_credit_code, validate_id_number
from .files import Customer


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

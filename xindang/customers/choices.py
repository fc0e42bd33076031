"""Classifications of a customer file (SPEC §1; seed 001 客户档案管理的对象, 003 篇五 第四条)."""

import json
from pathlib import Path

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

DATA = Path(__file__).resolve().parent / "data"


class Currency(models.TextChoices):
    """The currency a registered capital is stated in (customers.rules.CAPITAL_CURRENCIES)."""

    CNY = "CNY", _("Renminbi (CNY)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")
    HKD = "HKD", _("Hong Kong dollar (HKD)")
    JPY = "JPY", _("Japanese yen (JPY)")
    GBP = "GBP", _("Pound sterling (GBP)")
    SGD = "SGD", _("Singapore dollar (SGD)")
    AUD = "AUD", _("Australian dollar (AUD)")
    CAD = "CAD", _("Canadian dollar (CAD)")
    CHF = "CHF", _("Swiss franc (CHF)")
    KRW = "KRW", _("Korean won (KRW)")
    TWD = "TWD", _("New Taiwan dollar (TWD)")
    MOP = "MOP", _("Macau pataca (MOP)")


class Status(models.TextChoices):
    """Lifecycle (SPEC §8; seed 000 客户信息管理办法 二.8, 三.8)."""

    PROSPECTIVE = "prospective", _("Prospective")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Trade suspended")
    PAST = "past", _("Trade past")


class Onboarding(models.TextChoices):
    """Whether a customer may trade on credit yet: a new prospect waits for its transaction card's
    approval (客户交易卡, 004 客户信息管理制度 第十条1(8)); files that existed before, imports and
    files opened without the card's route count as onboarded."""

    PENDING = "pending", _("Awaiting the transaction card's approval")
    APPROVED = "approved", _("Onboarded")


class NoticeChannel(models.TextChoices):
    """How the customer was told that trade stops (004 客户信息管理制度 第十一条2(4))."""

    LETTER = "letter", _("Letter")
    FAX = "fax", _("Fax")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Telephone")
    VISIT = "visit", _("In person")


class Stage(models.TextChoices):
    """Trade stage (by trade stage: upcoming / current / past), derived from the status."""

    PROSPECTIVE = "prospective", _("Prospective")
    CURRENT = "current", _("Current")
    PAST = "past", _("Past")


class Relationship(models.TextChoices):
    """Customers are buyers and suppliers alike (seed 002 第四条), plus special parties (001
    公司客户信息管理办法 二.2)."""

    BUYER = "buyer", _("Buyer")
    SUPPLIER = "supplier", _("Supplier")
    BOTH = "both", _("Buyer and supplier")
    SPECIAL = "special", _("Special party")


class Nature(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    SPECIAL_COMPANY = "special_company", _("Special company")
    ORDINARY_COMPANY = "ordinary_company", _("Ordinary company")
    INDIVIDUAL = "individual", _("Individual")
    TRADING_PARTNER = "trading_partner", _("Trading partner")


class Tier(models.TextChoices):
    CORE = "core", _("Core customer")
    ORDINARY = "ordinary", _("Ordinary customer")


class Importance(models.TextChoices):
    IMPORTANT = "important", _("Important")
    SPECIAL = "special", _("Special")
    GENERAL = "general", _("General")


class EnterpriseType(models.TextChoices):
    """Common registration types of market entities (shared/reference/entity_types.json)."""

    LLC = "llc", _("limited liability company")
    JOINT_STOCK = "joint_stock", _("company limited by shares")
    STATE_OWNED = "state_owned", _("wholly state-owned company")
    SOLE_PROPRIETORSHIP = "sole_proprietorship", _("sole proprietorship")
    PARTNERSHIP = "partnership", _("partnership")
    INDIVIDUAL_BUSINESS = "individual_business", _("individual business")
    FOREIGN_INVESTED = "foreign_invested", _("foreign-invested enterprise")
    FARMERS_COOP = "farmers_coop", _("farmers' cooperative")
    PUBLIC_INSTITUTION = "public_institution", _("public institution")
    GOVERNMENT_AGENCY = "government_agency", _("government agency")
    SOCIAL_ORGANISATION = "social_organisation", _("social organisation")
    OTHER = "other", _("other")


class ShareholderKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    COMPANY = "company", _("Legal entity")


class Relation(models.TextChoices):
    PARENT = "parent", _("Parent company")
    SUBSIDIARY = "subsidiary", _("Subsidiary")
    AFFILIATE = "affiliate", _("Affiliate")
    SAME_CONTROLLER = "same_controller", _("Same controlling party")
    GUARANTOR = "guarantor", _("Guarantor")
    OTHER = "other", _("Other")


def _load(name: str) -> list[dict]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))["items"]


# Industry sections GB/T 4754-2017 and provinces GB/T 2260: names are official Chinese; English
# industry names are shown when the UI is in English.
INDUSTRIES = _load("industries.json")
PROVINCES = _load("provinces.json")
INDUSTRY_CHOICES = [(i["code"], f"{i['code']} {i['zh']}") for i in INDUSTRIES]
PROVINCE_CHOICES = [(p["code"], p["zh"]) for p in PROVINCES]
INDUSTRY_EN = {i["code"]: i["en"] for i in INDUSTRIES}
PROVINCE_EN = {p["code"]: p["en"] for p in PROVINCES}


def _english() -> bool:
    return (get_language() or "").startswith("en")


def industry_choices() -> list[tuple[str, str]]:
    """The industry sections in the reader's language (the stored value is the code)."""
    if _english():
        return [(i["code"], f"{i['code']} {i['en']}") for i in INDUSTRIES]
    return INDUSTRY_CHOICES


def province_choices() -> list[tuple[str, str]]:
    """The provinces in the reader's language (the stored value is the code)."""
    if _english():
        return [(p["code"], p["en"]) for p in PROVINCES]
    return PROVINCE_CHOICES


def industry_label(code: str) -> str:
    return dict(industry_choices()).get(code, code or "")


def province_label(code: str) -> str:
    return dict(province_choices()).get(code, code or "")


class IdKind(models.TextChoices):
    """Kinds of personal identity number kept for a contact, manager or shareholder."""

    ID_CARD = "id_card", _("Resident identity card")
    PASSPORT = "passport", _("Passport")


class CollectionBasis(models.TextChoices):
    """Why a person's data may be kept (采集依据). Consent is the seeds' basis (004 客户信息保护管理制度
    第五条: 明示同意); the others are the usual lawful bases where the person is the customer's staff."""

    CONSENT = "consent", _("Consent of the person")
    CONTRACT = "contract", _("Needed for the contract with the customer")
    LEGAL_DUTY = "legal_duty", _("Required by law or regulation")
    PUBLIC = "public", _("Published by the person or the company registry")

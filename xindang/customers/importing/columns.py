"""The columns of a customer spreadsheet: which headers (Chinese, English, common aliases) mean
which field, and which texts a user may write in the classified columns.

Column headers are part of the file format (users match them by eye to their spreadsheets), so the
Chinese and English header texts below are literal data, not UI strings.
"""

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation

from ..choices import INDUSTRIES, PROVINCES, Currency, EnterpriseType, Importance, Nature, Relationship, Tier
from ..rules import CURRENCY_WORDS


# --- Columns ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    kind: str = "text"  # text | choice | amount | date | tags | department | owner | credit_code
    required: bool = False
    aliases: tuple[str, ...] = ()


COLUMNS: list[Column] = [
    Column(
        "name",
        "客户名称",
        "Registered name",
        required=True,
        aliases=(
            "名称",
            "企业名称",
            "公司名称",
            "单位名称",
            "注册名称",
            "客户全称",
            "Name",
            "Customer name",
            "Company name",
        ),
    ),
    Column(
        "credit_code",
        "统一社会信用代码",
        "Unified social credit code",
        "credit_code",
        aliases=("信用代码", "社会信用代码", "统一信用代码", "Credit code", "USCC"),
    ),
    Column(
        "department",
        "部门",
        "Department",
        "department",
        required=True,
        aliases=("所属部门", "部门代码", "部门名称", "Department code"),
    ),
    Column(
        "owner",
        "业务员",
        "Salesperson",
        "owner",
        aliases=("负责业务员", "负责人", "客户经理", "Owner", "Account owner"),
    ),
    Column("address", "办公地址", "Office address", aliases=("地址", "公司地址", "Address")),
    Column("postal_code", "邮编", "Postal code", aliases=("邮政编码", "邮码", "Postcode", "ZIP")),
    Column("enterprise_type", "企业类型", "Enterprise type", "choice", aliases=("公司类型", "类型")),
    Column("nature", "客户性质", "Nature", "choice", aliases=("性质",)),
    Column("relationship", "往来关系", "Relationship", "choice", aliases=("客户类别", "购销关系")),
    Column("tier", "客户层级", "Tier", "choice", aliases=("核心/普通", "客户等级")),
    Column("importance", "重要程度", "Importance", "choice", aliases=("重要性",)),
    Column("industry", "行业", "Industry", "choice", aliases=("所属行业", "行业门类")),
    Column("region", "地区", "Region", "choice", aliases=("省份", "所在地区", "省", "Province")),
    Column("city", "城市", "City", aliases=("所在城市",)),
    Column(
        "registered_capital",
        "注册资本",
        "Registered capital",
        "amount",
        aliases=("注册资本（元）", "注册资金", "Registered capital (yuan)"),
    ),
    Column(
        "registered_capital_currency",
        "注册资本币种",
        "Currency of the registered capital",
        "choice",
        aliases=("币种", "注册资本货币", "Capital currency", "Currency"),
    ),
    Column("legal_rep", "法定代表人", "Legal representative", aliases=("法人", "法人代表")),
    Column("chairman", "董事长", "Chairman"),
    Column("general_manager", "总经理", "General manager"),
    Column("founded_on", "成立日期", "Founded on", "date", aliases=("成立时间", "Founding date")),
    Column("operating_from", "营业期限自", "Operating period from", "date", aliases=("营业期限起",)),
    Column("operating_to", "营业期限至", "Operating period until", "date", aliases=("营业期限止",)),
    Column(
        "licence_valid_until",
        "执照有效期至",
        "Licence valid until",
        "date",
        aliases=("营业执照有效期", "执照有效期"),
    ),
    Column("licence_authority", "登记机关", "Issuing authority", aliases=("发证机关",)),
    Column("phone", "电话", "Phone", aliases=("联系电话", "公司电话")),
    Column("fax", "传真", "Fax"),
    Column("website", "网址", "Website", aliases=("网站", "公司网址")),
    Column("email", "电子邮箱", "Email", aliases=("邮箱", "电子邮件", "E-mail")),
    Column("business_scope", "经营范围", "Business scope"),
    Column(
        "certifications",
        "资质认证",
        "Industry and management certifications",
        aliases=("行业及管理认证", "认证", "Certifications"),
    ),
    Column("tags", "标签", "Tags", "tags", aliases=("分类标签",)),
    Column("notes", "备注", "Notes", aliases=("说明",)),
    Column("contact_name", "联系人", "Contact", aliases=("主要联系人", "Contact name")),
    Column("contact_phone", "联系人电话", "Contact phone"),
    Column("contact_mobile", "联系人手机", "Contact mobile", aliases=("手机",)),
]
COLUMN_BY_FIELD = {c.field: c for c in COLUMNS}
REQUIRED_FIELDS = [c.field for c in COLUMNS if c.required]
_HEADER_NOISE = re.compile(r"[\s*＊:：]|（必填）|\(必填\)|\(required\)")


def header_key(text) -> str:
    """Header text as compared: width-folded (NFKC), lower case, no spaces, no "*" / "(必填)" marks."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text)).lower()
    return _HEADER_NOISE.sub("", folded)


HEADER_INDEX: dict[str, str] = {}
for _col in COLUMNS:
    for _text in (_col.field, _col.zh, _col.en, *_col.aliases):
        HEADER_INDEX.setdefault(header_key(_text), _col.field)


def column_header(column: Column, language: str | None = None) -> str:
    lang = language or translation.get_language() or "zh-hans"
    text = column.en if lang.startswith("en") else column.zh
    return f"{text}*" if column.required else text


# --- Choice values: the code, the English label, the Chinese label ------------------------------------
# Chinese words users write in their own spreadsheets (the zh catalogue adds its labels at run time).
CHOICE_SYNONYMS_ZH = {
    "nature": {
        Nature.GOVERNMENT: ("政府", "政府机关"),
        Nature.SPECIAL_COMPANY: ("特殊公司",),
        Nature.ORDINARY_COMPANY: ("普通公司", "一般公司"),
        Nature.INDIVIDUAL: ("个人",),
        Nature.TRADING_PARTNER: ("交易伙伴",),
    },
    "relationship": {
        Relationship.BUYER: ("买方", "客户", "购货方", "下游客户"),
        Relationship.SUPPLIER: ("供应商", "卖方", "供货方", "上游供应商"),
        Relationship.BOTH: ("买方和供应商", "客户兼供应商", "购销双向"),
        Relationship.SPECIAL: ("特殊往来方", "特殊客户"),
    },
    "tier": {Tier.CORE: ("核心客户", "核心"), Tier.ORDINARY: ("普通客户", "普通")},
    "importance": {
        Importance.IMPORTANT: ("重要",),
        Importance.SPECIAL: ("特殊",),
        Importance.GENERAL: ("一般",),
    },
}
_CHOICE_ENUMS = {
    "nature": Nature,
    "relationship": Relationship,
    "tier": Tier,
    "importance": Importance,
    "enterprise_type": EnterpriseType,
    "registered_capital_currency": Currency,
}
_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市")


def _entity_types_zh() -> dict[str, str]:
    path = Path(__file__).resolve().parent.parent / "data" / "entity_types.json"
    items = json.loads(path.read_text(encoding="utf-8"))["items"]
    by_en = {i["en"]: i["zh"] for i in items}
    return {value: by_en[str(label)] for value, label in EnterpriseType.choices if str(label) in by_en}


def choice_lookup() -> dict[str, dict[str, str]]:
    """{field: {normalised text: code}} for every choice column (built per import; cheap)."""
    lookup: dict[str, dict[str, str]] = {}
    for name, enum in _CHOICE_ENUMS.items():
        table: dict[str, str] = {}
        for value, label in enum.choices:
            texts = [value, str(label)]
            for lang in ("en", "zh-hans"):
                with translation.override(lang):
                    texts.append(str(label))
            texts += CHOICE_SYNONYMS_ZH.get(name, {}).get(value, ())
            for text in texts:
                table.setdefault(header_key(text), value)
        lookup[name] = table
    for word, code in CURRENCY_WORDS.items():  # 美元, 港币 … as licences write them
        lookup["registered_capital_currency"].setdefault(header_key(word), code)
    for value, zh in _entity_types_zh().items():
        lookup["enterprise_type"].setdefault(header_key(zh), value)
    lookup["industry"] = {}
    for item in INDUSTRIES:
        code = item["code"]
        for text in (code, item["zh"], item["en"], f"{code} {item['zh']}", f"{code} {item['en']}"):
            lookup["industry"].setdefault(header_key(text), code)
    lookup["region"] = {}
    for item in PROVINCES:
        short = item["zh"]
        for suffix in _PROVINCE_SUFFIXES:
            if short.endswith(suffix) and len(short) > len(suffix) + 1:
                short = short[: -len(suffix)]
                break
        for text in (item["code"], item["zh"], short):
            lookup["region"].setdefault(header_key(text), item["code"])
    return lookup


def choice_options(name: str, language: str | None = None) -> list[str]:
    """The values offered in the template's drop-down lists, in the user's language."""
    lang = language or translation.get_language() or "zh-hans"
    zh = not lang.startswith("en")
    if name == "industry":
        return [f"{i['code']} {i['zh'] if zh else i['en']}" for i in INDUSTRIES]
    if name == "region":
        return [p["zh"] for p in PROVINCES]
    enum = _CHOICE_ENUMS[name]
    if zh and name == "enterprise_type":
        names = _entity_types_zh()
        return [names.get(v, str(label)) for v, label in enum.choices]
    options = []
    for value, label in enum.choices:
        with translation.override(lang):
            text = str(label)
        with translation.override("en"):
            untranslated = text == str(label)
        if zh and untranslated and value in CHOICE_SYNONYMS_ZH.get(name, {}):
            text = CHOICE_SYNONYMS_ZH[name][value][0]  # no Chinese catalogue entry yet: our own word
        options.append(text)
    return options


def column_label(name: str) -> str:
    """The header of a field's column without the "required" mark (a problem's column)."""
    column = COLUMN_BY_FIELD.get(name)
    return column_header(column).rstrip("*") if column else name

"""Customer spreadsheets: reading an upload (.xlsx / .csv), the import template and the list export.

Users arrive from their old Excel files (seed 001 客户档案的管理模式 1: 简单的客户档案管理, files kept
"通过WORD、EXCEL"). This module knows file formats only — no queries, no writes: it sniffs the
content (never trusting the extension), finds the header row, maps Chinese or English headers to
fields, and converts cell values. Validation against the database lives in import_services.

Column headers are part of the file format (users match them by eye to their spreadsheets), so the
Chinese and English header texts below are literal data, not UI strings.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import DomainError
from xindang.core.money import WAN, to_yuan

from .choices import INDUSTRIES, PROVINCES, EnterpriseType, Importance, Nature, Relationship, Tier

XLSX, CSV = "xlsx", "csv"


class ImportErrorCode(models.TextChoices):
    """Refusals of a whole file (raised as DomainError) and problems of single rows (listed)."""

    # --- the file ---
    TOO_LARGE = "import.too_large", _("The file is larger than the upload limit of %(limit)s MB.")
    WRONG_TYPE = (
        "import.wrong_type",
        _(
            "This file is not an Excel workbook (.xlsx) or a CSV text file, whatever its name says. "
            "%(detail)s"
        ),
    )
    UNREADABLE = "import.unreadable", _("The file could not be read: %(detail)s")
    WRONG_COLUMNS = "import.wrong_columns", _("The columns do not fit the template: %(detail)s")
    TOO_MANY_ROWS = (
        "import.too_many_rows",
        _("The file has more than %(limit)s rows, the most one import accepts. Split it into smaller files."),
    )
    NO_ROWS = "import.no_rows", _("The file has no data rows under its header.")
    NOT_PREVIEWED = (
        "import.not_previewed",
        _(
            "This import has already been confirmed (status: %(status)s). "
            "Upload the file again to start over."
        ),
    )
    # --- a row ---
    FORMULA = "import.formula", _("Formulas are not allowed; paste values instead.")
    NAME_REQUIRED = "import.name_required", _("The registered name is required.")
    CREDIT_CODE_INVALID = "import.credit_code_invalid", _("The unified social credit code is not valid.")
    DUPLICATE_CREDIT_CODE = (
        "import.duplicate_credit_code",
        _("A customer file with this unified social credit code already exists: %(file_no)s."),
    )
    DUPLICATE_IN_FILE = (
        "import.duplicate_in_file",
        _("The same unified social credit code is already on row %(row)s of this file."),
    )
    SIMILAR_NAME = "import.similar_name", _("A very similar name exists: %(other)s.")
    DEPARTMENT_REQUIRED = "import.department_required", _("The department is required.")
    DEPARTMENT_UNKNOWN = "import.department_unknown", _("Unknown or inactive department “%(value)s”.")
    OWNER_REQUIRED = (
        "import.owner_required",
        _(
            "Name the salesperson: you are not a member of this department, "
            "so the file cannot default to you."
        ),
    )
    OWNER_UNKNOWN = "import.owner_unknown", _("Unknown or inactive user “%(value)s”.")
    OWNER_AMBIGUOUS = (
        "import.owner_ambiguous",
        _("Several users are called “%(value)s”; use the user name instead."),
    )
    OWNER_NOT_IN_DEPARTMENT = (
        "import.owner_not_in_department",
        _("“%(value)s” is not a member of the department of this file."),
    )
    NOT_ALLOWED = "import.not_allowed", _("Not allowed: %(detail)s")
    CHOICE_UNKNOWN = "import.choice_unknown", _("“%(value)s” is not one of the allowed values.")
    NUMBER_INVALID = "import.number_invalid", _("“%(value)s” is not a number.")
    NUMBER_NEGATIVE = "import.number_negative", _("The amount cannot be negative.")
    DATE_INVALID = "import.date_invalid", _("“%(value)s” is not a date (use YYYY-MM-DD).")
    INVALID = "import.invalid", _("Invalid value: %(detail)s")


def refuse(code: ImportErrorCode, **params) -> DomainError:
    return DomainError(code, code.label % params, **params)


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
        "注册资本（元）",
        "Registered capital (yuan)",
        "amount",
        aliases=("注册资本", "注册资金", "Registered capital"),
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
}
_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市")


def _entity_types_zh() -> dict[str, str]:
    import json
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "entity_types.json"
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


# --- Cell values ---------------------------------------------------------------------------------
def is_formula(value) -> bool:
    """A formula cell (openpyxl with data_only=False gives "=…"; array formulas are objects)."""
    if isinstance(value, str):
        return value.lstrip().startswith("=") and len(value.strip()) > 1
    return type(value).__name__ in {"ArrayFormula", "DataTableFormula"}


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """Any cell as text: numbers without a spurious ".0" (phone numbers typed as numbers), dates ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_WAN_SUFFIX = re.compile(r"(万元|万)$")
_YUAN_SUFFIX = re.compile(r"(人民币|元|rmb|cny)$", re.IGNORECASE)


def parse_amount(value) -> Decimal | None:
    """Yuan from a number or text: "1,250,000", "¥1250000.00", "500万" / "500万元" (× 10,000).
    Raises ValueError when it is not a number."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        return to_yuan(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    factor = Decimal(1)
    if _WAN_SUFFIX.search(text):
        text, factor = _WAN_SUFFIX.sub("", text), WAN
    text = _YUAN_SUFFIX.sub("", text).replace(",", "").replace("¥", "").replace("￥", "")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite():
        raise ValueError(value)
    return to_yuan(number * factor)


_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value) -> dt.date | None:
    """YYYY-MM-DD (also 2026/1/5, 2026年1月5日), an Excel date cell, or an Excel serial number.
    Raises ValueError otherwise."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's range: 1900-01-01 … 9999-12-31
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if " " in text:  # "2026-01-05 00:00:00" from a text export
        text = text.split(" ", 1)[0]
    match = _DATE_TEXT.match(text)
    if not match:
        raise ValueError(value)
    return dt.date(int(match[1]), int(match[2]), int(match[3]))


_TAG_SEPARATORS = re.compile(r"[,，、;；]")


def split_tags(value) -> list[str]:
    return [t.strip() for t in _TAG_SEPARATORS.split(cell_text(value)) if t.strip()]


# --- Reading an upload --------------------------------------------------------------------------
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc)
# A decompression bomb guard: the unpacked parts of a workbook may not exceed this.
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
HEADER_SCAN_ROWS = 20


@dataclass
class RawRow:
    number: int  # the row number the user sees in Excel (1-based, header included)
    values: dict[str, object]


@dataclass
class Table:
    format: str
    headers: dict[str, str]  # field -> header text as written in the file
    ignored: list[str]  # headers that map to no field
    rows: list[RawRow] = field(default_factory=list)
    empty_rows: int = 0


def file_format(name: str, head: bytes) -> str:
    """XLSX or CSV by content; the extension must agree with it (a renamed file is refused)."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in (XLSX, CSV):
        raise refuse(ImportErrorCode.WRONG_TYPE, detail=_("Use a .xlsx workbook or a .csv file."))
    if head.startswith(_OLE_MAGIC):
        raise refuse(
            ImportErrorCode.WRONG_TYPE,
            detail=_("It is an old-style .xls workbook: open it in Excel and save it as .xlsx."),
        )
    if head.startswith(_ZIP_MAGIC):
        if ext != XLSX:
            raise refuse(ImportErrorCode.WRONG_TYPE, detail=_("It is a workbook named .csv; name it .xlsx."))
        return XLSX
    if ext == XLSX:
        raise refuse(ImportErrorCode.WRONG_TYPE, detail=_("The content is not an Excel workbook."))
    return CSV


def _check_ooxml(fileobj) -> None:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refuse(ImportErrorCode.WRONG_TYPE, detail=_("The content is not an Excel workbook.")) from exc
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise refuse(
            ImportErrorCode.WRONG_TYPE,
            detail=_("It is a zip archive or another Office document, not an Excel workbook."),
        )
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise refuse(ImportErrorCode.UNREADABLE, detail=_("The workbook unpacks to an unreasonable size."))
    fileobj.seek(0)


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GBK/GB18030 — what Excel "Save as CSV" writes in China."""
    if b"\x00" in data[:65536]:
        raise refuse(ImportErrorCode.WRONG_TYPE, detail=_("The content is binary, not text."))
    encodings = ("utf-8-sig",) if data.startswith(b"\xef\xbb\xbf") else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:65536]
        controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
        if sample and controls > len(sample) // 100:
            raise refuse(ImportErrorCode.WRONG_TYPE, detail=_("The content is binary, not text."))
        return text
    raise refuse(ImportErrorCode.UNREADABLE, detail=_("The text is neither UTF-8 nor GBK encoded."))


def _delimiter(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return max((",", "\t", ";"), key=line.count) if any(d in line for d in ",\t;") else ","
    return ","


def map_header(cells: Iterable) -> tuple[dict[int, str], dict[str, str], list[str]]:
    """(column index -> field, field -> header text, ignored headers) for one candidate header row."""
    by_index: dict[int, str] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        text = cell_text(cell)
        if not text:
            continue
        name = HEADER_INDEX.get(header_key(text))
        if name is None:
            ignored.append(text)
        elif name in headers:
            duplicates.append(text)
        else:
            by_index[index] = name
            headers[name] = text
    if duplicates and "name" in headers:
        raise refuse(
            ImportErrorCode.WRONG_COLUMNS,
            detail=_("these columns appear twice: %(cols)s") % {"cols": "、".join(duplicates)},
        )
    return by_index, headers, ignored


def _read_rows(rows: Iterator, *, fmt: str, max_rows: int) -> Table | None:
    """Find the header in the first rows (titles above it are skipped), then collect data rows;
    stops as soon as the row limit is passed (a 100k-row file is refused after reading max_rows+1)."""
    scanned = []
    found = None
    for number, cells in enumerate(rows, start=1):
        scanned.append(cells)
        by_index, headers, ignored = map_header(cells)
        if "name" in headers and len(headers) >= 2:
            found = (number, by_index, headers, ignored)
            break
        if number >= HEADER_SCAN_ROWS:
            break
    if found is None:
        return None
    header_no, by_index, headers, ignored = found
    missing = [f for f in REQUIRED_FIELDS if f not in headers]
    if missing:
        names = "、".join(column_header(COLUMN_BY_FIELD[f]) for f in missing)
        raise refuse(
            ImportErrorCode.WRONG_COLUMNS,
            detail=_("required columns are missing: %(cols)s") % {"cols": names},
        )
    table = Table(format=fmt, headers=headers, ignored=ignored)
    # Blank lines are skipped, but a sheet of a million formatted blank rows is refused too.
    hard_limit = max_rows * 2 + 10000
    for number, cells in enumerate(rows, start=header_no + 1):
        values = {name: cells[i] for i, name in by_index.items() if i < len(cells)}
        if all(is_blank(v) for v in values.values()):
            table.empty_rows += 1
            if number - header_no > hard_limit:
                raise refuse(ImportErrorCode.TOO_MANY_ROWS, limit=max_rows)
            continue
        if len(table.rows) >= max_rows:
            raise refuse(ImportErrorCode.TOO_MANY_ROWS, limit=max_rows)
        table.rows.append(RawRow(number, values))
    if not table.rows:
        raise refuse(ImportErrorCode.NO_ROWS)
    return table


def _read_xlsx(fileobj, *, max_rows: int) -> Table:
    import openpyxl

    _check_ooxml(fileobj)
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files
        raise refuse(ImportErrorCode.UNREADABLE, detail=_("the workbook is damaged.")) from exc
    try:
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):
                continue  # chart sheets
            declared = sheet.max_row or 0
            if declared > max_rows * 2 + 10000:
                # Cheap refusal from the sheet's declared size, before reading any row.
                raise refuse(ImportErrorCode.TOO_MANY_ROWS, limit=max_rows)
            sheet.reset_dimensions()  # some writers declare a wrong size; read what is really there
            try:
                table = _read_rows(sheet.iter_rows(values_only=True), fmt=XLSX, max_rows=max_rows)
            except DomainError:
                raise
            except Exception as exc:
                raise refuse(ImportErrorCode.UNREADABLE, detail=_("the workbook is damaged.")) from exc
            if table is not None:
                return table
    finally:
        workbook.close()
    raise refuse(
        ImportErrorCode.WRONG_COLUMNS,
        detail=_(
            "no sheet has a header row with the registered name and the department (download the template)."
        ),
    )


def _read_csv(data: bytes, *, max_rows: int) -> Table:
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        table = _read_rows(reader, fmt=CSV, max_rows=max_rows)
    except csv.Error as exc:
        raise refuse(ImportErrorCode.UNREADABLE, detail=str(exc)) from exc
    if table is None:
        raise refuse(
            ImportErrorCode.WRONG_COLUMNS,
            detail=_("no header row with the registered name and the department (download the template)."),
        )
    return table


def read_table(fileobj, *, name: str, max_rows: int) -> Table:
    """Read an uploaded spreadsheet (a seekable binary file). Raises DomainError(ImportErrorCode…)."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    fmt = file_format(name, head)
    if fmt == XLSX:
        return _read_xlsx(fileobj, max_rows=max_rows)
    return _read_csv(fileobj.read(), max_rows=max_rows)


# --- Writing: template and export ----------------------------------------------------------------
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(sheet, value):
    """A value for a write-only sheet that Excel shows as typed: text that starts with "=" stays text
    (never a formula — no spreadsheet injection), control characters are dropped."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL_XML.sub("", value)[:32767]
    if value.startswith("=") or value.startswith("#"):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value="")
        cell._value, cell.data_type = value, "s"
        return cell
    return value


def _bold_header(sheet, texts: list[str]):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for text in texts:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def template_workbook(*, departments: list[tuple[str, str]], language: str | None = None) -> bytes:
    """The import template: a sheet with the headers (required ones marked *), drop-down lists for
    the classified columns, and a sheet explaining each column."""
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    lang = language or translation.get_language() or "zh-hans"
    zh = not lang.startswith("en")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "客户" if zh else "Customers"
    lists = workbook.create_sheet("选项" if zh else "Lists")
    help_sheet = workbook.create_sheet("说明" if zh else "Instructions")
    sheet.append([column_header(c, lang) for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    options = {"department": [name for _code, name in departments]}
    options.update({c.field: choice_options(c.field, lang) for c in COLUMNS if c.kind == "choice"})
    for col_no, (name, values) in enumerate(options.items(), start=1):
        letter = get_column_letter(col_no)
        lists.cell(row=1, column=col_no, value=column_header(COLUMN_BY_FIELD[name], lang).rstrip("*"))
        for row_no, value in enumerate(values, start=2):
            lists.cell(row=row_no, column=col_no, value=value)
        if not values:
            continue
        target = get_column_letter([c.field for c in COLUMNS].index(name) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'{lists.title}'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=False,
        )
        validation.add(f"{target}2:{target}20001")
        sheet.add_data_validation(validation)
    for col_no, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(col_no)].width = (
            28 if column.field in ("name", "address") else 16
        )
    heads = ("列", "必填", "格式与取值") if zh else ("Column", "Required", "Format and values")
    help_sheet.append(list(heads))
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    with translation.override(lang):
        hints = column_hints()
        for column in COLUMNS:
            help_sheet.append(
                [
                    column_header(column, lang).rstrip("*"),
                    "*" if column.required else "",
                    str(hints.get(column.field, "")),
                ]
            )
    help_sheet.column_dimensions["A"].width = 28
    help_sheet.column_dimensions["C"].width = 90
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def column_hints() -> dict[str, str]:
    return {
        "name": _("The full registered name as on the business licence."),
        "credit_code": _("18 characters (GB 32100-2015); checked, must not exist yet."),
        "department": _("Department code or name, e.g. XS1 or 销售一部."),
        "owner": _(
            "User name or full name of the salesperson; empty means you, if you are in the department."
        ),
        "registered_capital": _("Yuan; plain numbers or with 万 (× 10,000), e.g. 500万."),
        "founded_on": _("YYYY-MM-DD or an Excel date."),
        "operating_from": _("YYYY-MM-DD or an Excel date."),
        "operating_to": _("YYYY-MM-DD or an Excel date; empty for an unlimited period."),
        "licence_valid_until": _("YYYY-MM-DD or an Excel date."),
        "enterprise_type": _("One of the values on the lists sheet (Chinese or English) or its code."),
        "nature": _("One of the values on the lists sheet (Chinese or English) or its code."),
        "relationship": _("One of the values on the lists sheet (Chinese or English) or its code."),
        "tier": _("One of the values on the lists sheet (Chinese or English) or its code."),
        "importance": _("One of the values on the lists sheet (Chinese or English) or its code."),
        "industry": _("GB/T 4754 section letter or name, e.g. C or 制造业."),
        "region": _("Province name or GB/T 2260 code, e.g. 北京市 or 11."),
        "tags": _("Several tags separated by , ， 、 or ;"),
        "contact_name": _("Primary contact (optional)."),
    }


EXPORT_EXTRA = [  # (key, zh, en) columns of the export that the import ignores
    ("file_no", "档案编号", "File number"),
    ("code", "客户代码", "Customer code"),
    ("status", "状态", "Status"),
]
EXPORT_TAIL = [("created_at", "建档时间", "Created at"), ("updated_at", "更新时间", "Updated at")]
EXPORT_COLUMNS = [c for c in COLUMNS if not c.field.startswith("contact_")]


def export_headers(language: str | None = None) -> list[str]:
    lang = language or translation.get_language() or "zh-hans"
    zh = not lang.startswith("en")
    extra = [z if zh else e for _k, z, e in EXPORT_EXTRA]
    tail = [z if zh else e for _k, z, e in EXPORT_TAIL]
    return extra + [column_header(c, lang).rstrip("*") for c in EXPORT_COLUMNS] + tail


def write_workbook(
    out,
    *,
    title: str,
    headers: list[str],
    rows: Iterable[list],
    widths: dict[int, int] | None = None,
    formats: dict[int, str] | None = None,
) -> int:
    """Stream rows into a write-only workbook saved to `out` (a binary file); returns the row count.
    `formats` gives Excel number formats by column index (dates, amounts)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, width in (widths or {}).items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_bold_header(sheet, headers))
    formats = formats or {}
    count = 0
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            fmt = formats.get(index)
            if fmt and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = fmt
                cells.append(cell)
            else:
                cells.append(safe_cell(sheet, value))
        sheet.append(cells)
        count += 1
    workbook.save(out)
    return count

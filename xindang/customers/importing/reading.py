"""Reading an uploaded spreadsheet (.xlsx / .csv) into rows of cell values, and converting cells.

Users arrive from their old Excel files (seed 001 客户档案的管理模式 1: 简单的客户档案管理, files kept
"通过WORD、EXCEL"). This module knows file formats only — no queries, no writes: it sniffs the
content (never trusting the extension), finds the header row, maps Chinese or English headers to
fields, and converts cell values. Validation against the database lives in importing.validation.
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

import openpyxl
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import DomainError
from xindang.core.money import WAN, to_yuan

from .columns import COLUMN_BY_FIELD, HEADER_INDEX, REQUIRED_FIELDS, column_header, header_key
from .errors import ImportErrorCode, refuse

XLSX, CSV = "xlsx", "csv"


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


def check_ooxml(fileobj) -> None:
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


def guess_delimiter(text: str) -> str:
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
    check_ooxml(fileobj)
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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(text))
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

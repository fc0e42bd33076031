"""Every .xlsx the application writes, through one formula-safe cell writer.

A value a user typed ("=HYPERLINK(…)" as a customer name, "+86…", "@SUM(…)", a leading tab or carriage
return) never becomes a formula: every text is written as a string cell, and a text that starts with
one of DANGEROUS_PREFIXES also carries Excel's quote prefix, so that editing the cell in Excel (or
saving the sheet as CSV and opening it again) keeps it text. The text itself is kept as typed, so an
exported file reads back through the imports. Control characters, which make openpyxl refuse the whole
file, are dropped, and a text is cut at Excel's 32,767 characters per cell.

Numbers and dates stay numbers and dates: `amount(v)`, `date(v)`, `datetime(v)` or `formatted(v, fmt)`
give them their Excel number format; aware datetimes are written in local time.

Workbooks are write-only (rows stream to a temporary file, not into memory). `xlsx_response(columns,
rows, filename)` answers a one-sheet download; `Workbook` builds anything else (several sheets, title
lines, tables one under another) with the same cells.
"""

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook as _OpenpyxlWorkbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELL_CHARS = 32_767  # Excel's limit per cell
MAX_SHEET_TITLE = 31
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
SPOOL_BYTES = 8 * 1024 * 1024
_BOLD = Font(bold=True)


@dataclass(frozen=True)
class Formatted:
    """A value written with an Excel number format (and optionally bold)."""

    value: object
    number_format: str | None = None
    bold: bool = False


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header, its width (characters) and the number format of its values."""

    header: str
    width: float | None = None
    number_format: str | None = None


def is_dangerous(text: str) -> bool:
    """A text a spreadsheet would read as a formula (or as the start of one)."""
    return text.startswith(DANGEROUS_PREFIXES)


def clean_text(value) -> str:
    """The text as a cell holds it: control characters dropped, cut at Excel's limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_CHARS]


def text(value) -> str:
    """A value shown as text whatever its type (None is an empty cell)."""
    return "" if value is None else str(value)


def amount(value) -> Formatted | None:
    return None if value is None else Formatted(value, AMOUNT_FORMAT)


def date(value) -> Formatted | None:
    return None if value is None else Formatted(value, DATE_FORMAT)


def datetime(value, number_format: str = DATETIME_FORMAT) -> Formatted | None:
    return None if value is None else Formatted(value, number_format)


def formatted(value, number_format: str | None) -> Formatted | None:
    return None if value is None else Formatted(value, number_format)


def bold(value) -> Formatted:
    return Formatted(value, None, bold=True)


def _plain(value):
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def cell(sheet, value, number_format: str | None = None, *, strong: bool = False):
    """The one cell writer: a value for `sheet.append` that is never a formula."""
    if isinstance(value, Formatted):
        number_format = value.number_format or number_format
        strong = strong or value.bold
        value = value.value
    if value is None or value == "":
        return None  # an empty cell
    if isinstance(value, str) or not isinstance(
        value, int | float | Decimal | dt.date | dt.time | dt.timedelta
    ):
        value = clean_text(value)
        written = WriteOnlyCell(sheet, value=None)
        written._value, written.data_type = value, "s"  # a string cell, never "f" (formula) nor "e" (error)
        if is_dangerous(value):
            written.quotePrefix = True  # Excel keeps it text when the cell is edited or saved as CSV
    else:
        written = WriteOnlyCell(sheet, value=_plain(value))
        if number_format and not isinstance(value, bool):
            written.number_format = number_format
    if strong:
        written.font = _BOLD
    return written


class Sheet:
    """A write-only sheet whose every row goes through `cell`."""

    def __init__(self, sheet, columns: Sequence[Column] = ()):
        self._sheet = sheet
        self.formats = [c.number_format for c in columns]

    def width(self, index: int, characters: float) -> None:
        """Column width by 0-based index (set before the first row)."""
        self._sheet.column_dimensions[get_column_letter(index + 1)].width = characters

    def freeze(self, at: str) -> None:
        self._sheet.freeze_panes = at

    def list_validation(self, cells: str, source: str) -> None:
        """A drop-down on `cells` (e.g. "B2:B20001") offering the values of the range `source`."""
        validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=False)
        validation.add(cells)
        self._sheet.data_validations.append(validation)

    @property
    def title(self) -> str:
        return self._sheet.title

    def append(self, values: Iterable = (), *, strong: bool = False) -> None:
        formats = self.formats
        self._sheet.append(
            [
                cell(self._sheet, value, formats[i] if i < len(formats) else None, strong=strong)
                for i, value in enumerate(values)
            ]
        )

    def header(self, columns: Sequence[Column | str], *, strong: bool = False) -> None:
        self._sheet.append(
            [cell(self._sheet, c.header if isinstance(c, Column) else c, strong=strong) for c in columns]
        )


def sheet_title(title: str) -> str:
    return str(title)[:MAX_SHEET_TITLE]


class Workbook:
    """A write-only workbook of formula-safe sheets."""

    def __init__(self):
        self._book = _OpenpyxlWorkbook(write_only=True)

    def sheet(
        self,
        title: str,
        columns: Sequence[Column] = (),
        *,
        freeze: str | None = "A2",
        header: bool = True,
        bold_header: bool = False,
    ) -> Sheet:
        """A new sheet; with `columns`, their widths are set and their headers written as the first row."""
        sheet = Sheet(self._book.create_sheet(sheet_title(title)), columns)
        for index, column in enumerate(columns):
            if column.width:
                sheet.width(index, column.width)
        if freeze:
            sheet.freeze(freeze)
        if columns and header:
            sheet.header(columns, strong=bold_header)
        return sheet

    def save(self, out=None):
        """Saved to `out` (a binary file) or to a new spooled temporary file; returned rewound."""
        if out is None:
            out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - handed to the caller
        self._book.save(out)
        out.seek(0)
        return out

    def bytes(self) -> bytes:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
            return self.save(out).read()


def xlsx_file(columns: Sequence[Column], rows: Iterable[Iterable], *, title: str, bold_header=False):
    """One sheet (headers, then rows) as a rewound temporary file."""
    book = Workbook()
    sheet = book.sheet(title, columns, bold_header=bold_header)
    for row in rows:
        sheet.append(row)
    return book.save()


def xlsx_sheets(sheets: Iterable[tuple[str, Sequence[Column], Iterable[Iterable]]]):
    """Several sheets, each (title, columns, rows), as a rewound temporary file."""
    book = Workbook()
    for title, columns, rows in sheets:
        sheet = book.sheet(title, columns)
        for row in rows:
            sheet.append(row)
    return book.save()


def file_response(out, filename: str) -> FileResponse:
    """A download of a saved workbook (a rewound binary file)."""
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def xlsx_response(
    columns: Sequence[Column], rows: Iterable[Iterable], filename: str, *, title: str | None = None
) -> FileResponse:
    """A one-sheet .xlsx download: the columns' headers, then the rows."""
    return file_response(xlsx_file(columns, rows, title=title or filename.rsplit(".", 1)[0]), filename)


def xlsx_sheets_response(sheets, filename: str) -> FileResponse:
    """A download of several sheets, each (title, columns, rows)."""
    return file_response(xlsx_sheets(sheets), filename)

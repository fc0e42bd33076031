"""Every .xlsx the application writes goes through core.xlsx's one formula-safe cell writer."""

import ast
import datetime as dt
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xindang.core import xlsx

XINDANG = Path(__file__).resolve().parents[2]


def _written(values, columns=None):
    book = xlsx.Workbook()
    sheet = book.sheet("S", columns or [], freeze=None)
    sheet.append(values)
    return load_workbook(BytesIO(book.bytes()))["S"]


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [
        ('=HYPERLINK("http://evil.example","点我")', "="),
        ("=1+1", "="),
        ("+86 21 5555 0000", "+"),
        ("-2+3", "-"),
        ("@SUM(A1:A2)", "@"),
        ("\t=1+1", "tab"),
        ("\r=1+1", "carriage return"),
    ],
)
def test_a_dangerous_prefix_stays_text_as_typed(typed, prefix):
    """Each prefix a spreadsheet reads as (the start of) a formula: the cell is a string cell holding the
    text as typed, with Excel's quote prefix so that editing it keeps it text."""
    cell = _written([typed])["A1"]
    assert xlsx.is_dangerous(typed), prefix
    assert cell.value == typed.replace("\r", "\n")  # an XML reader gives a CR back as LF
    assert cell.data_type == "s"
    assert cell.quotePrefix is True


@pytest.mark.parametrize("typed", ["上海物资公司", "A=B", "#N/A", "1+1", "Total -5"])
def test_other_text_is_a_plain_string_cell(typed):
    cell = _written([typed])["A1"]
    assert cell.value == typed and cell.data_type == "s"
    assert not xlsx.is_dangerous(typed)
    assert cell.quotePrefix is False


def test_control_characters_are_dropped_and_long_text_cut():
    sheet = _written(["a\x00b\x1fc", "x" * 40_000])
    assert sheet["A1"].value == "abc"
    assert len(sheet["B1"].value) == xlsx.MAX_CELL_CHARS


def test_numbers_and_dates_keep_their_type_and_format():
    when = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)
    sheet = _written(
        [xlsx.amount(Decimal("1250.50")), xlsx.date(dt.date(2026, 3, 1)), 7, xlsx.datetime(when), None]
    )
    assert sheet["A1"].value == 1250.5 and sheet["A1"].number_format == xlsx.AMOUNT_FORMAT
    assert sheet["B1"].value == dt.datetime(2026, 3, 1) and sheet["B1"].number_format == xlsx.DATE_FORMAT
    assert sheet["C1"].value == 7
    assert sheet["D1"].value == dt.datetime(2026, 3, 1, 16, 30)  # local time (Asia/Shanghai)
    assert sheet["E1"].value is None


def test_xlsx_response_writes_headers_then_rows():
    columns = [xlsx.Column("名称", 30), xlsx.Column("金额", number_format=xlsx.AMOUNT_FORMAT)]
    response = xlsx.xlsx_response(columns, [["=1+1", Decimal("3.00")]], "x.xlsx", title="表")
    assert response["Content-Type"] == xlsx.XLSX_TYPE
    assert 'filename="x.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content)))["表"]
    assert [c.value for c in sheet[1]] == ["名称", "金额"]
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["B2"].number_format == xlsx.AMOUNT_FORMAT


def test_several_sheets():
    out = xlsx.xlsx_sheets([("一", [xlsx.Column("a")], [[1]]), ("二", [xlsx.Column("b")], [["-x"]])])
    book = load_workbook(out)
    assert book.sheetnames == ["一", "二"]
    assert book["二"]["A2"].quotePrefix is True


# --- The check: no workbook is written outside core ----------------------------------------------
def _workbooks_written(tree: ast.AST) -> list[int]:
    """Lines that create an openpyxl Workbook (openpyxl.Workbook(…), or Workbook imported from openpyxl)."""
    names = {"openpyxl"}
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
            for alias in node.names:
                if alias.name == "Workbook":
                    lines.append(node.lineno)
                if alias.name in ("WriteOnlyCell", "Cell"):
                    lines.append(node.lineno)  # a cell built by hand skips the safe writer
        if isinstance(node, ast.Import):
            names.update(a.asname or a.name for a in node.names if a.name == "openpyxl")
        if (
            (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "Workbook"
            )
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in names
        ):
            lines.append(node.lineno)
    return lines


def test_the_check_sees_a_workbook():
    assert _workbooks_written(ast.parse("from openpyxl import Workbook\nWorkbook()"))
    assert _workbooks_written(ast.parse("import openpyxl\nopenpyxl.Workbook(write_only=True)"))
    assert _workbooks_written(ast.parse("from openpyxl.cell import WriteOnlyCell"))
    assert not _workbooks_written(ast.parse("from openpyxl import load_workbook\nload_workbook(f)"))


def test_no_workbook_is_written_outside_core():
    """Exports build their .xlsx with core.xlsx (one formula-safe cell writer); reading an uploaded
    workbook (load_workbook) is fine anywhere. Tests may build workbooks to upload."""
    offenders = []
    for path in sorted(XINDANG.rglob("*.py")):
        relative = path.relative_to(XINDANG)
        if relative.parts[0] == "core" and path.name == "xlsx.py":
            continue
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        for line in _workbooks_written(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{relative}:{line}")
    assert offenders == [], "write .xlsx through xindang.core.xlsx: " + ", ".join(offenders)

"""An analysis document as .xlsx (one sheet per table; numbers stay numbers with their format, text
stays text through customers.exporting.safe_cell — never a formula) or as PDF (core.pdf)."""

from __future__ import annotations

import re
import tempfile
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xindang.core import pdf
from xindang.customers.exporting import safe_cell

from .tables import INT, MONEY, PERCENT, RATIO, SHARE, Document, show

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {MONEY: "#,##0.00", SHARE: "0.0%", PERCENT: "0.0", RATIO: "0.00", INT: "0"}
_SHEET_BAD = re.compile(r"[\[\]\*\?/\\:]")


def _sheet_title(title: str, used: set) -> str:
    base = _SHEET_BAD.sub(" ", title)[:28].strip() or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name


def _bold(sheet, text):
    cell = safe_cell(sheet, str(text))
    if not hasattr(cell, "font"):  # plain text: safe_cell returns the value itself
        cell = WriteOnlyCell(sheet, value=cell)
    cell.font = Font(bold=True)
    return cell


def write_xlsx(doc: Document) -> tempfile.SpooledTemporaryFile:
    workbook = Workbook(write_only=True)
    used: set = set()
    for table in doc.tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        for index in range(len(table.columns)):
            sheet.column_dimensions[get_column_letter(index + 1)].width = 28 if index == 0 else 16
        sheet.append([_bold(sheet, doc.title)])
        sheet.append([safe_cell(sheet, f"{table.title} · {doc.subtitle}" if doc.subtitle else table.title)])
        sheet.append([_bold(sheet, c.label) for c in table.columns])
        for row in table.rows:
            cells = []
            for column, value in zip(table.columns, row, strict=True):
                fmt = NUMBER_FORMATS.get(column.kind)
                if fmt and isinstance(value, Decimal | int | float) and value is not None:
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = fmt
                    cells.append(cell)
                else:
                    cells.append(safe_cell(sheet, "" if value is None else str(value)))
            sheet.append(cells)
        for note in [table.note, *([] if table.rows else [table.empty])]:
            if note:
                sheet.append([safe_cell(sheet, note)])
    if doc.notes:
        sheet = workbook.create_sheet(_sheet_title(_("Notes"), used))
        for note in doc.notes:
            sheet.append([safe_cell(sheet, note)])
    if not doc.tables and not doc.notes:
        workbook.create_sheet(doc.title[:28])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed to FileResponse
    workbook.save(out)
    out.seek(0)
    return out


def write_pdf(doc: Document, *, company: str, printed_by: str) -> bytes:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    st = pdf.styles(9)
    story = pdf.letterhead(company, doc.title, subtitle=doc.subtitle)
    width = 178 * mm
    for table in doc.tables:
        story.append(pdf.para(table.title, st.head))
        story.append(Spacer(1, 1.5 * mm))
        if table.rows:
            n = len(table.columns)
            first = min(60 * mm, width / 2) if n > 2 else width / n
            rest = (width - first) / max(1, n - 1)
            rows = [[c.label for c in table.columns]]
            rows += [[show(v, c.kind) for c, v in zip(table.columns, row, strict=True)] for row in table.rows]
            story.append(pdf.table(rows, [first] + [rest] * (n - 1), header=True, label_columns=()))
        elif table.empty:
            story.append(pdf.para(table.empty, st.body))
        if table.note:
            story.append(pdf.para(table.note, st.body))
        story.append(Spacer(1, 4 * mm))
    for note in doc.notes:
        story.append(pdf.para(note, st.body))
    footer = _("Printed by %(who)s · %(at)s") % {
        "who": printed_by,
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    return pdf.render(story, title=doc.title, author=company, footer=footer)

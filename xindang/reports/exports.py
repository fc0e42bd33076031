"""An analysis document as .xlsx (one sheet per table; numbers stay numbers with their format, text
stays text through core.xlsx — never a formula) or as PDF (core.pdf)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core import pdf, xlsx

from .tables import INT, MONEY, PERCENT, RATIO, SHARE, Document, show

NUMBER_FORMATS = {MONEY: "#,##0.00", SHARE: "0.0%", PERCENT: "0.0", RATIO: "0.00", INT: "0"}
_SHEET_BAD = re.compile(r"[\[\]\*\?/\\:]")


def _sheet_title(title: str, used: set) -> str:
    base = _SHEET_BAD.sub(" ", title)[:28].strip() or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name


def write_xlsx(doc: Document):
    book = xlsx.Workbook()
    used: set = set()
    for table in doc.tables:
        sheet = book.sheet(_sheet_title(table.title, used), freeze=None)
        for index in range(len(table.columns)):
            sheet.width(index, 28 if index == 0 else 16)
        sheet.append([doc.title], strong=True)
        sheet.append([f"{table.title} · {doc.subtitle}" if doc.subtitle else table.title])
        sheet.append([c.label for c in table.columns], strong=True)
        for row in table.rows:
            sheet.append(
                [
                    xlsx.Formatted(value, NUMBER_FORMATS[column.kind])
                    if column.kind in NUMBER_FORMATS and isinstance(value, Decimal | int | float)
                    else xlsx.text(value)
                    for column, value in zip(table.columns, row, strict=True)
                ]
            )
        for note in [table.note, *([] if table.rows else [table.empty])]:
            if note:
                sheet.append([note])
    if doc.notes:
        sheet = book.sheet(_sheet_title(_("Notes"), used), freeze=None)
        for note in doc.notes:
            sheet.append([note])
    if not doc.tables and not doc.notes:
        book.sheet(doc.title[:28], freeze=None)
    return book.save()


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

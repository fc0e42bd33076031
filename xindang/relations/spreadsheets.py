"""Complaint statistics as .xlsx, the survey import template, and reading an answers workbook."""

from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from xindang.core import xlsx


def write_statistics_xlsx(rows, by: str):
    heading = {
        "cause": _("Cause"),
        "product": _("Product or service"),
        "department": _("Department"),
        "month": _("Month"),
    }
    book = xlsx.Workbook()
    columns = [
        xlsx.Column(heading.get(by, by), width=30),
        *map(xlsx.Column, (_("Complaints"), _("Open"), _("Serious"))),
    ]
    sheet = book.sheet(_("Complaint statistics"), columns, freeze=None)
    for r in rows:
        sheet.append([r.label, r.total, r.open, r.serious])
    sheet.append(
        [_("Total"), sum(r.total for r in rows), sum(r.open for r in rows), sum(r.serious for r in rows)]
    )
    return book.save()


def write_import_template(questionnaire):
    """The answers sheet for a campaign: customer (file number or name), date, one column per question."""
    questions = list(questionnaire.questions.all())
    headers = [
        _("Customer (file number or name)"),
        _("Answered on"),
        *[q.text for q in questions],
        _("Comment"),
    ]
    book = xlsx.Workbook()
    book.sheet(_("Answers"), [xlsx.Column(h) for h in headers], freeze=None)
    return book.save()


def read_rows(file, questionnaire) -> list[dict]:
    """Rows of an answers workbook as {row, customer, answered_on, scores{question pk: raw}, comment}.
    Raises ValueError when the file is not a readable workbook. Scores are checked by the service."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:
        raise ValueError("unreadable") from exc
    sheet = workbook.worksheets[0]
    questions = list(questionnaire.questions.all())
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        values = list(values) + [None] * (len(questions) + 3)
        if all(v in (None, "") for v in values[: len(questions) + 2]):
            continue
        answered = values[1]
        if isinstance(answered, datetime):
            answered = answered.date()
        elif isinstance(answered, str):
            try:
                answered = date.fromisoformat(answered.strip())
            except ValueError:
                answered = None
        elif not isinstance(answered, date):
            answered = None
        scores = {}
        for i, q in enumerate(questions):
            raw = values[2 + i]
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            scores[q.pk] = raw
        rows.append(
            {
                "row": number,
                "customer": values[0],
                "answered_on": answered,
                "scores": scores,
                "comment": str(values[2 + len(questions)] or ""),
            }
        )
    workbook.close()
    return rows

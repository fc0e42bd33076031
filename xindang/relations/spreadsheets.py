"""Complaint statistics as .xlsx, the survey import template, and reading an answers workbook."""

import tempfile
from datetime import date, datetime

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value):
    # A value typed by a user ("=HYPERLINK(…)") stays text, never a formula.
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32_767]
        if value[:1] in ("=", "+", "-", "@"):
            value = "'" + value
    return value


def _saved(workbook):
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed to FileResponse
    workbook.save(out)
    out.seek(0)
    return out


def write_statistics_xlsx(rows, by: str):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Complaint statistics")[:31]
    heading = {
        "cause": _("Cause"),
        "product": _("Product or service"),
        "department": _("Department"),
        "month": _("Month"),
    }
    sheet.append([heading.get(by, by), _("Complaints"), _("Open"), _("Serious")])
    for r in rows:
        sheet.append([_safe(r.label), r.total, r.open, r.serious])
    sheet.append(
        [_("Total"), sum(r.total for r in rows), sum(r.open for r in rows), sum(r.serious for r in rows)]
    )
    sheet.column_dimensions["A"].width = 30
    return _saved(workbook)


def write_import_template(questionnaire):
    """The answers sheet for a campaign: customer (file number or name), date, one column per question."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Answers")[:31]
    questions = list(questionnaire.questions.all())
    sheet.append(
        [
            _("Customer (file number or name)"),
            _("Answered on"),
            *[_safe(q.text) for q in questions],
            _("Comment"),
        ]
    )
    return _saved(workbook)


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

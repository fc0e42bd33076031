"""The contract ledger and the statistics report as .xlsx (openpyxl write-only: rows stream to disk)."""

import tempfile

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from . import rules
from .models import EventKind, Kind, Status

MAX_EXPORT_ROWS = 1_000_000  # an .xlsx sheet holds 1,048,576 rows
MAX_CELL_CHARS = 32_767
AMOUNT_FORMAT = "#,##0.00"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(sheet, value) -> WriteOnlyCell:
    # A value typed by a user ("=HYPERLINK(…)" as a title) stays text, never a formula.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))[:MAX_CELL_CHARS])
    cell.data_type = "s"
    return cell


def _amount(sheet, value):
    if value is None:
        return ""
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = AMOUNT_FORMAT
    return cell


def _date(sheet, value):
    if value is None:
        return ""
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "yyyy-mm-dd"
    return cell


def _saved(workbook) -> tempfile.SpooledTemporaryFile:
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed to FileResponse
    workbook.save(out)
    out.seek(0)
    return out


def write_ledger_xlsx(contracts, state_labels: dict) -> tempfile.SpooledTemporaryFile:
    """The ledger (合同管理台帐): contracts with `handover_state` attributes set by the caller."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Contract ledger"))
    sheet.freeze_panes = "A2"
    widths = (20, 30, 16, 30, 10, 14, 10, 16, 6, 12, 12, 12, 10, 16, 10, 14, 30)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append(
        [
            _("Contract number"),
            _("Customer"),
            _("File number"),
            _("Title"),
            _("Type"),
            _("Department"),
            _("Handler"),
            _("Amount"),
            _("Currency"),
            _("Signed on"),
            _("Starts on"),
            _("Ends on"),
            _("Status"),
            _("Credit limit"),
            _("Payment term (days)"),
            _("Handover"),
            _("Notes"),
        ]
    )
    kinds, statuses = dict(Kind.choices), dict(Status.choices)
    for c in contracts:
        sheet.append(
            [
                _text(sheet, c.contract_no),
                _text(sheet, c.customer.name),
                _text(sheet, c.customer.file_no),
                _text(sheet, c.title),
                _text(sheet, kinds.get(c.kind, c.kind)),
                _text(sheet, c.department.name),
                _text(sheet, c.handler.get_full_name() or c.handler.username),
                _amount(sheet, c.amount),
                _text(sheet, c.currency),
                _date(sheet, c.signed_on),
                _date(sheet, c.starts_on),
                _date(sheet, c.ends_on),
                _text(sheet, statuses.get(c.status, c.status)),
                _amount(sheet, c.credit_limit_amount),
                "" if c.credit_term_days is None else c.credit_term_days,
                _text(sheet, state_labels.get(c.handover_state, "")),
                _text(sheet, c.notes),
            ]
        )
    return _saved(workbook)


def group_label(dimension: str, key: str) -> str:
    if dimension == "kind":
        return str(dict(Kind.choices).get(key, key))
    if dimension == "status":
        return str(dict(Status.choices).get(key, key))
    if dimension == "movement":
        return _("New (signed)") if key == "new" else str(dict(EventKind.choices).get(key, key))
    return key


def write_statistics_xlsx(stats: rules.Statistics, title: str) -> tempfile.SpooledTemporaryFile:
    """The contract statistics report (合同统计报表, 001 客户信用档案建立与管理制度 4): one sheet, one table
    per dimension."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Contract statistics"))
    sheet.column_dimensions["A"].width = 28
    for index in range(len(stats.currencies) + 1):
        sheet.column_dimensions[chr(ord("B") + index)].width = 18
    sheet.append([_text(sheet, title)])
    sheet.append([_("Period"), _date(sheet, stats.start), _date(sheet, stats.end)])
    tables = [
        ("movement", _("Movements in the period"), stats.movements),
        ("department", _("Contracts signed in the period by department"), stats.by_department),
        ("kind", _("Contracts signed in the period by type"), stats.by_kind),
        ("status", _("Contracts signed in the period by status"), stats.by_status),
    ]
    header_amounts = [_("Amount (%(currency)s)") % {"currency": c} for c in stats.currencies]
    for dimension, heading, groups in tables:
        sheet.append([])
        sheet.append([_text(sheet, heading)])
        sheet.append(["", _("Count"), *header_amounts])
        for group in groups:
            sheet.append(
                [
                    _text(sheet, group_label(dimension, group.key)),
                    group.count,
                    *[_amount(sheet, group.amounts.get(c)) for c in stats.currencies],
                ]
            )
        if dimension != "movement":
            sheet.append(
                [
                    _("Total"),
                    stats.total.count,
                    *[_amount(sheet, stats.total.amounts.get(c)) for c in stats.currencies],
                ]
            )
    return _saved(workbook)

"""The evaluations list as .xlsx (openpyxl write-only: rows stream to disk)."""

import tempfile

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_EXPORT_ROWS = 1_000_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AMOUNT_FORMAT = "#,##0.00"


def _text(sheet, value) -> WriteOnlyCell:
    # User text (a report starting with "=") stays text, never a formula.
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))[:32_767])
    cell.data_type = "s"
    return cell


def _amount(sheet, value):
    if value is None:
        return ""
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = AMOUNT_FORMAT
    return cell


def _when(value):
    return value.strftime("%Y-%m-%d") if value else ""


def write_evaluations_xlsx(evaluations) -> tempfile.SpooledTemporaryFile:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Grant evaluations"))
    sheet.freeze_panes = "A2"
    headers = [
        _("Month"),
        _("File number"),
        _("Customer"),
        _("Department"),
        _("Salesperson"),
        _("Credit limit"),
        _("Term (days)"),
        _("Exposure at the start of the month"),
        _("Peak exposure"),
        _("Peak on"),
        _("Exposure at the end of the month"),
        _("Credit shipments"),
        _("Collections"),
        _("Overdue at month end"),
        _("Oldest overdue (days)"),
        _("Days over the limit"),
        _("Over-limit approvals used"),
        _("Blocked credit checks"),
        _("Promises made"),
        _("Promises kept"),
        _("Promises broken"),
        _("Status"),
        _("Signed by (finance)"),
        _("Controller's remarks"),
        _("Reported by"),
        _("Report"),
        _("Reviewed by"),
        _("Review opinion"),
        _("Proposed new limit"),
        _("opinion signed by (VP marketing)"),
        _("VP marketing's opinion"),
    ]
    widths = [9, 14, 30, 12, 10] + [14] * 16 + [12, 10, 30, 10, 40, 10, 40, 14, 10, 40]
    for index, width in enumerate(widths):
        column = index + 1
        letter = (chr(ord("A") + (column - 1) // 26 - 1) if column > 26 else "") + chr(
            ord("A") + (column - 1) % 26
        )
        sheet.column_dimensions[letter].width = width
    sheet.append(headers)
    for ev in evaluations:
        customer = ev.customer
        sheet.append(
            [
                ev.month.strftime("%Y-%m"),
                _text(sheet, customer.file_no),
                _text(sheet, customer.name),
                _text(sheet, customer.department.name if customer.department_id else ""),
                _text(sheet, ev.salesperson.get_full_name() if ev.salesperson_id else ""),
                _amount(sheet, ev.limit_amount),
                ev.term_days,
                _amount(sheet, ev.opening_exposure_amount),
                _amount(sheet, ev.peak_exposure_amount),
                _when(ev.peak_exposure_on),
                _amount(sheet, ev.end_exposure_amount),
                _amount(sheet, ev.shipments_amount),
                _amount(sheet, ev.collections_amount),
                _amount(sheet, ev.overdue_amount),
                ev.oldest_overdue_days,
                ev.days_over_limit,
                ev.over_limit_approvals,
                ev.blocked_checks,
                ev.promises_made,
                ev.promises_kept,
                ev.promises_broken,
                _text(sheet, ev.get_status_display()),
                _text(sheet, ev.controller_signed_by.get_full_name() if ev.controller_signed_by_id else ""),
                _text(sheet, ev.controller_remarks),
                _text(sheet, ev.reported_by.get_full_name() if ev.reported_by_id else ""),
                _text(sheet, ev.operations_report),
                _text(sheet, ev.reviewed_by.get_full_name() if ev.reviewed_by_id else ""),
                _text(sheet, ev.review_opinion),
                _amount(sheet, ev.proposed_limit_amount),
                _text(sheet, ev.vp_signed_by.get_full_name() if ev.vp_signed_by_id else ""),
                _text(sheet, ev.vp_opinion),
            ]
        )
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed to FileResponse
    workbook.save(out)
    out.seek(0)
    return out

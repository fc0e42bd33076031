"""The destruction register (销毁清册) as .xlsx (openpyxl write-only); every text cell is written as text,
so a title typed as "=HYPERLINK(…)" never becomes a formula."""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELL_CHARS = 32_767


def _text(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))[:MAX_CELL_CHARS])
    cell.data_type = "s"
    return cell


def _date(sheet, value, fmt="yyyy-mm-dd"):
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value).replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = fmt
    return cell


def register_xlsx(rows: list[dict]) -> tempfile.SpooledTemporaryFile:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Destruction register"))
    sheet.freeze_panes = "A2"
    header = [
        _("Disposal"),
        _("Customer"),
        _("File number"),
        _("Title"),
        _("Category"),
        _("Retention"),
        _("Retention class"),
        _("Retention passed on"),
        _("Policy version"),
        _("Reason"),
        _("Appraisal"),
        _("Requested by"),
        _("Approved by"),
        _("Approved at"),
        _("Witnesses"),
        _("Carried out by"),
        _("Carried out at"),
        _("Versions"),
        _("Size (bytes)"),
        _("Stored files erased"),
    ]
    sheet.append([_text(sheet, h) for h in header])
    for r in rows:
        sheet.append(
            [
                _text(sheet, r["number"]),
                _text(sheet, r["customer"]),
                _text(sheet, r["file_no"]),
                _text(sheet, r["title"]),
                _text(sheet, r["category"]),
                _text(sheet, r["retention"]),
                _text(sheet, r["retention_class"]),
                _date(sheet, r["passed_on"]),
                r["policy_version"] or "",
                _text(sheet, r["reason"]),
                _text(sheet, r["appraisal_reason"]),
                _text(sheet, r["requested_by"]),
                _text(sheet, r["approved_by"]),
                _date(sheet, r["approved_at"], "yyyy-mm-dd hh:mm"),
                _text(sheet, r["witnesses"]),
                _text(sheet, r["carried_out_by"]),
                _date(sheet, r["carried_out_at"], "yyyy-mm-dd hh:mm"),
                r["versions"],
                r["bytes"],
                r["erased_files"],
            ]
        )
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed to FileResponse
    workbook.save(out)
    out.seek(0)
    return out

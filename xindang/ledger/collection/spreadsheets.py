"""Ageing and the open collection work as .xlsx (openpyxl write-only)."""

import tempfile
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AMOUNT_FORMAT = "#,##0.00"


def _text(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))[:32767])
    cell.data_type = "s"  # never a formula
    return cell


def _amount(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = AMOUNT_FORMAT
    return cell


def _date(sheet, value):
    if value is None:
        return ""
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = "yyyy-mm-dd"
    return cell


def _saved(workbook):
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - handed to FileResponse
    workbook.save(out)
    out.seek(0)
    return out


def bucket_label(bucket) -> str:
    if bucket.low is None:
        return _("Not due")
    if bucket.high is None:
        return _("Over %(days)s days") % {"days": bucket.low - 1}
    return _("%(low)s–%(high)s days") % {"low": bucket.low, "high": bucket.high}


def ageing_xlsx(report):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Ageing"))
    sheet.freeze_panes = "B3"
    sheet.append([_text(sheet, _("Receivables ageing as of %(on)s") % {"on": report.on.isoformat()})])
    sheet.append([_("Name"), _("Code"), *[bucket_label(b) for b in report.buckets], _("Overdue"), _("Total")])
    for row in report.rows:
        sheet.append(
            [
                _text(sheet, row.label),
                _text(sheet, row.sub),
                *[_amount(sheet, a) for a in row.amounts],
                _amount(sheet, row.overdue),
                _amount(sheet, row.total),
            ]
        )
    t = report.totals
    sheet.append(
        [
            _("Total"),
            "",
            *[_amount(sheet, a) for a in t.amounts],
            _amount(sheet, t.overdue),
            _amount(sheet, t.total),
        ]
    )
    return _saved(workbook)


def work_xlsx(items):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Collection"))
    sheet.freeze_panes = "A2"
    sheet.append(
        [_("Type"), _("Customer"), _("File number"), _("Due"), _("Overdue"), _("Summary"), _("Person")]
    )
    for i in items:
        sheet.append(
            [
                _text(sheet, i.kind_label),
                _text(sheet, i.customer.name),
                _text(sheet, i.customer.file_no),
                _date(sheet, i.due),
                _("yes") if i.overdue else "",
                _text(sheet, i.summary),
                _text(sheet, i.owner.get_full_name() if i.owner else ""),
            ]
        )
    return _saved(workbook)


def statement_xlsx(statement):
    """The balance statement (对帐单, 002 第三十五条) as .xlsx: its open items and the balance."""

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Balance statement"))
    sheet.append(
        [
            _text(
                sheet,
                _("Balance statement of %(customer)s as of %(on)s")
                % {"customer": statement.customer.name, "on": statement.as_of.isoformat()},
            )
        ]
    )
    sheet.append([_("Entry"), _("Kind"), _("Date"), _("Due"), _("Amount"), _("Open amount")])
    for item in statement.items:
        sheet.append(
            [
                item["entry_id"],
                _text(sheet, item["kind"]),
                _text(sheet, item["entry_on"]),
                _text(sheet, item.get("due_on") or ""),
                _amount(sheet, Decimal(item["amount"])),
                _amount(sheet, Decimal(item["open_amount"])),
            ]
        )
    sheet.append([_("Total"), "", "", "", "", _amount(sheet, statement.balance)])
    return _saved(workbook)

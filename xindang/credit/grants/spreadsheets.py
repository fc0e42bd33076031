"""Credit grants and the policy back-test as .xlsx (openpyxl write-only: rows stream to disk)."""

import tempfile

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

AMOUNT_FORMAT = "#,##0.00"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(sheet, value) -> WriteOnlyCell:
    # A value typed by a user ("=HYPERLINK(…)") stays text, never a formula.
    cell = WriteOnlyCell(
        sheet, value=ILLEGAL_CHARACTERS_RE.sub("", str(value if value is not None else ""))[:32767]
    )
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


def _saved(workbook) -> bytes:
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
        workbook.save(out)
        out.seek(0)
        return out.read()


def write_grants_xlsx(grants) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Credit grants"))
    sheet.freeze_panes = "A2"
    sheet.append(
        [
            _("Customer"),
            _("File number"),
            _("Department"),
            _("Grade"),
            _("Kind"),
            _("Credit limit"),
            _("Term (days)"),
            _("Ceiling"),
            _("Status"),
            _("Valid from"),
            _("Valid until"),
            _("Requested by"),
            _("Requested at"),
            _("Reason"),
        ]
    )
    for g in grants:
        sheet.append(
            [
                _text(sheet, g.customer.name),
                _text(sheet, g.customer.file_no),
                _text(sheet, g.customer.department.name if g.customer.department_id else ""),
                _text(sheet, getattr(g, "grade_label", g.grade)),
                _text(sheet, g.get_kind_display()),
                _amount(sheet, g.limit_amount),
                g.term_days,
                _amount(sheet, g.ceiling_amount),
                _text(sheet, getattr(g, "status_label", g.get_status_display())),
                _date(sheet, g.valid_from),
                _date(sheet, g.valid_until),
                _text(sheet, g.requested_by or ""),
                _text(sheet, g.requested_at.strftime("%Y-%m-%d %H:%M") if g.requested_at else ""),
                _text(sheet, g.reason),
            ]
        )
    return _saved(workbook)


def write_backtest_xlsx(result, grade_label) -> bytes:
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary"))
    summary.append([_("Draft policy version"), result.draft_number])
    summary.append([_("Version in force"), result.in_force_number])
    summary.append([_("As of"), result.on.isoformat()])
    summary.append([_("Customers"), result.customers])
    summary.append([_("Grade would change"), result.grade_changed])
    summary.append([_("Ceiling raised"), result.ceiling_raised])
    summary.append([_("Ceiling lowered"), result.ceiling_lowered])
    summary.append([_("Ceiling below current limit"), result.below_limit])
    summary.append([_("Would be blocked"), result.blocked])
    summary.append([_("Newly blocked by the draft"), result.newly_blocked])
    sheet = workbook.create_sheet(_("Changes"))
    sheet.freeze_panes = "A2"
    sheet.append(
        [
            _("Customer"),
            _("File number"),
            _("Department"),
            _("Grade (in force)"),
            _("Grade (draft)"),
            _("Current limit"),
            _("Ceiling (in force)"),
            _("Ceiling (draft)"),
            _("Exposure"),
            _("Grade changes"),
            _("Below limit"),
            _("Blocked"),
            _("Newly blocked"),
        ]
    )
    for r in result.rows:
        sheet.append(
            [
                _text(sheet, r.name),
                _text(sheet, r.file_no),
                _text(sheet, r.department),
                _text(sheet, grade_label(r.grade_old)),
                _text(sheet, grade_label(r.grade_new)),
                _amount(sheet, r.limit_amount),
                _amount(sheet, r.ceiling_old),
                _amount(sheet, r.ceiling_new),
                _amount(sheet, r.exposure),
                _("yes") if r.grade_changed else "",
                _("yes") if r.below_limit else "",
                _("yes") if r.blocked else "",
                _("yes") if r.newly_blocked else "",
            ]
        )
    return _saved(workbook)

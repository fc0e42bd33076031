"""Credit grants and the policy back-test as .xlsx (core.xlsx: rows stream to disk)."""

from django.utils.translation import gettext as _

from xindang.core import xlsx


def write_grants_xlsx(grants) -> bytes:
    book = xlsx.Workbook()
    sheet = book.sheet(_("Credit grants"))
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
                xlsx.text(g.customer.name),
                xlsx.text(g.customer.file_no),
                xlsx.text(g.customer.department.name if g.customer.department_id else ""),
                xlsx.text(getattr(g, "grade_label", g.grade)),
                xlsx.text(g.get_kind_display()),
                xlsx.amount(g.limit_amount),
                g.term_days,
                xlsx.amount(g.ceiling_amount),
                xlsx.text(getattr(g, "status_label", g.get_status_display())),
                xlsx.date(g.valid_from),
                xlsx.date(g.valid_until),
                xlsx.text(g.requested_by or ""),
                xlsx.text(g.requested_at.strftime("%Y-%m-%d %H:%M") if g.requested_at else ""),
                xlsx.text(g.reason),
            ]
        )
    return book.bytes()


def write_backtest_xlsx(result, grade_label) -> bytes:
    book = xlsx.Workbook()
    summary = book.sheet(_("Summary"), freeze=None)
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
    sheet = book.sheet(_("Changes"))
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
                xlsx.text(r.name),
                xlsx.text(r.file_no),
                xlsx.text(r.department),
                xlsx.text(grade_label(r.grade_old)),
                xlsx.text(grade_label(r.grade_new)),
                xlsx.amount(r.limit_amount),
                xlsx.amount(r.ceiling_old),
                xlsx.amount(r.ceiling_new),
                xlsx.amount(r.exposure),
                _("yes") if r.grade_changed else "",
                _("yes") if r.below_limit else "",
                _("yes") if r.blocked else "",
                _("yes") if r.newly_blocked else "",
            ]
        )
    return book.bytes()

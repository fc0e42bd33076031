"""The evaluations list as .xlsx (core.xlsx: rows stream to disk)."""

from django.utils.translation import gettext as _

from xindang.core import xlsx

MAX_EXPORT_ROWS = 1_000_000


def _when(value):
    return value.strftime("%Y-%m-%d") if value else ""


def write_evaluations_xlsx(evaluations):
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
    book = xlsx.Workbook()
    sheet = book.sheet(
        _("Grant evaluations"), [xlsx.Column(h, w) for h, w in zip(headers, widths, strict=True)]
    )
    for ev in evaluations:
        customer = ev.customer
        sheet.append(
            [
                ev.month.strftime("%Y-%m"),
                xlsx.text(customer.file_no),
                xlsx.text(customer.name),
                xlsx.text(customer.department.name if customer.department_id else ""),
                xlsx.text(ev.salesperson.get_full_name() if ev.salesperson_id else ""),
                xlsx.amount(ev.limit_amount),
                ev.term_days,
                xlsx.amount(ev.opening_exposure_amount),
                xlsx.amount(ev.peak_exposure_amount),
                _when(ev.peak_exposure_on),
                xlsx.amount(ev.end_exposure_amount),
                xlsx.amount(ev.shipments_amount),
                xlsx.amount(ev.collections_amount),
                xlsx.amount(ev.overdue_amount),
                ev.oldest_overdue_days,
                ev.days_over_limit,
                ev.over_limit_approvals,
                ev.blocked_checks,
                ev.promises_made,
                ev.promises_kept,
                ev.promises_broken,
                xlsx.text(ev.get_status_display()),
                xlsx.text(ev.controller_signed_by.get_full_name() if ev.controller_signed_by_id else ""),
                xlsx.text(ev.controller_remarks),
                xlsx.text(ev.reported_by.get_full_name() if ev.reported_by_id else ""),
                xlsx.text(ev.operations_report),
                xlsx.text(ev.reviewed_by.get_full_name() if ev.reviewed_by_id else ""),
                xlsx.text(ev.review_opinion),
                xlsx.amount(ev.proposed_limit_amount),
                xlsx.text(ev.vp_signed_by.get_full_name() if ev.vp_signed_by_id else ""),
                xlsx.text(ev.vp_opinion),
            ]
        )
    return book.save()

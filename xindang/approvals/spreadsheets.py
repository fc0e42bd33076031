"""The approvals list as .xlsx (core.xlsx)."""

from django.utils.translation import gettext as _

from xindang.accounts.roles import role_label
from xindang.core import xlsx

MAX_EXPORT_ROWS = 20000


def write_approvals_xlsx(approvals):
    book = xlsx.Workbook()
    ws = book.sheet(_("Approvals"), freeze=None)
    ws.append(
        [
            _("No."),
            _("Kind"),
            _("Title"),
            _("Customer"),
            _("Amount"),
            _("Requested by"),
            _("Requested at"),
            _("Status"),
            _("Current step"),
            _("Decided at"),
        ]
    )
    for a in approvals:
        chain = a.chain or []
        current = (
            str(role_label(chain[a.current_position - 1]))
            if a.is_pending and len(chain) >= a.current_position
            else ""
        )
        ws.append(
            [
                a.pk,
                a.kind_label,
                a.display_title,
                a.customer_name,
                a.amount,
                str(a.requested_by),
                a.requested_at,
                str(a.get_status_display()),
                current,
                a.decided_at,
            ]
        )
    return book.save()

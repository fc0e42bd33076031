"""The approvals list as .xlsx (openpyxl, write-only)."""

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from xindang.accounts.roles import role_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_EXPORT_ROWS = 20000


def _clean(value):
    if isinstance(value, str):
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n")
    return value


def write_approvals_xlsx(approvals) -> BytesIO:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Approvals"))
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
                _clean(a.kind_label),
                _clean(a.display_title),
                _clean(a.customer_name),
                a.amount,
                _clean(str(a.requested_by)),
                timezone.localtime(a.requested_at).replace(tzinfo=None),
                str(a.get_status_display()),
                current,
                timezone.localtime(a.decided_at).replace(tzinfo=None) if a.decided_at else None,
            ]
        )
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out

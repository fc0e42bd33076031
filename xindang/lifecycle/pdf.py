"""The printed borrowing slip (借阅单, seed 000 客户信息管理办法 三.2–三.6; 001 客户信用档案建立与管理制度 6):
who borrows what, for what, when lent and due back, the office director's signature (000 4.5), the
borrower's undertaking, and the return — laid out like the paper slip with signature lines."""

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from xindang.core import pdf

# The borrower's undertaking, as the regulation words it (000 客户信息管理办法 三.4–三.6).
UNDERTAKING = (
    "借阅者在查阅过程中不得随意对资料进行涂改、圈划、撕页等;不得私自将资料进行复制、摘抄或转借他人;"
    "资料发生破坏、失窃等情况时,当事者要提交书面报告。"
)


def _day(value) -> str:
    return value.isoformat() if value else "____年__月__日"


def loan_slip_pdf(loan, items, *, company: str = "", printed_by=None) -> bytes:
    st = pdf.styles()
    customer = loan.customer
    story = pdf.letterhead(company, "客户档案借阅单", number=f"{_('Slip number')}: {loan.number}")
    what = (
        [_("Whole customer file")]
        if loan.whole_file
        else [f"{i.document.category} · {i.document.title}" for i in items if i.document_id]
    )
    story.append(
        pdf.table(
            [
                [_("Customer"), customer.name, _("File number"), customer.file_no],
                [_("Borrower"), str(loan.borrower), _("Department"), str(loan.borrower.department or "—")],
                [_("Purpose"), loan.purpose, "", ""],
                [_("Lent on"), _day(loan.lent_on), _("Due back on"), _day(loan.due_on)],
            ],
            [26 * mm, 68 * mm, 26 * mm, 58 * mm],
            label_columns=(0, 2),
            extra=[("SPAN", (1, 2), (3, 2))],
        )
    )
    story.append(Spacer(1, 3 * mm))
    story.append(pdf.para(_("Originals lent"), st.head))
    story.append(
        pdf.table(
            [["#", _("Document")], *[[str(n), text] for n, text in enumerate(what, 1)]],
            [12 * mm, 166 * mm],
            header=True,
            label_columns=(),
        )
    )
    story.append(Spacer(1, 3 * mm))
    story.append(pdf.para(UNDERTAKING, st.small))
    story.append(Spacer(1, 4 * mm))
    signer = str(loan.slip_signed_by) if loan.slip_signed_by_id else ""
    story.append(
        pdf.table(
            [
                [_("Borrower's signature"), "", _("Date"), ""],
                [_("Approved by (office director)"), signer, _("Date"), ""],
                [_("Archivist"), str(loan.lent_by), _("Date"), _day(loan.lent_on)],
            ],
            [40 * mm, 64 * mm, 20 * mm, 54 * mm],
            label_columns=(0, 2),
        )
    )
    story.append(Spacer(1, 4 * mm))
    story.append(pdf.para(_("Return"), st.head))
    condition = loan.get_return_condition_display() if loan.returned_on else ""
    story.append(
        pdf.table(
            [
                [_("Returned on"), _day(loan.returned_on), _("Condition"), condition],
                [_("Received back by"), str(loan.returned_to or ""), _("Note"), loan.return_note],
            ],
            [30 * mm, 59 * mm, 30 * mm, 59 * mm],
            label_columns=(0, 2),
        )
    )
    footer = _("Printed %(at)s") % {"at": f"{timezone.localtime():%Y-%m-%d %H:%M}"}
    if printed_by is not None:
        footer += f" · {printed_by}"
    return pdf.render(story, title=f"借阅单 {loan.number}", author=company, footer=footer)

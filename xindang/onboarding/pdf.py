"""The printed transaction card (客户交易卡, 004 客户信息管理制度 第十条1(2)–(8)) with the new customer's
application report (新客户认定申请报告, 002 篇五 第三条(1)): the file's fields it shows and its own, the
conditions attached at approval (第十条2(3)), and the approval trail with a signature line per step
(the credit department's check 001 二.4, the sales director 000 4.1.2c, head office)."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from xindang.core import pdf


def _value(row) -> str:
    value = row["value"]
    if value is None or (isinstance(value, str) and not value.strip()):
        return "—"
    if row.get("money") and isinstance(value, Decimal | int | float):
        return pdf.yuan(value)
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    return str(value)


def card_pdf(card, rows: list[dict], trail: list[dict], *, company: str = "") -> bytes:
    st = pdf.styles()
    customer = card.customer
    number = customer.code or customer.file_no or f"#{customer.pk}"
    story = pdf.letterhead(
        company, "客户交易卡", number=f"{_('Number')}: {number}", subtitle="新客户认定申请报告"
    )
    story.append(
        pdf.table(
            [
                [_("Customer"), customer.name, _("File number"), customer.file_no or "—"],
                [_("Status"), card.get_status_display(), _("Customer code"), customer.code or "—"],
                [
                    _("First contact on"),
                    card.first_contact_on.strftime("%Y-%m-%d") if card.first_contact_on else "—",
                    _("Submitted at"),
                    timezone.localtime(card.submitted_at).strftime("%Y-%m-%d %H:%M")
                    if card.submitted_at
                    else "—",
                ],
            ],
            [28 * mm, 61 * mm, 28 * mm, 61 * mm],
            label_columns=(0, 2),
        )
    )
    story += [Spacer(1, 3 * mm), pdf.para(_("The card"), st.head)]
    story.append(
        pdf.table(
            [[str(r["label"]), _value(r)] for r in rows] or [["", "—"]],
            [50 * mm, 128 * mm],
        )
    )
    conditions = card.condition_labels()
    story += [Spacer(1, 3 * mm), pdf.para(_("Conditions attached"), st.head)]
    story.append(
        pdf.table(
            [[_("Conditions"), "、".join(conditions) or "—"], [_("Note"), card.conditions_note or "—"]],
            [50 * mm, 128 * mm],
        )
    )
    story += [Spacer(1, 3 * mm), pdf.para(_("Approval"), st.head)]
    if trail:
        story.append(pdf.approval_trail(trail, label_columns=()))
    else:
        story.append(pdf.para(_("Not submitted for approval yet."), st.body))
    return pdf.render(story, title=f"客户交易卡 {customer.name}", footer=f"{company} · 客户交易卡 {number}")

"""The printed handover list (交接清单, seed 001 公司客户信息管理办法 五) with, for the customers handed over,
the 客户情况调查表 (name, status, exposure, open items; 001 客户档案建立与维护方案 一.1 and its 交接记录) and
the 业绩档案汇总表 (this year's and last year's sales, 一.2), the contacts to inform, what was missing, and
the sign-off lines of the leaver, each successor and the manager."""

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from xindang.core import pdf


def _when(signature) -> str:
    return timezone.localtime(signature.signed_at).strftime("%Y-%m-%d %H:%M") if signature else ""


def handover_pdf(handover, groups, rows, lines, *, company: str = "") -> bytes:
    st = pdf.styles()
    story = pdf.letterhead(company, "客户交接清单", number=f"{_('Number')}: {handover.number}")
    story.append(
        pdf.table(
            [
                [_("Leaver"), str(handover.leaver), _("Reason"), handover.get_reason_display()],
                [_("Successor"), str(handover.successor), _("Manager"), str(handover.manager)],
                [
                    _("Handed over by"),
                    str(handover.created_by),
                    _("Handed over at"),
                    timezone.localtime(handover.created_at).strftime("%Y-%m-%d %H:%M"),
                ],
            ],
            [28 * mm, 61 * mm, 28 * mm, 61 * mm],
            label_columns=(0, 2),
        )
    )
    story.append(Spacer(1, 3 * mm))
    story.append(pdf.para(_("What was handed over"), st.head))
    body = [[_("Category"), _("What"), _("Handed to"), _("Outcome")]]
    for label, items in groups:
        for i in items:
            outcome = i.get_outcome_display() + (f" · {i.note}" if i.note else "")
            body.append([str(label), i.object_repr, str(i.successor or "—"), outcome])
    if len(body) == 1:
        body.append(["", _("The leaver held nothing to hand over."), "", ""])
    story.append(pdf.table(body, [32 * mm, 80 * mm, 30 * mm, 36 * mm], header=True, label_columns=()))
    missing = [i for _label, items in groups for i in items if i.outcome == "missing"]
    if missing:
        story.append(Spacer(1, 3 * mm))
        story.append(pdf.para(_("Missing"), st.head))
        story.append(
            pdf.table(
                [[_("Category"), _("What")], *[[i.get_category_display(), i.object_repr] for i in missing]],
                [40 * mm, 138 * mm],
                header=True,
                label_columns=(),
            )
        )
    if rows:
        story.append(Spacer(1, 3 * mm))
        story.append(pdf.para("客户情况调查表", st.head))
        story.append(
            pdf.table(
                [
                    [_("Customer"), _("Status"), _("Exposure"), _("Open items"), _("Contacts to inform")],
                    *[
                        [
                            f"{r.customer.name} {r.customer.file_no}",
                            r.customer.get_status_display(),
                            pdf.yuan(r.exposure),
                            "、".join(i.object_repr for i in r.open_items) or "—",
                            "; ".join(f"{c.name} {c.title} {c.mobile or c.phone}".strip() for c in r.contacts)
                            or "—",
                        ]
                        for r in rows
                    ],
                ],
                [46 * mm, 20 * mm, 26 * mm, 44 * mm, 42 * mm],
                header=True,
                label_columns=(),
            )
        )
        story.append(Spacer(1, 3 * mm))
        story.append(pdf.para("业绩档案汇总表", st.head))
        story.append(
            pdf.table(
                [
                    [_("Customer"), _("Successor"), _("Sales this year"), _("Sales last year")],
                    *[
                        [
                            f"{r.customer.name} {r.customer.file_no}",
                            str(r.successor or ""),
                            pdf.yuan(r.sales_this_year),
                            pdf.yuan(r.sales_last_year),
                        ]
                        for r in rows
                    ],
                ],
                [70 * mm, 36 * mm, 36 * mm, 36 * mm],
                header=True,
                label_columns=(),
            )
        )
    story.append(Spacer(1, 5 * mm))
    story.append(pdf.para(_("Sign-off"), st.head))
    story.append(
        pdf.table(
            [
                [_("Signs as"), _("Name"), _("Signature"), _("Signed at")],
                *[[str(row["label"]), str(row["user"] or ""), "", _when(row["signature"])] for row in lines],
            ],
            [30 * mm, 50 * mm, 50 * mm, 48 * mm],
            header=True,
            label_columns=(),
        )
    )
    return pdf.render(story, title=f"交接清单 {handover.number}", footer=handover.number)

"""The visit record and report as the paper forms (客户回访记录表 and 客户回访报告表, 002 篇三 四.2, 五.1),
with the agent's and the supervisor's signature lines."""

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from xindang.core import pdf

from .models import Visit


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _label(name: str) -> str:
    return str(Visit._meta.get_field(name).verbose_name)


def visit_pdf(visit: Visit, *, printed_by, company: str = "") -> bytes:
    st = pdf.styles()
    v = visit
    widths = [30 * mm, 59 * mm, 30 * mm, 59 * mm]
    story = pdf.letterhead(company, _("Visit record") + " 客户回访记录表", number=f"#{v.pk}")
    story.append(
        pdf.table(
            [
                [_("Customer"), v.customer.name, _("File number"), v.customer.file_no or ""],
                [_label("agent"), str(v.agent), _label("kind"), v.get_kind_display()],
                [_label("planned_on"), _day(v.planned_on), _label("visited_on"), _day(v.visited_on)],
                [_label("method"), v.get_method_display(), _label("place"), v.place],
                [
                    _label("purpose"),
                    v.purpose,
                    _label("operations"),
                    v.get_operations_display() if v.operations else "",
                ],
            ],
            widths,
            label_columns=(0, 2),
        )
    )
    wide = [30 * mm, 148 * mm]
    story.append(
        pdf.table(
            [
                [_label("content"), v.content],
                [_label("needs"), v.needs],
                [_label("service_opinions"), v.service_opinions],
                [_label("findings"), v.findings],
            ],
            wide,
        )
    )
    story += [Spacer(1, 5 * mm), pdf.para(_("Visit report") + " 客户回访报告表", st.head)]
    story.append(
        pdf.table(
            [
                [_label("reported_on"), _day(v.reported_on)],
                [_label("process"), v.process],
                [_label("result"), v.result],
                [_label("guidance"), v.guidance],
            ],
            wide,
        )
    )
    story += [
        Spacer(1, 8 * mm),
        pdf.table(
            [
                [
                    _("Service agent"),
                    f"{v.agent}  {_day(v.reported_on)}",
                    _("Service supervisor"),
                    f"{v.reviewed_by or ''}  {_day(v.reviewed_on)}",
                ]
            ],
            widths,
            label_columns=(0, 2),
        ),
    ]
    footer = _("Printed by %(user)s at %(at)s") % {
        "user": printed_by,
        "at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    return pdf.render(story, title=f"{v.customer.name} {_day(v.planned_on)}", footer=pdf.drawable(footer))

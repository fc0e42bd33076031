"""The printed selection application (认定申请报告, 002 篇五 第三条(1)): the surveys of 第二条 with the six
principles of 第一条 found met or not, the trade reasons, goods and amount, the payment method, the
supply and quality-assurance contracts (第三条(2)(3)), the supplier code (第三条(4)) and the approval
trail with a signature line per step."""

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from xindang.core import pdf


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def _contract(contract) -> str:
    return f"{contract.contract_no} {contract.title}" if contract else "—"


def selection_pdf(
    selection, principles: list[tuple[str, bool]], trail: list[dict], *, company: str = ""
) -> bytes:
    st = pdf.styles()
    customer = selection.customer
    number = selection.code or customer.file_no or f"#{selection.pk}"
    story = pdf.letterhead(company, "供应商认定申请报告", number=f"{_('Number')}: {number}")
    story.append(
        pdf.table(
            [
                [_("Supplier"), customer.name, _("File number"), customer.file_no or "—"],
                [_("Status"), selection.get_status_display(), _("Supplier code"), selection.code or "—"],
                [
                    _("Applicant"),
                    str(selection.submitted_by or "—"),
                    _("Submitted at"),
                    timezone.localtime(selection.submitted_at).strftime("%Y-%m-%d %H:%M")
                    if selection.submitted_at
                    else "—",
                ],
            ],
            [28 * mm, 61 * mm, 28 * mm, 61 * mm],
            label_columns=(0, 2),
        )
    )
    wide = [50 * mm, 128 * mm]
    story += [Spacer(1, 3 * mm), pdf.para(_("General survey"), st.head)]
    story.append(
        pdf.table(
            [
                [_("general survey on"), _date(selection.general_survey_on)],
                [_("general survey findings"), selection.general_survey_notes or "—"],
            ],
            wide,
        )
    )
    story += [Spacer(1, 3 * mm), pdf.para(_("On-site survey"), st.head)]
    story.append(
        pdf.table(
            [
                [_("on-site survey on"), _date(selection.site_survey_on)],
                [_("survey team"), selection.site_survey_team or "—"],
                *[[str(label), _("met") if met else _("not met")] for label, met in principles],
                [_("on-site findings"), selection.site_survey_findings or "—"],
            ],
            wide,
        )
    )
    story += [Spacer(1, 3 * mm), pdf.para(_("Selection application"), st.head)]
    story.append(
        pdf.table(
            [
                [_("reasons for trading and basic trade policy"), selection.trade_reasons or "—"],
                [_("goods to be bought"), selection.goods or "—"],
                [
                    _("expected annual amount (yuan)"),
                    pdf.yuan(selection.annual_amount) if selection.annual_amount is not None else "—",
                ],
                [_("payment method"), selection.get_payment_method_display() or "—"],
                [_("supply contract"), _contract(selection.supply_contract)],
                [_("quality-assurance contract"), _contract(selection.quality_contract)],
            ],
            wide,
        )
    )
    story += [Spacer(1, 3 * mm), pdf.para(_("Approval"), st.head)]
    if trail:
        story.append(pdf.approval_trail(trail, label_columns=()))
    else:
        story.append(pdf.para(_("Not submitted for approval yet."), st.body))
    return pdf.render(
        story, title=f"供应商认定申请报告 {customer.name}", footer=f"{company} · 供应商认定申请报告 {number}"
    )

"""The credit-limit execution evaluation (客户授信额度执行评价表) as a PDF laid out like the paper form:
reportlab with its built-in CID font STSong-Light (no font file to download); the figures, the three
written parts with their signature lines, and a line for the VP of marketing
(第四十一条: 上报营销主管副总)."""

from io import BytesIO

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xindang.core.pdf import cjk_font as _font
from xindang.core.pdf import esc as _esc
from xindang.core.pdf import yuan as _yuan


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _adjustment_approvals(ev, written) -> list:
    """第四十一条 报总经理、董事长批准: the general manager's and the chairman's sign-off on the adjusted
    limit, from the approval of the grant request it went to (empty lines while undecided)."""
    approval = getattr(ev.proposed_grant, "approval", None) if ev.proposed_grant_id else None
    if approval is None:
        return []
    steps = {s.role: s for s in approval.current_steps()}
    rows = []
    for role, label in (("general_manager", "总经理审批"), ("chairman", "董事长审批")):
        step = steps.get(role)
        acted = step is not None and step.acted_by_id is not None
        text = (step.get_status_display() + (f": {step.comment}" if step.comment else "")) if acted else ""
        who = _person(step.acted_by) if acted else ""
        when = timezone.localtime(step.acted_at) if acted and step.acted_at else None
        rows.append(written(label, "第四十一条", text, who, when))
    return rows


def evaluation_pdf(ev) -> bytes:
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15)
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=24, alignment=TA_CENTER)
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11)
    company = getattr(settings, "XINDANG_COMPANY_NAME", "") or ""
    customer = ev.customer
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title="客户授信额度执行评价表",
        author=company,
    )
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("FONTSIZE", (0, 0), (-1, -1), 9.5),
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
            ("BACKGROUND", (2, 0), (2, -1), colors.whitesmoke),
        ]
    )
    kind = "长期" if ev.grant.kind == "long_term" else "临时"
    head = [
        ["客户名称", Paragraph(_esc(customer.name), body), "档案编号", customer.file_no],
        [
            "部门",
            customer.department.name if customer.department_id else "",
            "业务主管",
            _person(ev.salesperson),
        ],
        ["授信类型", kind, "授信期间", f"{_day(ev.grant_from)} – {_day(ev.grant_until)}"],
    ]
    overdue = _yuan(ev.overdue_amount) + (f"(最长 {ev.oldest_overdue_days} 天)" if ev.overdue_amount else "")
    figures = [
        ["信用额度", _yuan(ev.limit_amount), "回款期限(天)", str(ev.term_days)],
        ["月初占用额", _yuan(ev.opening_exposure_amount), "本月赊销发货", _yuan(ev.shipments_amount)],
        [
            "本月最高占用额",
            _yuan(ev.peak_exposure_amount)
            + (f"({_day(ev.peak_exposure_on)})" if ev.peak_exposure_on else ""),
            "本月回款",
            _yuan(ev.collections_amount),
        ],
        [
            "月末占用额",
            _yuan(ev.end_exposure_amount)
            + (f"({ev.end_utilisation}%)" if ev.end_utilisation is not None else ""),
            "月末逾期欠款",
            overdue,
        ],
        [
            "超额天数",
            str(ev.days_over_limit),
            "超额审批 / 拦截次数",
            f"{ev.over_limit_approvals} / {ev.blocked_checks}",
        ],
        [
            "付款承诺(作出/履行/违约)",
            f"{ev.promises_made} / {ev.promises_kept} / {ev.promises_broken}",
            "",
            "",
        ],
    ]
    widths = [34 * mm, 56 * mm, 34 * mm, 54 * mm]

    def written(label, article, text, who, when):
        sign = f"签字: {_esc(who) or '＿＿＿＿＿＿'}　　日期: {_day(when) or '＿＿＿＿＿＿'}"
        cell = [Paragraph(_esc(text) or "&nbsp;", body), Spacer(1, 14 * mm if not text else 4 * mm)]
        cell.append(Paragraph(sign, ParagraphStyle("sign", parent=body, alignment=2)))
        return [Paragraph(f"{label}<br/><font size=8>{article}</font>", body), cell]

    review_text = ev.review_opinion
    if ev.proposed_limit_amount is not None:
        review_text += f"\n建议调整信用额度为 {_yuan(ev.proposed_limit_amount)}:{ev.proposal_reason}"
        if ev.proposed_grant_id:
            review_text += f"(授信申请 #{ev.proposed_grant_id},报总经理、董事长审批)"
    parts = [
        written(
            "财务信用控制主管意见",
            "第三十七、四十条",
            ev.controller_remarks,
            _person(ev.controller_signed_by),
            ev.controller_signed_at and timezone.localtime(ev.controller_signed_at),
        ),
        written(
            "业务主管经营状况书面汇报",
            "第三十九条",
            "\n".join(t for t in (ev.operations_report, ev.payment_outlook) if t),
            _person(ev.reported_by),
            ev.reported_at and timezone.localtime(ev.reported_at),
        ),
        written(
            "营销部经理评价意见",
            "第四十一、四十二条",
            review_text,
            _person(ev.reviewed_by),
            ev.reviewed_at and timezone.localtime(ev.reviewed_at),
        ),
        written("营销主管副总意见", "第四十一条", "", "", None),
        *_adjustment_approvals(ev, written),
    ]
    story = [
        Paragraph(_esc(company), centre) if company else Spacer(1, 1),
        Paragraph("客户授信额度执行评价表", title),
        Paragraph(f"{ev.month.year} 年 {ev.month.month} 月", centre),
        Spacer(1, 4 * mm),
        Table(head, colWidths=widths, style=grid),
        Spacer(1, 3 * mm),
        Table(figures, colWidths=widths, style=grid),
        Spacer(1, 3 * mm),
        Table(
            parts,
            colWidths=[34 * mm, 144 * mm],
            style=TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ]
            ),
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            f"数据来源: 往来账, 计算于 {timezone.localtime(ev.figures_at):%Y-%m-%d %H:%M}; "
            f"打印于 {timezone.localtime():%Y-%m-%d %H:%M}。财务部门对财务数据的真实性负责(第四十条)。",
            small,
        ),
    ]
    doc.build(story)
    return out.getvalue()

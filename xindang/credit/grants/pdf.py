"""The grant notice (授信通知函) as a PDF: reportlab with its built-in CID font STSong-Light (no font
file to download), a company letter: addressee, the grant (limit, kind, term, validity), its
conditions (collateral, guarantees), the approval trail and signature lines."""

from io import BytesIO

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xindang.core.pdf import cjk_font as _font
from xindang.core.pdf import esc as _esc
from xindang.core.pdf import yuan as _yuan


def _date(value) -> str:
    return date_format(value, "Y年n月j日") if value else "—"


def notice_pdf(grant, *, trail: list[dict]) -> bytes:
    """The notice of an approved grant; `trail` = approvals.selectors.trail_rows(grant.approval)."""
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=11, leading=18)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=13)
    company = getattr(settings, "XINDANG_COMPANY_NAME", "") or "本公司"
    customer = grant.customer
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title="授信通知函",
        author=company,
    )
    story = [
        Paragraph(_esc(company), ParagraphStyle("head", parent=body, alignment=TA_CENTER, fontSize=13)),
        Spacer(1, 3 * mm),
        Paragraph("授信通知函", title),
        Paragraph(f"编号: SX-{grant.pk:06d}", right),
        Spacer(1, 4 * mm),
        Paragraph(f"{_esc(customer.name)}:", body),
        Paragraph(
            f"经我公司审批, 根据《客户信用管理制度》(政策版本 {grant.policy_version}), 现给予贵单位如下授信:",
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    kind = "长期预付、赊销" if grant.kind == "long_term" else "临时预付、赊销"
    terms = [
        ["客户名称", customer.name],
        ["档案编号", customer.file_no],
        ["统一社会信用代码", getattr(customer, "credit_code", "") or "—"],
        ["信用等级", grant.grade or "—"],
        ["授信类型", kind],
        ["信用额度", _yuan(grant.limit_amount)],
        ["回款、到货期限", f"{grant.term_days} 天"],
        ["有效期", f"{_date(grant.valid_from)} 至 {_date(grant.valid_until)}"],
    ]
    story.append(_table(terms, font, [45 * mm, 120 * mm]))
    story.append(Spacer(1, 4 * mm))
    conditions = []
    for c in grant.collaterals.all():
        conditions.append(f"抵押: {c.get_type_display()} {c.description} 价值 {_yuan(c.value_amount)}")
    for g in grant.guarantees.all():
        code = f"({g.credit_code})" if g.credit_code else ""
        conditions.append(f"担保: {g.guarantor_name}{code} 担保金额 {_yuan(g.amount)}")
    conditions += [
        "贵单位占用我方资金(赊销款与未结算票据余额之和)不得超过上述信用额度;",
        "我方将根据贵单位信用变化情况及时调整信用额度(第二十四条);超过期限或额度的发货须另行审批。",
    ]
    story.append(Paragraph("授信条件:", body))
    for i, text in enumerate(conditions, 1):
        story.append(Paragraph(f"{i}. {_esc(text)}", body))
    story.append(Spacer(1, 4 * mm))
    if trail:
        story.append(Paragraph("审批记录:", body))
        rows = [["环节", "审批人", "意见", "时间"]]
        for r in trail:
            when = timezone.localtime(r["at"]).strftime("%Y-%m-%d %H:%M") if r.get("at") else ""
            rows.append(
                [
                    Paragraph(_esc(r.get("role_label")), small),
                    Paragraph(_esc(r.get("who")), small),
                    Paragraph(_esc(f"{r.get('decision_label', '')} {r.get('comment') or ''}"), small),
                    when,
                ]
            )
        story.append(_table(rows, font, [35 * mm, 35 * mm, 65 * mm, 30 * mm], header=True))
        story.append(Spacer(1, 8 * mm))
    signatures = [
        ["授信单位(盖章):", "客户确认(盖章):"],
        ["授权签字: ________________", "授权签字: ________________"],
        [
            f"日期: {_date(grant.decided_at and timezone.localtime(grant.decided_at).date())}",
            "日期: ____年__月__日",
        ],
    ]
    story.append(_table(signatures, font, [82 * mm, 83 * mm], grid=False))
    doc.build(story)
    return out.getvalue()


def _table(rows, font, widths, *, header=False, grid=True) -> Table:
    table = Table(rows, colWidths=widths)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if grid:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.grey))
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")))
    table.setStyle(TableStyle(style))
    return table

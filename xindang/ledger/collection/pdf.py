"""The two paper forms of 000 二.7 as PDF: 收款异样报告表 and 问题帐款报告书 (reportlab with its
built-in CID font STSong-Light), with signature lines."""

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xindang.core.pdf import cjk_font as _font
from xindang.core.pdf import esc as _esc


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def report_pdf(report, *, kind: str) -> bytes:
    """kind: "anomaly" (收款异样报告表) or "problem" (问题帐款报告书)."""
    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=15)
    title = ParagraphStyle("title", parent=body, fontSize=17, leading=24, alignment=TA_CENTER)
    heading = "收款异样报告表" if kind == "anomaly" else "问题帐款报告书"
    customer = report.customer
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=heading,
    )
    head = [
        ["客户名称", Paragraph(_esc(customer.name), body), "档案编号", customer.file_no],
        [
            "部门",
            customer.department.name if customer.department_id else "",
            "业务员",
            _person(report.assigned_to),
        ],
        ["应收日期", _day(report.due_on), "逾期天数", str(report.days_late)],
        ["逾期金额", f"¥{report.overdue_amount:,.2f}", "报告日期", _day(report.raised_on)],
    ]
    if kind == "anomaly":
        parts = [
            ("延迟原因", report.delay_reason),
            ("客户现状", report.customer_situation),
            ("拟采取措施", report.measures_proposed),
        ]
        signatures = "业务员: ＿＿＿＿＿＿　　部门经理: ＿＿＿＿＿＿　　信用管理员: ＿＿＿＿＿＿"
    else:
        parts = [
            ("事实经过", report.facts),
            ("原因", report.cause),
            ("处理措施", report.measures),
            ("责任人", _person(report.responsible)),
            ("主管意见", report.manager_opinion),
        ]
        signatures = "报告人: ＿＿＿＿＿＿　　主管: ＿＿＿＿＿＿　　日期: ＿＿＿＿＿＿"
    rows = head + [[label, Paragraph(_esc(text), body), "", ""] for label, text in parts]
    style = [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 9.5),
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
        ("BACKGROUND", (2, 0), (2, len(head) - 1), colors.whitesmoke),
    ]
    for i in range(len(head), len(rows)):
        style += [("SPAN", (1, i), (3, i)), ("BOTTOMPADDING", (0, i), (-1, i), 28)]
    table = Table(rows, colWidths=[30 * mm, 60 * mm, 30 * mm, 58 * mm])
    table.setStyle(TableStyle(style))
    doc.build(
        [Paragraph(heading, title), Spacer(1, 6 * mm), table, Spacer(1, 14 * mm), Paragraph(signatures, body)]
    )
    return out.getvalue()

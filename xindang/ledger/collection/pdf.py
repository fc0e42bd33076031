"""The two paper forms of 000 客户信息管理办法 二.7 as PDF: 收款异样报告表 and 问题帐款报告书 (core.pdf:
letterhead,
embedded CJK font, wrapping cells). Each signature line prints the recorded sign-off (who, when,
remark) — the salesperson, the department manager, the credit manager — or a blank line to sign."""

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from xindang.core import pdf
from xindang.core.money import format_yuan

from . import rules

LINE_LABELS = {
    rules.SIGN_SALESPERSON: "业务员",
    rules.SIGN_DEPARTMENT_MANAGER: "部门经理",
    rules.SIGN_CREDIT_MANAGER: "信用管理员",
}


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def report_pdf(report, *, kind: str, company: str = "") -> bytes:
    """kind: "anomaly" (收款异样报告表) or "problem" (问题帐款报告书)."""
    heading = "收款异样报告表" if kind == "anomaly" else "问题帐款报告书"
    customer = report.customer
    head = [
        ["客户名称", customer.name, "档案编号", customer.file_no],
        [
            "部门",
            customer.department.name if customer.department_id else "",
            "业务员",
            _person(report.assigned_to),
        ],
        ["应收日期", _day(report.due_on), "逾期天数", str(report.days_late)],
        ["逾期金额", format_yuan(report.overdue_amount), "报告日期", _day(report.raised_on)],
    ]
    if kind == "anomaly":
        parts = [
            ("延迟原因", report.delay_reason),
            ("客户现状", report.customer_situation),
            ("拟采取措施", report.measures_proposed),
        ]
    else:
        parts = [
            ("事实经过", report.facts),
            ("原因", report.cause),
            ("处理措施", report.measures),
            ("责任人", _person(report.responsible)),
            ("主管意见", report.manager_opinion),
        ]
    rows = head + [[label, text, "", ""] for label, text in parts]
    extra = []
    for i in range(len(head), len(rows)):
        extra += [
            ("BACKGROUND", (1, i), (3, i), colors.white),
            ("SPAN", (1, i), (3, i)),
            ("BOTTOMPADDING", (0, i), (-1, i), 24),
        ]
    signed = {s.line: s for s in report.sign_offs.select_related("signed_by")}
    sign_rows = [["签字", "签字人", "日期", "备注"]]
    for line in rules.SIGN_ORDER:
        s = signed.get(line)
        when = timezone.localtime(s.signed_at).strftime("%Y-%m-%d %H:%M") if s else ""
        sign_rows.append([LINE_LABELS[line], _person(s.signed_by) if s else "", when, s.remark if s else ""])
    story = pdf.letterhead(company, heading, number=f"编号: {report.pk}")
    story += [
        pdf.table(rows, [30 * mm, 60 * mm, 30 * mm, 58 * mm], label_columns=(0, 2), extra=extra),
        Spacer(1, 8 * mm),
        pdf.table(
            sign_rows,
            [30 * mm, 50 * mm, 40 * mm, 58 * mm],
            header=True,
            extra=[("BOTTOMPADDING", (0, 1), (-1, -1), 12)],
        ),
    ]
    footer = f"{customer.name} {heading} {report.pk} · 打印于 {timezone.localtime():%Y-%m-%d %H:%M}"
    return pdf.render(story, title=heading, author=company, footer=footer)


KIND_LABELS = {"shipment": "发货", "invoice": "发票", "prepayment": "预付款"}


def statement_pdf(statement, *, company: str = "") -> bytes:
    """对帐单 (002 第三十五条 定期对帐): the open items on the day, the balance, and a reply slip the
    customer signs (balance confirmed, or the balance it states)."""
    heading = "对帐单"
    customer = statement.customer
    head = [
        ["客户名称", customer.name, "档案编号", customer.file_no],
        ["对帐日期", _day(statement.as_of), "发出日期", _day(statement.sent_on)],
        ["我方帐面余额", format_yuan(statement.balance), "编号", str(statement.pk)],
    ]
    rows = [["凭证号", "类别", "日期", "到期日", "金额", "未结金额"]]
    for item in statement.items:
        rows.append(
            [
                str(item["entry_id"]),
                KIND_LABELS.get(item["kind"], item["kind"]),
                item["entry_on"],
                item.get("due_on") or "",
                format_yuan(item["amount"]),
                format_yuan(item["open_amount"]),
            ]
        )
    rows.append(["合计", "", "", "", "", format_yuan(statement.balance)])
    reply = [
        ["回执", "□ 余额相符      □ 余额不符,贵司帐面余额为: ¥____________"],
        ["说明", ""],
        ["客户签章", "日期:"],
    ]
    story = pdf.letterhead(company, heading, number=f"编号: {statement.pk}")
    story += [
        pdf.table(head, [30 * mm, 60 * mm, 30 * mm, 58 * mm], label_columns=(0, 2)),
        Spacer(1, 6 * mm),
        pdf.table(rows, [22 * mm, 22 * mm, 28 * mm, 28 * mm, 39 * mm, 39 * mm], header=True),
        Spacer(1, 8 * mm),
        pdf.table(
            reply,
            [30 * mm, 148 * mm],
            label_columns=(0,),
            extra=[("BOTTOMPADDING", (0, 1), (-1, -1), 18)],
        ),
    ]
    footer = f"{customer.name} {heading} {statement.pk} · 打印于 {timezone.localtime():%Y-%m-%d %H:%M}"
    return pdf.render(story, title=heading, author=company, footer=footer)

"""The destruction register (销毁清册) as PDF (core.pdf: letterhead, embedded CJK font, wrapping cells).
One row per destroyed document: what, why, under which retention rule and policy version, approved and
witnessed by whom, when."""

from django.utils import timezone
from reportlab.lib.units import mm

from xindang.core import pdf

HEAD = [
    "销毁单号",
    "客户 / 档案编号",
    "文件名称 / 类别",
    "保管期限 / 期满 / 政策",
    "销毁理由 / 鉴定意见",
    "批准人",
    "监销人",
    "执行人",
]
WIDTHS = (18, 26, 30, 26, 32, 18, 18, 22)  # mm, A4 portrait less 10 mm margins


def _at(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def register_pdf(rows: list[dict], *, company: str = "", printed_by=None) -> bytes:
    basis = "依据:001 档案管理制度及流程2 2.1.4 保管期限;000 客户信息管理办法 三.8 经总经理同意"
    story = pdf.letterhead(company, "档案销毁清册", subtitle=f"共 {len(rows)} 份文件 · {basis}")
    data = [HEAD]
    for r in rows:
        passed = r["passed_on"].isoformat() if r["passed_on"] else ""
        policy = f"政策第 {r['policy_version']} 版" if r["policy_version"] else "默认政策"
        data.append(
            [
                r["number"],
                f"{r['customer']}\n{r['file_no']}",
                f"{r['title']}\n{r['category']}",
                f"{r['retention']}\n期满 {passed}\n{policy}",
                f"{r['reason']}\n鉴定:{r['appraisal_reason']}",
                f"{r['approved_by']}\n{_at(r['approved_at'])}",
                r["witnesses"],
                f"{r['carried_out_by']}\n{_at(r['carried_out_at'])}",
            ]
        )
    if not rows:
        data.append(["无销毁记录", "", "", "", "", "", "", ""])
    story.append(pdf.table(data, [w * mm for w in WIDTHS], label_columns=(), header=True))
    who = (printed_by.get_full_name() or printed_by.get_username()) if printed_by else ""
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return pdf.render(
        story, title="档案销毁清册", author=company, footer=f"打印:{who} {printed}", margins=(10, 10, 12, 14)
    )

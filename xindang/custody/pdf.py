"""The lookup request form (查阅申请单 / 档案查询单, 000 4.5; 001 客户信用档案建立与管理制度 6) laid out like
the paper: reader, customer, purpose, the documents, lending time and return date, and the approval
trail with a signature line per step."""

from django.utils.formats import date_format
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from xindang.core import pdf


def _date(value) -> str:
    return date_format(value, "Y年n月j日") if value else "—"


def lookup_pdf(lookup, *, documents, trail: list[dict], company: str = "") -> bytes:
    st = pdf.styles(10.5)
    reader = lookup.reader
    customer = lookup.customer
    story = pdf.letterhead(
        company,
        "档案查阅申请单",
        number=f"编号: CY-{lookup.pk:06d}",
        subtitle="(档案查询单)" if lookup.archived else "",
    )
    dept = str(reader.department) if getattr(reader, "department", None) else "—"
    rows = [
        ["查阅人", f"{reader} ({reader.get_username()})", "所在部门", dept],
        ["查阅客户名称", customer.name, "档案编号", customer.file_no or "—"],
        [
            "查阅范围",
            "全部档案" if lookup.whole_file else "所列资料",
            "最高密级",
            f"{lookup.highest_level} 级",
        ],
        ["借阅时间", _date(lookup.starts_on), "归还日期", _date(lookup.ends_on)],
        ["查阅用途", lookup.purpose, "", ""],
    ]
    span = [("SPAN", (1, 4), (3, 4))]
    story.append(pdf.table(rows, [28 * mm, 62 * mm, 24 * mm, 64 * mm], label_columns=(0, 2), extra=span))
    story.append(Spacer(1, 4 * mm))
    doc_rows = [["序号", "资料名称", "类别", "密级"]]
    for i, doc in enumerate(documents, 1):
        doc_rows.append([str(i), doc.title, str(doc.category), f"{doc.confidentiality} 级"])
    if len(doc_rows) == 1:
        doc_rows.append(["—", "(档案中尚无资料)", "", ""])
    story += [
        pdf.para("查阅资料", st.head),
        pdf.table(doc_rows, [14 * mm, 96 * mm, 44 * mm, 24 * mm], header=True),
    ]
    story += [Spacer(1, 4 * mm), pdf.para("审批记录", st.head)]
    story.append(pdf.approval_trail(trail, headers=("环节", "审批人", "意见", "时间")))
    story += [
        Spacer(1, 6 * mm),
        pdf.para(
            "查阅人须知:不得涂改、标注、拆散、复印、摘抄或外传档案;"
            "遗失或损坏须书面报告(000 客户信息管理办法 三.3–6)。",
            st.small,
        ),
        Spacer(1, 8 * mm),
        pdf.para("查阅人签字: ________________    档案管理员: ________________", st.body),
    ]
    return pdf.render(story, title="档案查阅申请单", footer=f"{company} · 档案查阅申请单 CY-{lookup.pk:06d}")

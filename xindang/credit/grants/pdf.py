"""Letters to the customer on the company's letterhead (core.pdf: the embedded CJK font, glyph
handling, page footer): the grant notice (授信通知函) and the standard reply (回复客户的标准函) to a
refused or reduced grant (001 客户信用档案建立与管理制度 5). The customer's copy never prints the
internal approvers' comments; the internal copy of the notice carries the approval trail."""

from django.utils import timezone
from django.utils.formats import date_format
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from xindang.core import pdf
from xindang.core.pdf import yuan

from .letters import REFUSED


def _date(value) -> str:
    return date_format(value, "Y年n月j日") if value else "—"


def _kind(grant) -> str:
    return "长期预付、赊销" if grant.kind == "long_term" else "临时预付、赊销"


def _signatures(grant, company: str, *, customer_confirms: bool) -> list:
    st = pdf.styles(11)
    decided = grant.decided_at and timezone.localtime(grant.decided_at).date()
    left = [f"{company or '授信单位'}(盖章)", "授权签字: ________________", f"日期: {_date(decided)}"]
    if not customer_confirms:
        return [Spacer(1, 10 * mm), *(pdf.para(t, st.right) for t in left)]
    rows = [
        [left[0], "客户确认(盖章):"],
        [left[1], "授权签字: ________________"],
        [left[2], "日期: ____年__月__日"],
    ]
    return [Spacer(1, 8 * mm), pdf.table(rows, [82 * mm, 83 * mm], grid=False, style=st.body)]


def notice_pdf(grant, *, trail: list[dict], company: str = "", internal: bool = False) -> bytes:
    """The notice of an approved grant. `trail` = approvals.selectors.trail_rows(grant.approval) is
    printed only on the internal copy (`internal`): the customer does not read our approvers' notes."""
    st = pdf.styles(11)
    customer = grant.customer
    story = pdf.letterhead(
        company, "授信通知函", number=f"编号: SX-{grant.pk:06d}", subtitle="(内部存档联)" if internal else ""
    )
    story += [
        pdf.para(f"{customer.name}:", st.body),
        pdf.para(
            f"经{company or '我公司'}审批, 根据《客户信用管理制度》(政策版本 {grant.policy_version}), "
            "现给予贵单位如下授信:",
            st.body,
        ),
        Spacer(1, 3 * mm),
    ]
    terms = [
        ["客户名称", customer.name],
        ["档案编号", customer.file_no],
        ["统一社会信用代码", getattr(customer, "credit_code", "") or "—"],
        ["信用等级", grant.grade or "—"],
        ["授信类型", _kind(grant)],
        ["信用额度", yuan(grant.limit_amount)],
        ["回款、到货期限", f"{grant.term_days} 天"],
        ["有效期", f"{_date(grant.valid_from)} 至 {_date(grant.valid_until)}"],
    ]
    story += [pdf.table(terms, [45 * mm, 120 * mm], style=st.body), Spacer(1, 4 * mm)]
    conditions = []
    for c in grant.collaterals.all():
        conditions.append(f"抵押: {c.get_type_display()} {c.description} 价值 {yuan(c.value_amount)}")
    for g in grant.guarantees.all():
        code = f"({g.credit_code})" if g.credit_code else ""
        conditions.append(f"担保: {g.guarantor_name}{code} 担保金额 {yuan(g.amount)}")
    conditions += [
        "贵单位占用我方资金(赊销款与未结算票据余额之和)不得超过上述信用额度;",
        "我方将根据贵单位信用变化情况及时调整信用额度(第二十四条);超过期限或额度的发货须另行审批。",
    ]
    story.append(pdf.para("授信条件:", st.body))
    story += [pdf.para(f"{i}. {text}", st.body) for i, text in enumerate(conditions, 1)]
    story.append(Spacer(1, 4 * mm))
    if internal and trail:
        story.append(pdf.para("审批记录:", st.body))
        rows = [["环节", "审批人", "意见", "时间"]]
        for r in trail:
            when = timezone.localtime(r["at"]).strftime("%Y-%m-%d %H:%M") if r.get("at") else ""
            rows.append(
                [
                    str(r.get("role_label") or ""),
                    str(r.get("who") or ""),
                    f"{r.get('decision_label', '')} {r.get('comment') or ''}".strip(),
                    when,
                ]
            )
        story.append(pdf.table(rows, [35 * mm, 35 * mm, 65 * mm, 30 * mm], header=True, label_columns=()))
    story += _signatures(grant, company, customer_confirms=not internal)
    footer = f"{company} 授信通知函 SX-{grant.pk:06d}" + (" 内部存档联" if internal else "")
    return pdf.render(story, title="授信通知函", author=company, footer=footer, margins=(22, 22, 18, 20))


def reply_letter_pdf(grant, *, kind: str, company: str = "", previous=None) -> bytes:
    """回复客户的标准函: the company's answer to a refused request (`kind` REFUSED) or a reduced limit
    (REDUCED, `previous` = the grant it replaces). States the decision and what the customer may do;
    no internal reasons, ratings or approvers' comments."""
    st = pdf.styles(11)
    customer = grant.customer
    us = company or "我公司"
    requested = grant.requested_at and timezone.localtime(grant.requested_at).date()
    story = pdf.letterhead(company, "关于信用额度的复函", number=f"编号: FH-{grant.pk:06d}")
    story += [pdf.para(f"{customer.name}:", st.body), Spacer(1, 2 * mm)]
    if kind == REFUSED:
        paragraphs = [
            f"贵单位于{_date(requested)}提出的{_kind(grant)}信用申请(申请额度 {yuan(grant.limit_amount)}),"
            f"经{us}依照《客户信用管理制度》审核, 现暂不能给予授信。",
            f"在此期间, 贵单位与{us}的交易请以现款或预付款方式结算;"
            "待贵单位经营及付款情况符合授信条件后, 可重新提出申请。",
        ]
    else:
        was = previous.limit_amount if previous is not None else None
        paragraphs = [
            f"经{us}依照《客户信用管理制度》对贵单位信用状况的定期评审, 贵单位的{_kind(grant)}信用额度"
            f"自{_date(grant.valid_from)}起调整为 {yuan(grant.limit_amount)}"
            + (f"(原额度 {yuan(was)})" if was is not None else "")
            + f", 回款、到货期限 {grant.term_days} 天, 有效期至{_date(grant.valid_until)}。",
            "请贵单位将占用我方资金(赊销款与未结算票据余额之和)控制在调整后的额度以内;"
            "超出部分请尽快结清, 结清前超出额度的发货须另行审批。",
        ]
    paragraphs.append(f"感谢贵单位一直以来对{us}的支持与信任。如有疑问, 请与贵单位的业务联系人联系。")
    story += [pdf.para(text, st.letter) for text in paragraphs]
    story += [Spacer(1, 2 * mm), pdf.para("此致", st.body), pdf.para("敬礼!", st.body)]
    story += _signatures(grant, company, customer_confirms=False)
    footer = f"{company} 复函 FH-{grant.pk:06d}"
    margins = (22, 22, 18, 20)
    return pdf.render(story, title="关于信用额度的复函", author=company, footer=footer, margins=margins)

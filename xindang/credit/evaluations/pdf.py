"""The credit-limit execution evaluation (客户授信额度执行评价表, 002 第三十七–四十二条) as a PDF laid out
like the paper form (core.pdf: letterhead, embedded CJK font, wrapping cells): the figures the finance
department fills in (第四十条), the business supervisor's written report (第三十九条), the marketing
manager's review and the VP marketing's opinion (第四十一条), each with its signature."""

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from xindang.core import pdf
from xindang.core.pdf import yuan


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


def evaluation_pdf(ev, *, company: str = "") -> bytes:
    st = pdf.styles()
    customer = ev.customer
    kind = "长期" if ev.grant.kind == "long_term" else "临时"
    widths = [32 * mm, 57 * mm, 32 * mm, 57 * mm]
    head = [
        ["客户名称", customer.name, "档案编号", customer.file_no],
        [
            "部门",
            customer.department.name if customer.department_id else "",
            "业务员",
            _person(ev.salesperson),
        ],
        ["授信类型", kind, "授信期间", f"{_day(ev.grant_from)} – {_day(ev.grant_until)}"],
    ]
    overdue = yuan(ev.overdue_amount) + (f"(最长 {ev.oldest_overdue_days} 天)" if ev.overdue_amount else "")
    peak = yuan(ev.peak_exposure_amount) + (f"({_day(ev.peak_exposure_on)})" if ev.peak_exposure_on else "")
    end = yuan(ev.end_exposure_amount) + (
        f"({ev.end_utilisation}%)" if ev.end_utilisation is not None else ""
    )
    figures = [
        ["信用额度", yuan(ev.limit_amount), "回款期限(天)", str(ev.term_days)],
        ["月初占用额", yuan(ev.opening_exposure_amount), "本月赊销发货", yuan(ev.shipments_amount)],
        ["本月最高占用额", peak, "本月回款", yuan(ev.collections_amount)],
        ["月末占用额", end, "月末逾期欠款", overdue],
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
    last = len(figures) - 1
    span_last = [("BACKGROUND", (1, last), (3, last), colors.white), ("SPAN", (1, last), (3, last))]

    def written(label, article, text, who, when):
        sign = f"签字: {who or '________'}　　日期: {_day(when) or '________'}"
        cell = [pdf.para(text, st.cell), Spacer(1, 4 * mm if text else 14 * mm), pdf.para(sign, st.right)]
        return [[pdf.para(label, st.label), pdf.para(article, st.small)], cell]

    review_text = ev.review_opinion
    if ev.proposed_limit_amount is not None:
        review_text += f"\n建议调整信用额度为 {yuan(ev.proposed_limit_amount)}: {ev.proposal_reason}"
        if ev.proposed_grant_id:
            review_text += f"(授信申请 #{ev.proposed_grant_id}, 报总经理、董事长审批)"

    def local(moment):
        return moment and timezone.localtime(moment)

    parts = [
        written(
            "财务部意见",
            "第三十七、四十条",
            ev.controller_remarks,
            _person(ev.controller_signed_by),
            local(ev.controller_signed_at),
        ),
        written(
            "业务主管经营状况书面汇报",
            "第三十九条",
            "\n".join(t for t in (ev.operations_report, ev.payment_outlook) if t),
            _person(ev.reported_by),
            local(ev.reported_at),
        ),
        written(
            "营销部经理评价意见",
            "第四十一、四十二条",
            review_text,
            _person(ev.reviewed_by),
            local(ev.reviewed_at),
        ),
        written(
            "营销主管副总意见", "第四十一条", ev.vp_opinion, _person(ev.vp_signed_by), local(ev.vp_signed_at)
        ),
        *_adjustment_approvals(ev, written),
    ]
    story = pdf.letterhead(
        company, "客户授信额度执行评价表", subtitle=f"{ev.month.year} 年 {ev.month.month} 月"
    )
    story += [
        pdf.table(head, widths, label_columns=(0, 2)),
        Spacer(1, 3 * mm),
        pdf.table(figures, widths, label_columns=(0, 2), extra=span_last),
        Spacer(1, 3 * mm),
        pdf.table(parts, [32 * mm, 146 * mm]),
        Spacer(1, 3 * mm),
        pdf.para(
            f"数据来源: 往来账, 计算于 {timezone.localtime(ev.figures_at):%Y-%m-%d %H:%M}。"
            "财务部门对财务数据的真实性负责(第四十条); 业务主管对汇报的真实性负全部责任(第三十九条)。",
            st.small,
        ),
    ]
    footer = f"{customer.name} {ev.month:%Y-%m} · 打印于 {timezone.localtime():%Y-%m-%d %H:%M}"
    return pdf.render(story, title="客户授信额度执行评价表", author=company, footer=footer)

"""Demo data (order 60): the evaluations of the last full month for the demo grants, some of them
signed by the finance credit controller, reported on by the business supervisor (the manager of the
customer's department) and reviewed, some with the VP marketing's opinion."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from xindang.accounts.roles import Role
from xindang.core.demo import DemoContext
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from . import rules, services
from .models import GrantEvaluation

REPORTS = [
    "客户经营正常,订单稳定,本月按期回款。",
    "客户本月销售略有下滑,库存偏高,回款较上月放缓,需关注。",
    "客户新开两家门店,资金周转偏紧,已约定下月中旬付清欠款。",
    "客户经营状况良好,资产负债无重大变化,无异常。",
]
OPINIONS = ["同意财务及业务主管意见,维持现有额度。", "回款放缓,请业务主管加强催收,下月重点跟踪。"]


def _propose_lower(ev, reviewer) -> bool:
    """A review proposing a 20 % lower limit (第四十二条), when the grants module accepts the request
    (rating and ceiling); otherwise nothing is written and the caller reviews without a proposal."""

    lower = (ev.limit_amount * Decimal("0.8")).quantize(Decimal("1000"))
    if lower <= 0 or ev.status != rules.READY_FOR_REVIEW:
        return False
    try:
        with transaction.atomic():
            services.review_evaluation(
                evaluation=ev,
                by=reviewer,
                opinion="回款放缓,建议压缩信用额度,请业务主管加强催收。",
                proposed_limit_amount=lower,
                proposal_reason="近期回款放缓,按第四十二条压缩额度。",
            )
    except DomainError:
        return False
    return True


def _first_user(ctx: DemoContext, login: str):
    return ctx.users.get(login)


def seed_demo(ctx: DemoContext) -> str:
    month = rules.last_full_month(ctx.today)
    result = services.generate_month(month)
    controller = _first_user(ctx, "xinkong")
    reviewer = _first_user(ctx, "yingxiao")
    vp = _first_user(ctx, "yingxiaofuzong")

    # 第三十九条: the business supervisor — the manager of the customer's department — reports.
    supervisors = {}
    for user in get_user_model().objects.filter(groups__name=Role.DEPARTMENT_MANAGER, is_active=True):
        supervisors.setdefault(user.department_id, user)

    signed = reported = reviewed = proposed = 0
    # Only this run's files, untouched so far: a second demo run leaves the first run's forms alone.
    ids = [c.pk for c in ctx.customers]
    evaluations = []
    for start in range(0, len(ids), 1000):
        evaluations += (
            GrantEvaluation.objects.filter(
                month=month, customer_id__in=ids[start : start + 1000], status=rules.GENERATED
            )
            .select_related("customer", "salesperson")
            .order_by("pk")
        )
    for i, ev in enumerate(evaluations):
        roll = ctx.rng.random()
        if controller is not None and roll < 0.7:
            services.sign_figures(evaluation=ev, by=controller, remarks="数据已与往来账核对。")
            signed += 1
        reporter = (
            supervisors.get(ev.customer.department_id)
            if current_policy().evaluations.reporter == rules.DEPARTMENT_MANAGER
            else ev.salesperson
        )
        if reporter is not None and reporter.is_active and roll < 0.55:
            services.submit_report(
                evaluation=ev,
                by=reporter,
                operations_report=REPORTS[i % len(REPORTS)],
                payment_outlook="预计下月回款正常。",
                confirmed=True,
            )
            reported += 1
            if reviewer is not None and controller is not None and roll < 0.35:
                ev.refresh_from_db()
                if proposed < 2 and _propose_lower(ev, reviewer):
                    proposed += 1
                else:
                    services.review_evaluation(
                        evaluation=ev, by=reviewer, opinion=OPINIONS[i % len(OPINIONS)]
                    )
                    if vp is not None and roll < 0.2:
                        services.give_vp_opinion(evaluation=ev, by=vp, opinion="同意营销部经理意见。")
                reviewed += 1
    return (
        f"{result.created} evaluations of {month:%Y-%m} ({signed} signed, {reported} reported, "
        f"{reviewed} reviewed, {proposed} with a lower limit proposed)"
    )

"""Demo data: the selection of the demo's supplier files started through the services (surveys and
application recorded, one submitted to the market manager), so the supplier screens are not empty."""

from datetime import timedelta


def seed_suppliers(ctx) -> str:
    from xindang.accounts.roles import Role
    from xindang.approvals.demo import users_by_role
    from xindang.core.errors import DomainError

    from . import rules, services

    roles = users_by_role(ctx.users)
    clerk = roles.get(Role.CREDIT_MANAGER.value)
    suppliers = [c for c in ctx.customers if rules.is_supplier(c.relationship)][:3]
    if clerk is None or not suppliers:
        return "no credit manager or supplier files"
    made = 0
    for n, customer in enumerate(suppliers):
        try:
            services.save_step(
                by=clerk,
                customer_id=customer.pk,
                step=rules.GENERAL_SURVEY,
                data={
                    "general_survey_on": ctx.today - timedelta(days=40 - n),
                    "general_survey_notes": "已收企业沿革、概况、最新年度决算表及产品目录；与总经理面谈。",
                },
            )
            if n == 2:
                made += 1
                continue
            services.save_step(
                by=clerk,
                customer_id=customer.pk,
                step=rules.SITE_SURVEY,
                data={
                    "site_survey_on": ctx.today - timedelta(days=20 - n),
                    "site_survey_team": "资材部、技术部、质量管理部",
                    "meets_quality": True,
                    "meets_delivery": True,
                    "meets_finance": True,
                    "meets_cooperation": True,
                    "meets_confidentiality": True,
                    "meets_cost": n == 0,
                    "site_survey_findings": "生产设备与检测手段满足要求，交期管理规范。",
                },
            )
            services.save_step(
                by=clerk,
                customer_id=customer.pk,
                step=rules.APPLICATION,
                data={
                    "trade_reasons": "原料质量稳定、价格有竞争力，拟作为第二供应商。",
                    "goods": "主要原料 A\n辅料 B",
                    "annual_amount": 1_200_000 + n * 300_000,
                    "payment_method": "prepayment" if n == 0 else "monthly",
                },
            )
            if n == 0:
                services.submit_selection(by=clerk, customer_id=customer.pk)
        except DomainError:  # a small demo: the file is not visible or already selected
            continue
        made += 1
    if ctx.stdout:
        ctx.stdout.write(f"suppliers: {made} selections\n")
    return f"{made} selections"

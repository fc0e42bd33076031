"""Demo data (order 70): a few of the demo's prospects become new customers waiting for their
transaction card — one card still with blanks, one submitted and waiting at the direct superior, one
approved through the chain with conditions (so it has its code and trades) — written through the
services, so each carries its trail."""

from datetime import timedelta
from decimal import Decimal

CARD = {
    "head_office": "上海市浦东新区",
    "trading_site": "江苏省苏州市工业园区",
    "staff_count": 120,
    "managers_count": 8,
    "managers_age_structure": "40–55岁为主",
    "assets_schedule": "自有厂房一处,生产线两条,运输车辆六台",
    "requested_limit_amount": Decimal("300000.00"),
    "trade_reason": "区域龙头经销商,拟长期合作,月结。",
    "products": "电力电缆约20万元/月;配件约5万元/月",
    "survey_result": "实地调查:经营正常,纳税及银行记录无异常。",
}


def seed_demo(ctx) -> str:
    from xindang.approvals.demo import approve_through, users_by_role
    from xindang.customers.choices import Onboarding, Status
    from xindang.customers.models import Customer

    from . import services

    approvers = users_by_role(ctx.users)
    # The demo's prospects (the ledger's demo trades with rated, active customers only).
    prospects = [
        c for c in ctx.customers if c.status == Status.PROSPECTIVE and c.owner_id and c.owner.is_active
    ][:3]
    if not prospects:
        return "no prospects"
    Customer.objects.filter(pk__in=[c.pk for c in prospects]).update(onboarding=Onboarding.PENDING, code=None)
    done = []
    for i, c in enumerate(prospects):
        Customer.objects.filter(pk=c.pk).update(
            address=c.address or "上海市浦东新区张江路1号",
            website=c.website or "https://example.cn",
            founded_on=c.founded_on or ctx.today - timedelta(days=3650),
            registered_capital=c.registered_capital or Decimal("5000000"),
        )
        data = {**CARD, "first_contact_on": ctx.today - timedelta(days=3 + 4 * i)}
        if i == 0:
            data["survey_result"] = ""  # still being surveyed: a blank keeps it a draft
        services.save_card(by=c.owner, customer_id=c.pk, data=data)
        if i == 0:
            done.append("draft")
            continue
        card = services.submit_card(by=c.owner, customer_id=c.pk)
        if i == 2:
            marketing = approvers.get("marketing_manager")
            if marketing is not None:
                services.set_conditions(
                    by=marketing, customer_id=c.pk, conditions=["contract", "collateral"], note="厂房抵押"
                )
            card.refresh_from_db()
            approve_through(card.approval, approvers)
            done.append("approved")
        else:
            done.append("submitted")
    return "transaction cards: " + ", ".join(done)

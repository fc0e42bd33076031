"""Demo data (order 20): complaints in every state, visits from plan to review and one satisfaction
survey with its report — written through the services by the demo users, so each carries its
approval trail and audit events."""

from datetime import timedelta

COMPLAINTS = [
    # (product, cause, kind, severity, content, stage)
    ("热轧钢板", "product_quality", "quality", "major", "到货钢板表面锈蚀, 要求退换。", "closed"),
    ("冷轧卷", "delivery", "process", "minor", "交货比合同约定晚了一周。", "fed_back"),
    ("镀锌板", "service", "process", "minor", "业务员答复不及时。", "approved"),
    ("热轧钢板", "price", "process", "major", "结算单价与报价不一致。", "proposed"),
    ("螺纹钢", "product_quality", "quality", "serious", "批次抗拉强度不达标。", "investigating"),
    ("冷轧卷", "delivery", "process", "minor", "送货车辆未按约定时间到达。", "received"),
]
STAGES = ["received", "investigating", "proposed", "approved", "fed_back", "closed"]


def seed_demo(ctx) -> str:
    from xindang.approvals.demo import approve_through, users_by_role
    from xindang.customers.choices import Status

    from . import services

    customers = [c for c in ctx.customers if c.status == Status.ACTIVE and c.owner_id and c.owner.is_active]
    if not customers:
        return "no active customers"
    approvers = users_by_role(ctx.users)
    office = ctx.users.get("bangongshi")
    agent = ctx.users.get("kefu")
    supervisor = ctx.users.get("kefuzhuguan")
    rng = ctx.rng
    complaints = 0
    for i, (product, cause, kind, severity, content, stage) in enumerate(COMPLAINTS):
        customer = customers[(i * 7) % len(customers)]
        handler = customer.owner
        received = ctx.today - timedelta(days=rng.randint(3, 40))
        c = services.receive_complaint(
            by=handler,
            customer_id=customer.pk,
            data={
                "product": product,
                "cause": cause,
                "kind": kind,
                "severity": severity,
                "content": content,
                "received_on": received,
            },
        )
        complaints += 1
        reached = STAGES.index(stage)
        if reached >= 1:
            c = services.investigate_complaint(by=handler, complaint=c, investigation="已核实情况。")
        if reached >= 2:
            c = services.propose_resolution(
                by=handler,
                complaint=c,
                resolution="按合同退换不合格部分, 运费由我方承担。",
                production_opinion="生产处已查明原因并调整工艺。" if kind == "quality" else "",
            )
        if reached >= 3:
            approve_through(c.approval, approvers)
            c.refresh_from_db()
        if reached >= 4 and office is not None:
            c = services.feed_back_complaint(by=office, complaint=c, feedback="已书面告知客户。")
        if reached >= 5 and office is not None:
            services.close_complaint(by=office, complaint=c, customer_answer="客户表示接受。", satisfied=True)
    visits = 0
    if agent is not None:
        for i, customer in enumerate(customers[:6]):
            planner = customer.owner
            planned = ctx.today + timedelta(days=rng.randint(-20, 20))
            v = services.plan_visit(
                by=planner,
                customer_id=customer.pk,
                agent=agent,
                data={
                    "kind": "key_customer" if i % 3 == 0 else "routine",
                    "planned_on": planned,
                    "method": "on_site",
                    "place": "客户办公室",
                    "purpose": "了解下季度采购计划及对我方服务的意见",
                },
            )
            visits += 1
            if planned < ctx.today - timedelta(days=2):
                v = services.record_visit(
                    by=agent,
                    visit=v,
                    data={
                        "visited_on": planned,
                        "needs": "希望增加冷轧品种, 缩短交货期。",
                        "service_opinions": "送货及时, 对账单偶有差错。",
                        "operations": "worsening" if i == 1 else "stable",
                        "findings": "开工率明显下降, 库存积压。" if i == 1 else "",
                    },
                )
                v = services.report_visit(
                    by=agent,
                    visit=v,
                    process="按计划拜访采购经理和财务主管。",
                    result="取得下季度询价, 对账问题已记录。",
                    reported_on=planned + timedelta(days=1),
                )
                if supervisor is not None and i % 2 == 0:
                    services.review_visit(by=supervisor, visit=v, guidance="对账差错请财务协助核查。")
    surveyed = 0
    if office is not None:
        q = services.save_questionnaire(
            by=office,
            name="顾客满意度调查表",
            scale_max=5,
            questions=[
                ("service", "对我方服务质量的总体评价"),
                ("service", "交货及时性"),
                ("price", "价格是否合理"),
                ("company", "对公司的总体评价"),
            ],
        )
        campaign = services.open_campaign(
            by=office, questionnaire=q, year=ctx.today.year, title=f"{ctx.today.year} 年度顾客满意度调查"
        )
        questions = list(q.questions.all())
        for customer in customers[:12]:
            services.enter_response(
                by=office,
                campaign=campaign,
                customer_id=customer.pk,
                scores={qq.pk: rng.choice([3, 4, 4, 5, 5]) for qq in questions},
                answered_on=ctx.today - timedelta(days=rng.randint(1, 30)),
            )
            surveyed += 1
    return f"{complaints} complaints, {visits} visits, {surveyed} survey answers"

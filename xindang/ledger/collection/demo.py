"""Demo data for collection (order 40, after the ledger's step): for demo customers with overdue
receivables, collection records, promises (kept and broken), the daily job's reports, one completed
anomaly report, one submitted problem account, a decided dangerous-customer report and a suspension."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Min, Sum

from xindang.ledger.ageing import DEBIT_KINDS, due_expression
from xindang.ledger.models import TradeEntry

from . import services
from .models import AnomalyReport, ProblemAccountReport

SUMMARIES = [
    ("call", "财务王经理", "客户称月底资金回笼后付款", "月底再次电话确认"),
    ("visit", "总经理", "上门对账，余额无异议，答应分两次付清", "下周复核第一笔回款"),
    ("letter", "", "寄出催款函（挂号信）", "十天后电话跟进"),
    ("call", "出纳", "客户说已安排承兑汇票，尚未寄出", "索要汇票号码"),
    ("lawyer", "", "委托律师发出律师函", "等待客户答复"),
]


def seed_collection(ctx) -> str:
    today = ctx.today
    ids = [c.pk for c in ctx.customers]
    by_id = {c.pk: c for c in ctx.customers}
    overdue = list(
        TradeEntry.objects.filter(customer_id__in=ids, kind__in=DEBIT_KINDS, open_amount__gt=0)
        .annotate(due=due_expression())
        .filter(due__lt=today)
        .values("customer_id")
        .annotate(oldest=Min("due"), total=Sum("open_amount"))
        .order_by("oldest", "customer_id")
    )
    if not overdue:
        return "collection: no overdue receivables in the demo ledger"
    managers = [u for login, u in sorted(ctx.users.items()) if login.startswith("jingli")] or list(
        ctx.users.values()
    )
    fallback = ctx.users.get("xinyong") or next(iter(ctx.users.values()))
    records = promises = 0
    chosen = overdue[: max(3, len(overdue) // 2)]
    for i, row in enumerate(chosen):
        customer = by_id[row["customer_id"]]
        owner = customer.owner if customer.owner.is_active else fallback
        for k in range(1 + i % 3):
            method, person, said, step = SUMMARIES[(i + k) % len(SUMMARIES)]
            contacted = today - timedelta(days=40 - 12 * k - ctx.rng.randint(0, 5))
            next_on = contacted + timedelta(days=14)
            record = services.add_record(
                customer=customer,
                by=owner,
                method=method,
                contacted_on=min(contacted, today),
                contact_person=person,
                summary=said,
                next_step=step,
                next_step_on=next_on,
            )
            if next_on < today - timedelta(days=3):
                services.mark_next_step_done(record=record, by=owner)
            records += 1
        # A promise: every third broken (amount never paid), the others open or kept by later payments.
        amount = (Decimal(row["total"]) / 2).quantize(Decimal("0.01"))
        made = today - timedelta(days=25 - i % 7)
        promised = made + timedelta(days=10 if i % 3 == 0 else 30)
        if amount > 0:
            services.add_promise(
                customer=customer,
                by=owner,
                amount=amount,
                made_on=made,
                promised_on=promised,
                note="电话承诺",
            )
            promises += 1
    # Kept promises: customers who paid recently promised it first.
    paid = (
        TradeEntry.objects.filter(
            customer_id__in=ids, kind="payment", entry_on__gte=today - timedelta(days=60), entry_on__lte=today
        )
        .order_by("customer_id", "-entry_on")
        .values("customer_id", "entry_on", "amount")
    )
    seen = set()
    for p in paid:
        if p["customer_id"] in seen or len(seen) >= 10:
            continue
        seen.add(p["customer_id"])
        customer = by_id[p["customer_id"]]
        services.add_promise(
            customer=customer,
            by=customer.owner if customer.owner.is_active else fallback,
            amount=p["amount"],
            made_on=p["entry_on"] - timedelta(days=5),
            promised_on=p["entry_on"] + timedelta(days=2),
            note="对账后承诺",
        )
        promises += 1
    summary = services.run_daily(today=today)

    anomaly = (
        AnomalyReport.objects.filter(customer_id__in=ids, status="open").select_related("customer").first()
    )
    if anomaly:
        services.complete_anomaly(
            report=anomaly,
            by=anomaly.assigned_to or fallback,
            delay_reason="客户下游回款慢，资金周转紧张",
            customer_situation="经营正常，订单量有所下降",
            measures_proposed="每周电话跟进，暂停新增赊销，月底前上门对账",
        )
    problem = (
        ProblemAccountReport.objects.filter(customer_id__in=ids, status="open")
        .select_related("customer")
        .first()
    )
    if problem:
        services.submit_problem(
            report=problem,
            by=problem.assigned_to or fallback,
            facts=f"截至{today:%Y年%m月%d日}逾期{problem.days_late}天，欠款{problem.overdue_amount}元",
            cause="客户资金链紧张，多次承诺未兑现",
            measures="发律师函；要求提供担保；停止发货",
            responsible=problem.assigned_to,
        )
    danger_customer = by_id[overdue[0]["customer_id"]]
    reporter = danger_customer.owner if danger_customer.owner.is_active else fallback
    danger = services.report_danger(
        customer=danger_customer,
        by=reporter,
        kind="urgent",
        situation="客户法人代表变更，主要银行账户被冻结，逾期欠款持续增加",
        measures={
            "guarantor": {"proposed": True, "notes": "要求母公司提供连带担保"},
            "reduce_shipments": {"proposed": True, "notes": "停止发货直至欠款结清"},
            "debt_in_lieu": {"proposed": True, "notes": "可接受库存钢材抵债"},
        },
    )
    decider = next((m for m in managers if m.pk != reporter.pk), fallback)
    if decider.pk != reporter.pk:
        services.decide_danger(
            report=danger,
            by=decider,
            approved={"guarantor": True, "reduce_shipments": True},
            decision="同意要求担保并停止发货；抵债方案另行报总经理",
        )
        services.suspend_trade(
            customer=danger_customer,
            by=decider,
            reason="危险客户：逾期未还、账户冻结，停止交易",
            danger_report=danger,
        )
    s = summary
    return (
        f"collection: {records} records, {promises} promises ({s['kept']} kept, {s['broken']} broken), "
        f"{s['anomalies']} anomaly and {s['problems']} problem-account reports, 1 dangerous-customer report"
    )

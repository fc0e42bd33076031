"""Demo data (order 10): investigations and ratings for a good share of the demo customers, spread
over A/B/C, written through the services as a user would: the salesperson fills in and signs the
investigation, a manager reviews it, the credit manager proposes the rating the rules compute and the
policy's chain approves it (approval service) — so each carries its trail and audit events."""

from datetime import timedelta
from decimal import Decimal

from xindang.accounts.roles import Role
from xindang.approvals.demo import approve_through, users_by_role
from xindang.core.errors import DomainError
from xindang.customers.choices import Status
from xindang.policy.selectors import current_policy

from . import selectors, services

PENDING = 6


def seed_demo(ctx) -> str:
    rng = ctx.rng
    fallback = ctx.users.get("xiaoshou1") or next(iter(ctx.users.values()))
    approvers = users_by_role(ctx.users)
    proposer = ctx.users.get("xinyong") or fallback
    # 002 第十条: the department manager reviews (the marketing manager where a department has none);
    # the finance department files the reviewed form.
    marketing = ctx.users.get("yingxiao") or proposer
    filer = ctx.users.get("xinkong")
    managers = _department_managers(ctx)
    section = current_policy().credit
    customers = [c for c in ctx.customers if c.status in (Status.ACTIVE, Status.SUSPENDED)]
    customers = customers[: max(1, int(len(customers) * 0.7))] if customers else []
    profiles = {}
    complete = _complete(customers)
    investigations = 0
    # The customer's salesperson investigates and signs (002 第十条); the department manager (or the
    # credit manager) reviews — each through the service, so the form carries its trail.
    for c in customers:
        weights = [8, 1, 1] if complete.get(c.pk) else [1, 6, 3]
        profile = rng.choices(["good", "mid", "bad"], weights=weights)[0]
        profiles[c.pk] = profile
        author = c.owner if c.owner_id and c.owner.is_active else fallback
        reviewer = managers.get(c.department_id) or marketing
        if reviewer.pk == author.pk:
            reviewer = marketing
        on = ctx.today - timedelta(days=rng.randint(0, 80))
        inv = services.create_investigation(
            customer_id=c.pk,
            by=author,
            data=_investigation_data(c, profile, on, ctx),
            years=_years(ctx, profile),
        )
        services.sign_investigation(investigation_id=inv.pk, by=author)
        services.review_investigation(
            investigation_id=inv.pk,
            by=reviewer,
            notes="已与营业执照、银行流水及往来记录核对。"
            if profile != "bad"
            else "逾期及下滑情况已向业务员核实。",
        )
        if filer is not None:
            services.file_investigation(investigation_id=inv.pk, by=filer)
        investigations += 1
    # Ratings: proposed by the credit manager from the rules and approved along the policy's chain by
    # the users of its roles; the last few stay with the approvers.
    counts: dict[str, int] = {}
    pending_for = customers[-PENDING:] if len(customers) > PENDING * 4 else []
    approved = pending = 0
    for c in customers:
        try:
            rating = services.propose_rating(
                customer_id=c.pk, by=proposer, on=ctx.today, note=NOTES[profiles[c.pk]]
            )
            if services.salesperson_pending(rating, section):
                # 002 第十九条: the salesperson in charge agrees, then the proposal goes for approval
                services.sign_rating_as_salesperson(
                    rating_id=rating.pk, by=c.owner, agrees=True, opinion="同意。"
                )
                rating = services.submit_rating(rating_id=rating.pk, by=proposer)
        except DomainError:  # e.g. the approval engine refuses the chain of a changed policy
            continue
        if c in pending_for:
            pending += 1
            continue
        approve_through(rating.approval, approvers, comment="同意评级。")
        counts[rating.grade] = counts.get(rating.grade, 0) + 1
        approved += 1
    spread = ", ".join(f"{g} {n}" for g, n in sorted(counts.items()))
    return (
        f"{investigations} investigations, {approved} approved ratings ({spread}), "
        f"{pending} awaiting approval"
    )


REVIEW_NOTES = {
    "good": "已与营业执照、银行流水及往来记录核对。",
    "mid": "已与营业执照、银行流水及往来记录核对。",
    "bad": "逾期及营业额下滑情况已向业务员核实。",
}
NOTES = {"good": "年度信用评级。", "mid": "年度信用评级, 关注回款。", "bad": "年度信用评级, 回款风险较高。"}


def _department_managers(ctx) -> dict:
    out = {}
    for user in ctx.users.values():
        if user.department_id and user.groups.filter(name=Role.DEPARTMENT_MANAGER).exists():
            out.setdefault(user.department_id, user)
    return out


def _complete(customers) -> dict:
    # Files holding their required documents can reach A (002 第十八条): most of them are made good.
    return selectors.docs_complete_bulk(customers, current_policy())


CONCLUSIONS = {"good": "资信良好,建议评为A级。", "mid": "资信一般。", "bad": "风险较高,建议评为C级。"}


def _investigation_data(c, profile: str, on, ctx) -> dict:
    rng = ctx.rng
    return {
        "investigated_on": on,
        "basic_info": f"{c.name}, 法定代表人{c.legal_rep or '—'}。",
        "shareholders": "主要股东及实际控制人已核实。",
        "bank_accounts": "基本户开户行已核实。",
        "operations": "经营正常。" if profile != "bad" else "近期经营困难,营业额下滑。",
        "financial_notes": "依据近两年财务报表。",
        "trade_history": "与我方合作多年。" if profile == "good" else "合作时间较短。",
        "credit_record": "无不良记录。" if profile != "bad" else "曾有逾期欠款。",
        "sources": ["cooperation", "archive", "authorities"],
        "employee_count": rng.choice([50, 120, 260, 480, 900]),
        "founded_on": c.founded_on,
        "cooperation_since": ctx.today
        - timedelta(days=30 * (rng.randint(14, 60) if profile == "good" else rng.randint(2, 30))),
        "yearly_collections_amount": Decimal(
            rng.randint(12, 40) * 100000 if profile == "good" else rng.randint(3, 20) * 100000
        ),
        "yearly_shipments_amount": Decimal(
            rng.randint(12, 40) * 100000 if profile == "good" else rng.randint(3, 20) * 100000
        ),
        "bank_credit": "基本户开户行反映结算正常。" if profile != "bad" else "银行反映近期有退票。",
        "site_visit": "实地查看厂区及仓库,经营场所与登记一致。",
        "public_records_court": "未见未结诉讼。" if profile != "bad" else "有一起买卖合同纠纷在审。",
        "public_records_tax": "纳税正常。",
        "public_records_penalties": "未见行政处罚。",
        "media": "未见负面报道。",
        "lawful_and_kept_promises": profile != "bad",
        "operations_good": profile == "good",
        "bad_debt": profile == "bad" and rng.random() < 0.5,
        "broken_promises": profile == "bad",
        "broken_promises_count": rng.randint(3, 6) if profile == "bad" else 0,
        "falling_turnover": profile == "bad",
        "falling_turnover_months": rng.randint(3, 8) if profile == "bad" else 0,
        "conclusion": {
            "good": "资信良好,建议评为A级。",
            "mid": "资信一般。",
            "bad": "风险较高,建议评为C级。",
        }[profile],
    }


def _years(ctx, profile: str) -> list[dict]:
    base = Decimal(ctx.rng.randint(20, 200) * 100000)
    rows = []
    for i, year in enumerate((ctx.today.year - 2, ctx.today.year - 1)):
        revenue = base * (Decimal("1.1") ** i if profile != "bad" else Decimal("0.8") ** i)
        assets = base * 2
        ratio = {"good": Decimal("0.45"), "mid": Decimal("0.7"), "bad": Decimal("0.9")}[profile]
        margin = {"good": Decimal("0.08"), "mid": Decimal("0.02"), "bad": Decimal("-0.05")}[profile]
        profit = revenue * margin
        cent = Decimal("0.01")
        rows.append(
            {
                "year": year,
                "revenue_amount": revenue.quantize(cent),
                "profit_amount": profit.quantize(cent),
                "total_assets_amount": assets,
                "liabilities_amount": (assets * ratio).quantize(cent),
                "equity_amount": (assets * (1 - ratio)).quantize(cent),
                "cash_flow_amount": (profit * Decimal("1.2")).quantize(cent),
            }
        )
    return rows

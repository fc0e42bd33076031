"""Demo data (order 10): signed and reviewed investigations and approved ratings for a good share of
the demo customers, spread over A/B/C. Written in bulk (fast); the grades come from the rules."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

PENDING = 6


def seed_demo(ctx) -> str:
    from xindang.core.errors import DomainError
    from xindang.customers.choices import Status
    from xindang.policy.selectors import current_policy

    from . import rules, selectors, services
    from .models import Investigation, InvestigationStatus, InvestigationYear, Rating, RatingStatus

    policy = current_policy()
    section = policy.credit
    rng = ctx.rng
    author = ctx.users.get("xiaoshou1") or next(iter(ctx.users.values()))
    # 002 第十条: the department manager (here the marketing manager) reviews, finance files.
    reviewer = ctx.users.get("yingxiao") or author
    filer = ctx.users.get("xinkong")
    proposer = ctx.users.get("xinyong") or author
    customers = [c for c in ctx.customers if c.status in (Status.ACTIVE, Status.SUSPENDED)]
    customers = customers[: max(1, int(len(customers) * 0.7))] if customers else []
    now = timezone.now()
    invs, years = [], []
    profiles = {}
    # Files holding their required documents can reach A (002 第十八条): most of them are made good.
    complete = selectors._docs_complete_bulk(customers, policy)
    for c in customers:
        weights = [8, 1, 1] if complete.get(c.pk) else [1, 6, 3]
        profile = rng.choices(["good", "mid", "bad"], weights=weights)[0]
        profiles[c.pk] = profile
        on = ctx.today - timedelta(days=rng.randint(0, 80))
        inv = Investigation(
            customer=c,
            investigated_on=on,
            status=InvestigationStatus.REVIEWED,
            basic_info=f"{c.name}, 法定代表人{c.legal_rep or '—'}。",
            shareholders="主要股东及实际控制人已核实。",
            bank_accounts="基本户开户行已核实。",
            operations="经营正常。" if profile != "bad" else "近期经营困难,营业额下滑。",
            financial_notes="依据近两年财务报表。",
            trade_history="与我方合作多年。" if profile == "good" else "合作时间较短。",
            credit_record="无不良记录。" if profile != "bad" else "曾有逾期欠款。",
            sources=["cooperation", "archive", "authorities"],
            employee_count=rng.choice([50, 120, 260, 480, 900]),
            founded_on=c.founded_on,
            cooperation_since=ctx.today
            - timedelta(days=30 * (rng.randint(14, 60) if profile == "good" else rng.randint(2, 30))),
            yearly_collections_amount=Decimal(
                rng.randint(12, 40) * 100000 if profile == "good" else rng.randint(3, 20) * 100000
            ),
            yearly_shipments_amount=Decimal(
                rng.randint(12, 40) * 100000 if profile == "good" else rng.randint(3, 20) * 100000
            ),
            bank_credit="基本户开户行反映结算正常。" if profile != "bad" else "银行反映近期有退票。",
            site_visit="实地查看厂区及仓库,经营场所与登记一致。",
            public_records_court="未见未结诉讼。" if profile != "bad" else "有一起买卖合同纠纷在审。",
            public_records_tax="纳税正常。",
            public_records_penalties="未见行政处罚。",
            media="未见负面报道。",
            lawful_and_kept_promises=profile != "bad",
            operations_good=profile == "good",
            bad_debt=profile == "bad" and rng.random() < 0.5,
            broken_promises=profile == "bad",
            broken_promises_count=rng.randint(3, 6) if profile == "bad" else 0,
            falling_turnover=profile == "bad",
            falling_turnover_months=rng.randint(3, 8) if profile == "bad" else 0,
            conclusion={
                "good": "资信良好,建议评为A级。",
                "mid": "资信一般。",
                "bad": "风险较高,建议评为C级。",
            }[profile],
            created_by=author,
            signed_by=author,
            signed_at=now,
            reviewed_by=reviewer,
            reviewed_at=now,
            review_notes="已审核。",
            filed_by=filer,
            filed_at=now if filer else None,
            credit_proposal={"good": "建议给予授信。", "mid": "建议有担保时授信。", "bad": "不建议授信。"}[
                profile
            ],
            valid_until=rules.add_months(on, section.investigation_valid_months),
        )
        invs.append(inv)
    Investigation.objects.bulk_create(invs, batch_size=500)
    invs = list(Investigation.objects.filter(customer__in=customers).order_by("id"))
    for inv in invs:
        profile = profiles[inv.customer_id]
        base = Decimal(rng.randint(20, 200) * 100000)
        for i, year in enumerate((ctx.today.year - 2, ctx.today.year - 1)):
            revenue = base * (Decimal("1.1") ** i if profile != "bad" else Decimal("0.8") ** i)
            assets = base * 2
            ratio = {"good": Decimal("0.45"), "mid": Decimal("0.7"), "bad": Decimal("0.9")}[profile]
            profit = revenue * (
                Decimal("0.08")
                if profile == "good"
                else Decimal("0.02")
                if profile == "mid"
                else Decimal("-0.05")
            )
            years.append(
                InvestigationYear(
                    investigation=inv,
                    year=year,
                    revenue_amount=revenue.quantize(Decimal("0.01")),
                    profit_amount=profit.quantize(Decimal("0.01")),
                    total_assets_amount=assets,
                    liabilities_amount=(assets * ratio).quantize(Decimal("0.01")),
                    equity_amount=(assets * (1 - ratio)).quantize(Decimal("0.01")),
                    cash_flow_amount=(profit * Decimal("1.2")).quantize(Decimal("0.01")),
                )
            )
    InvestigationYear.objects.bulk_create(years, batch_size=1000)
    facts = selectors.rating_facts_bulk([c.pk for c in customers], on=ctx.today, policy=policy)
    by_customer = {inv.customer_id: inv for inv in invs}
    ratings = []
    counts: dict[str, int] = {}
    # The last few are proposed through the approval engine instead: the chain has work to do.
    pending_for = customers[-PENDING:] if len(customers) > PENDING * 4 else []
    for c in customers[: len(customers) - len(pending_for)]:
        result = rules.rate_with(section.scheme, facts[c.pk], section)
        counts[result.grade] = counts.get(result.grade, 0) + 1
        ratings.append(
            Rating(
                customer=c,
                scheme=section.scheme,
                grade=result.grade,
                computed_grade=result.grade,
                reasons=result.reasons_json(),
                facts=result.facts.as_dict(),
                investigation=by_customer.get(c.pk),
                policy_version=policy.version,
                policy_version_ref_id=policy.version_id,
                status=RatingStatus.APPROVED,
                proposed_by=proposer,
                salesperson_id=c.owner_id,
                salesperson_agrees=True if c.owner_id else None,
                salesperson_signed_at=now if c.owner_id else None,
                decided_at=now,
                effective_at=now,
                note="demo",
            )
        )
    Rating.objects.bulk_create(ratings, batch_size=500)
    pending = 0
    for c in pending_for:
        try:
            rating = services.propose_rating(customer_id=c.pk, by=proposer, on=ctx.today, note="demo")
            if services.salesperson_pending(rating, section):
                # 002 第十九条: the salesperson in charge agrees, then the proposal goes for approval
                services.sign_rating_as_salesperson(rating_id=rating.pk, by=c.owner, agrees=True)
                services.submit_rating(rating_id=rating.pk, by=proposer)
            pending += 1
        except DomainError:  # e.g. the approval engine refuses the chain of a changed policy
            continue
    spread = ", ".join(f"{g} {n}" for g, n in sorted(counts.items()))
    return (
        f"{len(invs)} investigations, {len(ratings)} approved ratings ({spread}), {pending} awaiting approval"
    )

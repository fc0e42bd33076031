"""The ABC ranking and the two ends of 抓两头放中间 the daily run stores (the ABC analysis read a page
at a time), the company's and each department's, as of today and as of the end of last year. A cache
that can always be rebuilt: each refresh replaces the ranking in one transaction."""

from datetime import date

from django.db import transaction


# --- The ABC ranking and the two ends (the ABC analysis read a page at a time) ---------------------
def refresh_abc_ranking(*, today: date | None = None) -> int:
    """Store the ABC ranking of this year's and last year's sales (to `today`) and the two ends of
    抓两头放中间 as of `today` and as of the end of last year (reports.AbcRank) over every customer, and
    over each department's files (those the credit snapshot gives it): the same computation as the ABC
    page's live one — set-wide
    aggregates of the ledger (sales per customer, first entries, write-offs) and the risk inputs of
    today's credit snapshot and of the end of last year's (stored just before by the daily run;
    computed if missing), ranked by the
    same rules (rules.abc_classes) — then written in one transaction that replaces the previous
    ranking: idempotent, readers see the old ranking or the new one. Returns the rows stored."""
    from django.utils import timezone

    from xindang.customers.models import Customer
    from xindang.policy.selectors import current_policy

    from ..models import AbcRank, CreditSnapshot
    from ..selectors import credit, ranking, sales, snapshot

    today = today or timezone.localdate()
    policy = current_policy()
    everyone = Customer.objects.all()
    now = timezone.now()
    stamp = {"on": today, "computed_at": now}
    # the departments' files as the snapshot has them (its sums are of the same files)
    groups: dict[int | None, set[int] | None] = {None: None}
    if snapshot.latest() is not None:
        for cid, dept in CreditSnapshot.objects.filter(
            customer__isnull=False, department__isnull=False
        ).values_list("customer_id", "department_id"):
            groups.setdefault(dept, set()).add(cid)
    rows = []
    for year in (today.year - 1, today.year):
        amounts = sales.sales_by_customer(everyone, date(year, 1, 1), min(date(year, 12, 31), today))
        params = ranking.params_key(AbcRank.Kind.SALES, policy)
        for dept, ids in groups.items():
            part = ((cid, a) for cid, a in amounts.items() if a and (ids is None or cid in ids))
            rows += _sales_ranking(part, year=year, department=dept, policy=policy, stamp=stamp)
            rows.append(
                AbcRank(kind=AbcRank.Kind.SALES, year=year, department_id=dept, params=params, **stamp)
            )
    # the two ends as of today, and as of the end of last year (the ABC page of last year)
    params = ranking.params_key(AbcRank.Kind.CORE, policy)
    end = snapshot.last_year_end(today)
    for on, snap in ((today, snapshot.for_day(today)), (end, snapshot.year_end_of(end))):
        if snap:
            grades, earlier = snapshot.grades_now_and_then(everyone, snap)
            overdue = snapshot.overdue_by_customer(everyone, snap)
        else:
            grades, earlier, overdue = credit.risk_inputs(everyone, on)
        facts = sales.core_tail_facts(
            everyone, on=on, policy=policy, grades=grades, earlier=earlier, overdue=overdue
        )
        at = {"on": on, "computed_at": now}
        for dept, ids in groups.items():
            part = facts if ids is None else {cid: f for cid, f in facts.items() if cid in ids}
            rows += _core_ranking(part, year=on.year, department=dept, policy=policy, stamp=at)
            rows.append(
                AbcRank(kind=AbcRank.Kind.CORE, year=on.year, department_id=dept, params=params, **at)
            )
    with transaction.atomic():
        AbcRank.objects.all().delete()
        AbcRank.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _sales_ranking(amounts, *, year: int, department, policy, stamp) -> list:
    """The rows of the ABC ranking of these sales ((customer id, amount) of those with sales)."""
    from .. import rules
    from ..models import AbcRank

    section = policy.reports
    return [
        AbcRank(
            kind=AbcRank.Kind.SALES,
            year=year,
            customer_id=r.key,
            department_id=department,
            rank=r.rank,
            amount=r.amount,
            share=r.share,
            cumulative=r.cumulative,
            klass=r.klass,
            **stamp,
        )
        for r in rules.abc_classes(amounts, a_pct=section.abc_a_pct, b_pct=section.abc_b_pct)
    ]


def _core_ranking(facts: dict, *, year: int, department, policy, stamp) -> list:
    """The rows of the two ends of these customers' facts (sales.core_tail_facts)."""
    from .. import rules
    from ..models import AbcRank

    section = policy.reports
    ranked = {
        r.key: r
        for r in rules.abc_classes(
            ((cid, f.average) for cid, f in facts.items() if f.average is not None),
            a_pct=section.abc_a_pct,
            b_pct=section.abc_b_pct,
        )
    }
    out = []
    for cid, f in facts.items():
        r = ranked.get(cid)
        out.append(
            AbcRank(
                kind=AbcRank.Kind.CORE,
                year=year,
                customer_id=cid,
                department_id=department,
                rank=r.rank if r else None,
                amount=f.average,
                share=r.share if r else None,
                cumulative=r.cumulative if r else None,
                klass=r.klass if r else rules.C,
                days_of_trade=f.days,
                grade=f.grade or "",
                overdue=f.overdue,
                reasons=",".join(f.reasons),
                signs=len(f.reasons),
                **stamp,
            )
        )
    return out

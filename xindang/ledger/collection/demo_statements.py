"""Demo data for balance confirmations (order 41, after collection's step): statements of last
month's end for a few demo customers with open items — one confirmed, one disputed and resolved, one
disputed, one awaiting the customer's answer (002 第三十五条 定期对帐)."""

from datetime import timedelta

from xindang.core.errors import DomainError
from xindang.ledger.models import TradeEntry

from . import services


def seed_statements(ctx) -> str:
    as_of = ctx.today.replace(day=1) - timedelta(days=1)
    ids = [c.pk for c in ctx.customers]
    with_items = set(
        TradeEntry.objects.filter(customer_id__in=ids, open_amount__gt=0, entry_on__lte=as_of).values_list(
            "customer_id", flat=True
        )
    )
    issuer = ctx.users.get("xinyong") or next(iter(ctx.users.values()))
    chosen = [c for c in ctx.customers if c.pk in with_items][:4]
    made = 0
    for i, customer in enumerate(chosen):
        try:
            s = services.issue_statement(customer=customer, as_of=as_of, by=issuer)
        except DomainError:
            continue  # already there (the demo run twice) or not the issuer's to see
        made += 1
        if i == 0:
            services.record_reply(statement=s, by=issuer, stated_balance=str(s.balance), note="余额相符")
        elif i in (1, 2):
            services.record_reply(
                statement=s,
                by=issuer,
                stated_balance=str(max(s.balance - 2000, 0)),
                note="有一张发货单未收到",
            )
            if i == 1:
                services.resolve_statement(
                    statement=s, by=issuer, resolution="补寄发货单签收联后客户确认余额"
                )
    return f"balance statements: {made}"

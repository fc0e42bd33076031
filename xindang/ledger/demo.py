"""Demo step "ledger" (order 30, after the ratings; the grants, order 35, are sized to its trade): a
year of plausible trade for the demo customers that have a grant or a rating — credit shipments, some
invoices, payments after the term (a few chronically late, a few paying ahead), some prepayments with
goods received, acceptance bills of which most are settled — posted through the batch service so
allocations and exposure are real.

The grants and ratings are read through the app registry (they live above the ledger) only to pick
the customers and their terms; nothing of theirs is imported.
"""

from datetime import timedelta
from decimal import Decimal

from django.apps import apps

from . import services
from .models import Exposure

CENT = Decimal("0.01")
# The demo trade reads as if it came from the company's ERP (as real imported entries do).
SOURCE = "ERP"


def _granted_limits(ids) -> dict[int, Decimal]:
    """customer id → limit of its demo grant, so that its trade is sized to the limit."""
    try:
        Grant = apps.get_model("grants", "CreditGrant")
    except LookupError:
        return {}
    return dict(
        Grant.objects.filter(customer_id__in=ids, status="active").values_list("customer_id", "limit_amount")
    )


def _credit_customers(ctx) -> dict[int, int]:
    """customer id → term days, for the demo customers with a grant (its term) or a rating (30)."""
    ids = {c.pk for c in ctx.customers}
    terms: dict[int, int] = {}
    try:
        Rating = apps.get_model("credit", "Rating")
        for cid in Rating.objects.filter(customer_id__in=ids).values_list("customer_id", flat=True):
            terms[cid] = 30
    except LookupError:
        pass
    try:
        Grant = apps.get_model("grants", "CreditGrant")
        for cid, term in Grant.objects.filter(customer_id__in=ids).values_list("customer_id", "term_days"):
            terms[cid] = int(term or 30)
    except LookupError:
        pass
    if not terms:  # earlier steps absent: a share of the active files
        for c in ctx.customers:
            if c.status == "active" and ctx.rng.random() < 0.5:
                terms[c.pk] = 30
    return terms


def _money(rng, low, high) -> Decimal:
    return (Decimal(rng.uniform(low, high)) / 100).quantize(Decimal(1)) * 100


def seed_ledger(ctx) -> str:
    rng = ctx.rng
    terms = _credit_customers(ctx)
    if not terms:
        return "no customers to trade with"
    Exposure.objects.bulk_create(
        [Exposure(customer_id=cid) for cid in terms], ignore_conflicts=True, batch_size=1000
    )
    start = ctx.today - timedelta(days=365)
    limits = _granted_limits(set(terms))
    rows, settlements = [], []
    for cid, term in sorted(terms.items()):
        habit = rng.choices(["prompt", "late", "very_late", "ahead"], weights=[55, 25, 10, 10])[0]
        size = rng.choice([20_000, 60_000, 150_000, 400_000])
        if cid in limits:
            # About one shipment a month of ~0.25 × the limit (notes received stay in exposure for
            # months): prompt payers stay within it, late payers run over it (the reduction list and
            # the over-limit warnings have something to show).
            size = max(10_000, int(limits[cid] * Decimal("0.35")))
        events = []
        day = rng.randint(0, 20)
        n = 0
        while day < 365:
            on = start + timedelta(days=day)
            n += 1
            amount = _money(rng, size * 0.3, size * 1.2)
            kind = "invoice" if rng.random() < 0.15 else "shipment"
            events.append(
                (on, {"kind": kind, "amount": amount, "term_days": term, "external_id": f"XS-{cid}-{n}"})
            )
            delay = {
                "prompt": term - rng.randint(0, 5),
                "late": term + rng.randint(10, 45),
                "very_late": term + rng.randint(60, 200),
                "ahead": rng.randint(0, 5),
            }[habit]
            pay_on = on + timedelta(days=max(0, delay))
            if pay_on <= ctx.today:
                paid = amount if rng.random() < 0.85 else (amount * Decimal("0.6")).quantize(CENT)
                if habit == "ahead" and rng.random() < 0.3:
                    paid = amount + _money(rng, 1000, 5000)  # an advance: kept as credit balance
                if rng.random() < 0.12:
                    matures = pay_on + timedelta(days=rng.choice([90, 180]))
                    note_id = f"PJ-{cid}-{n}"
                    events.append(
                        (
                            pay_on,
                            {
                                "kind": "note_received",
                                "amount": paid,
                                "external_id": note_id,
                                "note_no": f"3100{rng.randint(10**9, 10**10 - 1)}",
                                "note_matures_on": matures,
                            },
                        )
                    )
                    if matures <= ctx.today:
                        settlements.append(
                            {
                                "customer": cid,
                                "kind": "note_settled",
                                "amount": paid,
                                "entry_on": matures,
                                "source_system": SOURCE,
                                "external_id": f"{note_id}-S",
                                "settles": {"source_system": SOURCE, "external_id": note_id},
                            }
                        )
                else:
                    events.append(
                        (pay_on, {"kind": "payment", "amount": paid, "external_id": f"HK-{cid}-{n}"})
                    )
            if rng.random() < 0.05:
                pre = _money(rng, size * 0.2, size * 0.5)
                events.append(
                    (
                        on,
                        {
                            "kind": "prepayment",
                            "amount": pre,
                            "term_days": 30,
                            "external_id": f"YF-{cid}-{n}",
                        },
                    )
                )
                got = on + timedelta(days=rng.randint(10, 50))
                if got <= ctx.today:
                    events.append(
                        (got, {"kind": "goods_received", "amount": pre, "external_id": f"DH-{cid}-{n}"})
                    )
            day += rng.randint(18, 40)
        events.sort(key=lambda e: (e[0], e[1]["kind"] in ("payment", "note_received", "goods_received")))
        for on, data in events:
            rows.append({"customer": cid, "entry_on": on, "source_system": SOURCE, **data})
    posted = 0
    for i in range(0, len(rows), 10_000):
        posted += len(services.post_trade_entries(rows=rows[i : i + 10_000], max_rows=10_000))
    for i in range(0, len(settlements), 10_000):
        posted += len(services.post_trade_entries(rows=settlements[i : i + 10_000], max_rows=10_000))
    return f"{posted} trade entries for {len(terms)} customers"

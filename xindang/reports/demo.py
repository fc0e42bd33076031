"""Demo step "reports" (order 60, after the ledger's year of trade): the two years of trade before it,
with product lines and their cost, so the seasonal index (three years of monthly sales, 004
客户信息管理制度 第四条1) and the product analyses (第四条2–6) have something to read. Posted through the
ledger's batch service like the ledger's own demo (reports itself writes nothing at run time); every
sale is paid within its term, so the older years add history, not exposure."""

from datetime import date, timedelta
from decimal import Decimal

from xindang.ledger import services
from xindang.ledger.models import TradeEntry

SOURCE = "ERP"
MAX_CUSTOMERS = 60
# Products with the share of their price that is cost (the margin differs per product).
PRODUCTS = (
    ("电机 Y2-132", Decimal("0.78")),
    ("变频器 VF-7", Decimal("0.62")),
    ("控制柜 KG-2", Decimal("0.70")),
)
# Monthly weight: slow after the Spring Festival, a peak before the year's end.
SEASON = (0.7, 0.6, 0.9, 1.0, 1.0, 1.1, 0.9, 0.9, 1.0, 1.1, 1.3, 1.5)


def seed_history(ctx) -> str:
    rng = ctx.rng
    ids = sorted(
        TradeEntry.objects.filter(customer__in=[c.pk for c in ctx.customers], source_system=SOURCE)
        .order_by()
        .values_list("customer_id", flat=True)
        .distinct()
    )[:MAX_CUSTOMERS]
    if not ids:
        return "no trading customers"
    first = ctx.today - timedelta(days=365)  # where the ledger's demo year begins
    rows = []
    for cid in ids:
        size = rng.choice([20_000, 50_000, 120_000])
        products = rng.sample(PRODUCTS, rng.randint(1, 3))
        for year in (first.year - 2, first.year - 1, first.year):
            for month in range(1, 13):
                on = date(year, month, rng.randint(1, 25))
                if on >= first - timedelta(days=36):  # paid (within 35 days) before the demo year
                    continue
                price = Decimal(size * SEASON[month - 1] * rng.uniform(0.8, 1.2)).quantize(Decimal(1))
                lines = []
                for i, (product, cost_share) in enumerate(products):
                    part = (price / len(products)).quantize(Decimal(1))
                    if i == len(products) - 1:
                        part = price - sum((line["amount"] for line in lines), Decimal(0))
                    lines.append(
                        {
                            "product": product,
                            "amount": part,
                            "cost_amount": (part * cost_share).quantize(Decimal(1)),
                        }
                    )
                n = f"{cid}-{year}{month:02d}"
                rows.append(
                    {
                        "customer": cid,
                        "kind": "shipment",
                        "entry_on": on,
                        "amount": price,
                        "term_days": 30,
                        "source_system": SOURCE,
                        "external_id": f"LS-{n}",
                        "lines": lines,
                    }
                )
                rows.append(
                    {
                        "customer": cid,
                        "kind": "payment",
                        "entry_on": on + timedelta(days=rng.randint(15, 35)),
                        "amount": price,
                        "source_system": SOURCE,
                        "external_id": f"LH-{n}",
                    }
                )
    rows.sort(key=lambda r: (r["entry_on"], r["kind"] == "payment"))
    posted = 0
    for i in range(0, len(rows), 10_000):
        posted += len(services.post_trade_entries(rows=rows[i : i + 10_000], max_rows=10_000))
    return f"{posted} earlier trade entries with products for {len(ids)} customers"

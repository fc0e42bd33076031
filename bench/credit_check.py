#!/usr/bin/env python
"""XinDang credit-check benchmark (not a test), on the ledger benchmark's data set (bench/ledger.py:
100,000 customers and 5,000,000 trade entries on PostgreSQL; 10,000 / 500,000 elsewhere).

Times, in the same run and on the same customers as the ledger bench's comparisons:

  * credit check, in-process: xindang.credit.control.services.check_credit (exposure, grant, grade,
    oldest overdue item, holds, suspension and policy version read in one statement, decided, the
    check recorded), without and with a reservation (reserve=true: a transaction under the exposure
    row lock, the hold written);
  * POST /api/credit-check over the whole HTTP stack in process (Django test client, API key);
  * beside (a) the naive check — the same check with the exposure summed over the customer's whole
    ledger and the oldest overdue item worked out from every allocation at every call, as ERPNext
    does — and (b) the floor: one indexed primary-key SELECT of the exposure row.

    python bench/credit_check.py                         # SQLite
    python bench/credit_check.py --engine postgresql     # the full size
    python bench/credit_check.py --engine postgresql --keep / --reuse

Before measuring, every sampled customer gets a grant in force (a limit around 1.5× its exposure)
and an approved grade, so the check runs its full path. Results: stdout and
bench/results/credit-check-<engine>.json (the ledger bench's own figures are in the same output).
"""

import json
import random
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (str(ROOT), str(ROOT / "bench")):
    if p not in sys.path:
        sys.path.insert(0, p)

import ledger  # noqa: E402 - bench/ledger.py: the data set and the measuring context

ledger.BENCH_DB = "xindang_bench_credit"  # a database of its own: the ledger bench may keep its one


def give_grants(ctx) -> int:
    """A grant in force and an approved grade for every sampled customer (bulk rows)."""
    from django.db import transaction
    from django.utils import timezone

    from xindang.credit.grants.models import CreditGrant, GrantStatus
    from xindang.credit.models import Rating, RatingStatus
    from xindang.ledger.models import Exposure

    ids = sorted({cid for sample in ctx.samples.values() for cid in sample})
    have = set(
        CreditGrant.objects.filter(customer_id__in=ids, status=GrantStatus.ACTIVE).values_list(
            "customer_id", flat=True
        )
    )
    todo = [cid for cid in ids if cid not in have]
    totals = {e.customer_id: e.committed_amount for e in Exposure.objects.filter(customer_id__in=todo)}
    rng = random.Random("grants")
    grades = [rng.choice("AABBBC") for _ in todo]
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        CreditGrant.objects.bulk_create(
            [
                CreditGrant(
                    customer_id=cid,
                    limit_amount=max(
                        Decimal("100000"),
                        (totals.get(cid, Decimal(0)) * Decimal("1.5")).quantize(Decimal("1")),
                    ),
                    term_days=60,
                    status=GrantStatus.ACTIVE,
                    valid_from=today - timedelta(days=100),
                    valid_until=today + timedelta(days=265),
                )
                for cid in todo
            ],
            batch_size=2000,
        )
        Rating.objects.bulk_create(
            [
                Rating(
                    customer_id=cid,
                    grade=grade,
                    computed_grade=grade,
                    status=RatingStatus.APPROVED,
                    effective_at=now,
                )
                for cid, grade in zip(todo, grades, strict=True)
            ],
            batch_size=2000,
        )
    return len(todo)


NAIVE_OVERDUE_SQL = (
    # The oldest open debit past its due date, its open amount worked out from every allocation
    # against it (no maintained open_amount): what a system without maintained figures must do.
    "SELECT e.id FROM ledger_tradeentry e LEFT JOIN ledger_allocation a ON a.debit_entry_id = e.id"
    " WHERE e.customer_id = %s AND e.kind IN ('shipment', 'invoice', 'prepayment') AND e.due_on < %s"
    " GROUP BY e.id, e.due_on, e.entry_on, e.amount HAVING e.amount - COALESCE(SUM(a.amount), 0) > 0"
    " ORDER BY e.due_on, e.entry_on, e.id LIMIT 1"
)


def extra(ctx) -> None:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from xindang.accounts.models import User
    from xindang.api.auth import create_api_key
    from xindang.credit.control.recorder import recorder
    from xindang.credit.control.services import check_credit
    from xindang.customers.models import Customer

    print(f"  credit check: grants and grades for {give_grants(ctx):,} sampled customers")
    from xindang.ledger.services import release_expired

    # Holds left by an earlier run (--reuse) have expired: the scheduled release_expired_reservations
    # job would have released them; otherwise the first check of each such customer does it.
    print(f"  expired reservations released: {release_expired():,}")
    amounts = random.Random("amounts")
    # The caller holds the customer (the API looks it up first); built before timing.
    customers = {cid: Customer(pk=cid) for sample in ctx.samples.values() for cid in sample}

    def amount():
        return Decimal(amounts.randint(10, 5000) * 10)

    def check(cid, reserve=False):
        return check_credit(customer=customers[cid], amount=amount(), kind="shipment", reserve=reserve)

    def naive_check(cid):
        """The naive check: the same check, but with the exposure summed over the customer's whole
        ledger and the oldest overdue item found from every allocation, at every call (how ERPNext
        computes outstanding and overdue; Odoo sums open items on every read)."""
        ctx.naive(cid)
        with connection.cursor() as cur:
            cur.execute(NAIVE_OVERDUE_SQL, [cid, timezone.localdate()])
            cur.fetchone()
        return check(cid)

    ctx.measure("credit check (in-process)", check, naive=naive_check, after=recorder.flush)
    ctx.measure(
        "credit check reserve=true (in-process)",
        lambda cid: check(cid, reserve=True),
        compare=False,
        after=recorder.flush,
    )

    admin = User.objects.order_by("id").first()
    _key, raw = create_api_key(name="bench credit", scopes=["credit:check"], by=admin)
    client = Client()

    def over_http(cid):
        body = json.dumps({"customer_id": cid, "amount": str(amount()), "kind": "shipment"})
        r = client.post("/api/credit-check", data=body, content_type="application/json", HTTP_X_API_KEY=raw)
        assert r.status_code == 200, r.content[:300]

    ctx.measure("POST /api/credit-check (HTTP stack)", over_http, compare=False, after=recorder.flush)
    recorder.close()  # its connection would keep the database from being dropped
    from collections import Counter

    from xindang.credit.control.models import CreditCheck

    outcomes = Counter(CreditCheck.objects.values_list("outcome", flat=True))
    print("  outcomes of the timed checks: " + ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items())))
    rows = [
        r for r in ctx.results if str(r.get("operation", "")).startswith(("credit check", "POST /api/credit"))
    ]
    ledger.RESULTS.mkdir(parents=True, exist_ok=True)
    engine = ctx.args.engine
    out = {
        "engine": engine,
        "customers": ctx.args.customers,
        "entries": ctx.args.entries,
        "outcomes": dict(outcomes),
        "results": rows,
    }
    (ledger.RESULTS / f"credit-check-{engine}.json").write_text(json.dumps(out, indent=2, default=str))
    print(f"  results: bench/results/credit-check-{engine}.json")


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--post-batches" not in " ".join(argv):
        argv += ["--post-batches", "0"]  # posting throughput is the ledger bench's
    return ledger.main(argv, extra=extra)


if __name__ == "__main__":
    sys.exit(main())

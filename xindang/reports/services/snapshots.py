"""The credit snapshots the daily run stores: each customer's credit figures as of today (the
dashboard's) and as of the end of last year (the yearly report's), with the company's and each
department's sums on their marker rows. Caches that can always be rebuilt: each refresh replaces its
rows in one transaction."""

from datetime import date

from django.db import transaction

from .facts import SALES_FACT_FIELDS, ZERO, store_department_sums


# --- The credit snapshot (the dashboard's per-customer figures as of the daily run) ---------------
def refresh_credit_snapshot(*, today: date | None = None) -> int:
    """Store each customer's credit figures as of `today` (reports.CreditSnapshot): the amounts per
    ageing bucket of the policy and the overdue part, the limit in force, the exposure and its
    utilisation band, the grade now, a year before and at the end of last year, whether the file is
    open — computed by the same functions as the dashboard's live figures (set-wide aggregates: one
    ageing of the ledger, one read of limits and exposures, one of grades), then written in one
    transaction that replaces the previous snapshot: idempotent, and readers see the old snapshot or
    the new one, never a half. The marker row keeps the company's sums (grades, their migrations,
    bands, ageing) and each department's, from which a user who sees every file, or a department's,
    or all of them but a few, has them without a sum over every row. The departments' monthly sums
    (MonthlyFact and SalesFact) are rewritten in the same transaction: their files are the snapshot's.
    Returns the rows stored (one a customer and the marker)."""
    from django.utils import timezone

    from ..models import CreditSnapshot
    from ..selectors import credit, snapshot

    today = today or timezone.localdate()
    now = timezone.now()
    rows = _snapshot_rows(CreditSnapshot, today, now)
    with transaction.atomic():
        CreditSnapshot.objects.all().delete()
        if not rows:  # buckets beyond MAX_BUCKETS: the policy's validation keeps within; no snapshot
            return 0
        CreditSnapshot.objects.bulk_create(rows, batch_size=5000)
        CreditSnapshot.objects.filter(customer__isnull=True).update(totals=snapshot.stored_totals())
        # the departments' files are the snapshot's now: their stored sums follow in the same transaction
        from ..models import AbcRank, MonthlyFact, SalesFact

        store_department_sums(MonthlyFact, credit.FACT_FIELDS, now=now)
        store_department_sums(SalesFact, SALES_FACT_FIELDS, now=now)
        # the departments' rankings were of the previous snapshot's files (refresh_abc_ranking follows)
        AbcRank.objects.filter(department__isnull=False).delete()
    return len(rows)


def refresh_year_end_snapshot(*, today: date | None = None) -> int:
    """Store the snapshot's figures as of the end of last year (reports.YearEndSnapshot), which the
    yearly report of that year reads (000 合同 4: due before 10 January): the same computation as
    refresh_credit_snapshot as of 31 December, from the live data as it is today, so that entries
    posted late with a December date are in by the next daily run. Replaces the stored one in one
    transaction; returns the rows stored."""
    from django.utils import timezone

    from ..models import YearEndSnapshot
    from ..selectors import snapshot

    today = today or timezone.localdate()
    end = snapshot.last_year_end(today)
    rows = _snapshot_rows(YearEndSnapshot, end, timezone.now())
    with transaction.atomic():
        YearEndSnapshot.objects.all().delete()
        if not rows:
            return 0
        YearEndSnapshot.objects.bulk_create(rows, batch_size=5000)
        marker = YearEndSnapshot.objects.get(customer__isnull=True, on=end)
        marker.totals = snapshot.stored_totals(marker)
        marker.save(update_fields=["totals"])
    return len(rows)


def _snapshot_rows(model, on: date, now) -> list:
    """Each customer's credit figures as of `on` and the marker row, as `model` rows (CreditSnapshot
    or YearEndSnapshot): three set-wide aggregates (one ageing of the ledger, one read of limits and
    exposures, one of grades). None when the policy has more ageing buckets than the model holds."""
    from xindang.customers.models import Customer
    from xindang.ledger.ageing import ageing_sums, policy_buckets

    from ..models import MAX_BUCKETS
    from ..selectors import credit, snapshot

    buckets = policy_buckets()
    if len(buckets) > MAX_BUCKETS:
        return []
    everyone = Customer.objects.all()
    aged = ageing_sums(on=on, dimension="customer", buckets=buckets)
    limits = {r["pk"]: r for r in credit.limits_and_exposure(everyone, on)}
    grades = everyone.annotate(
        now=credit.grade_at(),
        before=credit.grade_at(snapshot.year_before(on)),
        year_end=credit.grade_at(snapshot.last_year_end(on)),
    ).values_list("pk", "status", "now", "before", "year_end", "department_id")
    rows = []
    for cid, status, grade, before, year_end, department in grades.iterator(chunk_size=20000):
        amounts = aged.get(cid) or [ZERO] * len(buckets)
        lim = limits.get(cid)
        row = model(
            customer_id=cid,
            department_id=department,
            on=on,
            is_open=status != "past",
            grade=grade or "",
            grade_year_ago=before or "",
            grade_year_end=year_end or "",
            overdue=sum(amounts[1:], ZERO),
            in_limits=lim is not None,
            limit=lim["limit"] if lim else None,
            exposure=lim["exposure"] if lim else ZERO,
            band=lim["band"] if lim else "",
            computed_at=now,
        )
        for i, amount in enumerate(amounts):
            setattr(row, f"a{i}", amount)
        rows.append(row)
    rows.append(model(customer=None, on=on, buckets=snapshot.bounds_key(buckets), computed_at=now))
    return rows

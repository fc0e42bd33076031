"""The credit dashboard's figures read from the daily snapshot (reports.CreditSnapshot, stored by
services.refresh_credit_snapshot) instead of the ledger: the same figures as the live functions of
selectors.credit (tests/test_snapshot.py holds them equal), as of the day of the snapshot.

A snapshot is used only when it was taken with the ageing buckets of the policy in force, and — for
the dashboard — when it is of today or yesterday (the daily run has not run yet today); the page says
as of when ("as of" in its subtitle, the time of the daily run in its notes). Otherwise the figures
are computed live.

The readers take the snapshot to read (`snap`, a marker row): the daily one by default, or the one of
the end of last year (reports.YearEndSnapshot, year_end_of) that the yearly report reads."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum

from xindang.ledger.ageing import policy_buckets

from ..models import MAX_BUCKETS, CreditSnapshot, SnapshotFigures, YearEndSnapshot
from .sales import ZERO, base_of

FRESH_DAYS = 1  # the dashboard reads a snapshot of today or of this many days before
CENT = Decimal("0.01")


def _money(value) -> Decimal:
    """An amount as the live figures give it (two decimals, whatever the database's SUM returns)."""
    return Decimal(value or 0).quantize(CENT)


def bounds_key(buckets) -> str:
    """The policy's buckets as stored on the marker row: a snapshot of other buckets is not read."""
    return ",".join(str(b.high) for b in buckets[1:-1])


def bucket_codes() -> list[str]:
    """The codes of the policy's ageing buckets ("not_due", "1-30", …), a0 first."""
    return [b.code for b in policy_buckets()]


def year_before(on: date) -> date:
    """The day a year before `on` whose grade the migration compares with (as credit_document)."""
    return date(on.year - 1, on.month, min(on.day, 28))


def last_year_end(on: date) -> date:
    """The end of the year before `on`'s, whose grades the yearly report's migration compares with."""
    return date(on.year - 1, 12, 31)


def has_year_migration(marker: SnapshotFigures) -> bool:
    """Whether the snapshot holds the grades at the end of last year (a snapshot stored before they
    were kept does not: its rows have none)."""
    return "year_migration" in (marker.totals or {})


def latest() -> CreditSnapshot | None:
    """The marker of the stored snapshot, if it was taken with the policy's ageing buckets."""
    marker = CreditSnapshot.objects.filter(customer__isnull=True).order_by("-on").first()
    if marker is None or marker.buckets != bounds_key(policy_buckets()):
        return None
    return marker


def year_end_of(on: date) -> YearEndSnapshot | None:
    """The marker of the stored snapshot of the end of a year (`on`, a 31 December), if it was taken
    with the policy's ageing buckets."""
    marker = YearEndSnapshot.objects.filter(customer__isnull=True, on=on).first()
    if marker is None or marker.buckets != bounds_key(policy_buckets()):
        return None
    return marker


def _year_end(snap: SnapshotFigures | None) -> bool:
    return isinstance(snap, YearEndSnapshot)


def _all(snap: SnapshotFigures | None = None):
    """Every customer's row of `snap` (None: the daily snapshot)."""
    if _year_end(snap):
        return YearEndSnapshot.objects.filter(customer__isnull=False, on=snap.on)
    return CreditSnapshot.objects.filter(customer__isnull=False)


def for_day(on: date) -> CreditSnapshot | None:
    """The snapshot of exactly `on`, or None."""
    marker = latest()
    return marker if marker is not None and marker.on == on else None


def for_dashboard(today: date) -> CreditSnapshot | None:
    """The snapshot the dashboard shows: today's, or yesterday's before today's daily run."""
    marker = latest()
    if marker is None or not (today - timedelta(days=FRESH_DAYS) <= marker.on <= today):
        return None
    return marker


def _base(customers, snap):
    """sales.base_of(customers); for the year-end snapshot only the company's (its departments are
    not the daily snapshot's, which base_of reads)."""
    base = None if customers.query.is_empty() else base_of(customers)
    return None if base is not None and base.department is not None and _year_end(snap) else base


def rows(customers, snap: SnapshotFigures | None = None):
    """The snapshot rows of `customers` (a visible_customers queryset): those of the company or of
    one department give or take a few files (sales.base_of), else those of the files seen."""
    qs = _all(snap)
    if customers.query.is_empty():
        return qs.none()
    base = _base(customers, snap)
    if base is None:
        return qs.filter(customer__in=customers.values("pk"))
    if base.department is not None:
        of_department = Q(department_id=base.department)
        qs = qs.filter(of_department | Q(customer__in=base.plus) if base.plus else of_department)
    return qs.exclude(customer__in=base.minus) if base.minus else qs


# --- Sums over the snapshot rows: the company's stored on the marker row ---------------------------
def _grades(qs) -> dict[str, list]:
    return {
        r["grade"]: [r["n"]]
        for r in qs.filter(is_open=True).order_by().values("grade").annotate(n=Count("pk"))
    }


def _pairs(qs, before: str) -> dict[str, list]:
    rs = qs.exclude(**{"grade": "", before: ""}).order_by().values(before, "grade").annotate(n=Count("pk"))
    return {f"{r[before]}|{r['grade']}": [r["n"]] for r in rs}


def _migration(qs) -> dict[str, list]:
    return _pairs(qs, "grade_year_ago")


def _year_migration(qs) -> dict[str, list]:
    return _pairs(qs, "grade_year_end")


def _bands(qs) -> dict[str, list]:
    rs = (
        qs.filter(in_limits=True)
        .order_by()
        .values("band")
        .annotate(n=Count("pk"), limits=Sum("limit"), exposure=Sum("exposure"))
    )
    return {r["band"]: [r["n"], _money(r["limits"]), _money(r["exposure"])] for r in rs}


def _ageing(qs) -> dict[str, list]:
    sums = qs.aggregate(**{f"a{i}": Sum(f"a{i}") for i in range(MAX_BUCKETS)})
    return {"": [_money(sums[f"a{i}"]) for i in range(MAX_BUCKETS)]}


TOTALS = {
    "grades": _grades,
    "migration": _migration,
    "year_migration": _year_migration,
    "bands": _bands,
    "ageing": _ageing,
}


def _as_text(qs) -> dict:
    return {name: {k: [str(x) for x in v] for k, v in fn(qs).items()} for name, fn in TOTALS.items()}


def stored_totals(snap: SnapshotFigures | None = None) -> dict:
    """Every sum of TOTALS over all the snapshot rows, and under "departments" over each department's
    rows (by department id), as stored on the marker row (amounts as text)."""
    qs = _all(snap)
    out = _as_text(qs)
    departments = (
        qs.filter(department__isnull=False).order_by().values_list("department_id", flat=True).distinct()
    )
    out["departments"] = {str(d): _as_text(qs.filter(department_id=d)) for d in sorted(departments)}
    return out


def totals_of(customers, name: str, snap: SnapshotFigures | None = None) -> dict[str, list]:
    """TOTALS[name] over the snapshot rows of `customers`: for a user who sees every file, or one
    department's, give or take a few (sales.base_of), the sums stored on the marker row less the
    rows of the files not seen and plus those of the files seen beyond (a key whose count comes to
    nothing is left out, as a sum over the rows would not hold it); else summed over the rows."""
    base = _base(customers, snap)
    marker = (snap if _year_end(snap) else latest()) if base is not None else None
    stored = (marker.totals or {}) if marker is not None else {}
    if base is not None and base.department is not None:
        stored = stored.get("departments", {}).get(str(base.department), {})
    if name not in stored:
        return TOTALS[name](rows(customers, snap))
    out = {k: [Decimal(x) for x in v] for k, v in stored[name].items()}
    for ids, sign in ((base.minus, -1), (base.plus, 1)):
        if not ids:
            continue
        for k, v in TOTALS[name](_all(snap).filter(customer__in=ids)).items():
            was = out.get(k, [Decimal(0)] * len(v))
            out[k] = [a + sign * Decimal(b) for a, b in zip(was, v, strict=True)]
    if name != "ageing":
        out = {k: v for k, v in out.items() if v[0] > 0}
    return out


def grade_distribution(customers, snap: SnapshotFigures | None = None) -> dict[str, int]:
    return {k: int(v[0]) for k, v in totals_of(customers, "grades", snap).items()}


def migration_pairs(
    customers, *, since_year_end: bool = False, snap: SnapshotFigures | None = None
) -> list[tuple[str | None, str | None]]:
    """(grade a year before, grade now) of each file with a grade at either moment; `since_year_end`:
    the grade at the end of last year instead of a year before (see has_year_migration)."""
    out = []
    name = "year_migration" if since_year_end else "migration"
    for key, (n, *_rest) in totals_of(customers, name, snap).items():
        before, after = key.split("|")
        out += [(before or None, after or None)] * int(n)
    return out


def bands(
    customers, snap: SnapshotFigures | None = None
) -> tuple[dict[str, tuple[int, Decimal, Decimal]], tuple[int, Decimal, Decimal]]:
    """band → (customers, limits, exposure), and the same over every file with a limit or exposure."""
    out, n, limits, exposure = {}, 0, ZERO, ZERO
    for band, (c, lim, exp) in totals_of(customers, "bands", snap).items():
        c, lim, exp = int(c), _money(lim), _money(exp)
        out[band] = (c, lim, exp)
        n, limits, exposure = n + c, limits + lim, exposure + exp
    return out, (n, limits, exposure)


def grade_ids(customers, grade: str):
    return rows(customers).filter(is_open=True, grade=grade).values("customer_id")


def band_ids(customers, band: str):
    return rows(customers).filter(in_limits=True, band=band).values("customer_id")


def ageing_total(customers, n: int, snap: SnapshotFigures | None = None) -> list[Decimal]:
    return [_money(a) for a in totals_of(customers, "ageing", snap)[""][:n]]


def overdue_by_customer(customers, snap: SnapshotFigures | None = None) -> dict[int, Decimal]:
    return dict(rows(customers, snap).filter(overdue__gt=0).values_list("customer_id", "overdue"))


def overdue_ids(customers):
    return rows(customers).filter(overdue__gt=0).values("customer_id")


def top_risks(customers, n: int = 10, snap: SnapshotFigures | None = None) -> list[dict]:
    rs = (
        rows(customers, snap)
        .filter(overdue__gt=0)
        .order_by("-overdue", "customer_id")
        .values("customer_id", "customer__name", "overdue", "grade", "limit", "exposure", "in_limits")[:n]
    )
    return [
        {
            "pk": r["customer_id"],
            "name": r["customer__name"],
            "overdue": _money(r["overdue"]),
            "grade": r["grade"],
            "limit": _money(r["limit"]) if r["in_limits"] and r["limit"] is not None else None,
            "exposure": _money(r["exposure"]) if r["in_limits"] else ZERO,
        }
        for r in rs
    ]


def grades_now_and_then(
    customers, snap: SnapshotFigures | None = None
) -> tuple[dict[int, str], dict[int, str]]:
    """customer id → grade now, customer id → grade a year before (the files with one)."""
    now, then = {}, {}
    for cid, g, before in (
        rows(customers, snap)
        .exclude(grade="", grade_year_ago="")
        .values_list("customer_id", "grade", "grade_year_ago")
    ):
        if g:
            now[cid] = g
        if before:
            then[cid] = before
    return now, then

"""Reading the ledger: maintained exposure, open items at any date, overdue debt, reconciliation."""

import contextlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Case, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from xindang.customers.selectors import visible_customers

from . import rules
from .models import ZERO, Allocation, EntryKind, Exposure, Reservation, TradeEntry

_MONEY = DecimalField(max_digits=18, decimal_places=2)


def _id(customer) -> int:
    return getattr(customer, "pk", customer)


_EXPOSURE_FIELDS = None


def fetch_exposure(customer_id: int, *, for_update: bool = False) -> Exposure | None:
    """The Exposure row by primary key in one hand-written SELECT (… FOR UPDATE when asked and the
    engine has it), converted like the ORM would: the credit check's hot path, where building an ORM
    query costs ten times the database's answer (bench/ledger.py)."""
    global _EXPOSURE_FIELDS
    connection = transaction.get_connection()
    if _EXPOSURE_FIELDS is None:
        _EXPOSURE_FIELDS = [
            Exposure._meta.get_field(n) for n in ("customer", *Exposure.FIGURES, "updated_at")
        ]
    fields = _EXPOSURE_FIELDS
    qn = connection.ops.quote_name
    sql = (
        f"SELECT {', '.join(qn(f.column) for f in fields)} FROM {qn(Exposure._meta.db_table)} "  # noqa: S608
        f"WHERE {qn(fields[0].column)} = %s"
    )
    if for_update and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [int(customer_id)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = []
    for value, f in zip(row, fields, strict=True):
        col = f.get_col(Exposure._meta.db_table)
        for converter in connection.ops.get_db_converters(col) + f.get_db_converters(connection):
            value = converter(value, col, connection)
        values.append(value)
    return Exposure.from_db(connection.alias, [f.attname for f in fields], values)


def exposure_of(customer) -> Exposure:
    """The customer's maintained totals (an unsaved zero row when it never traded). One PK read."""
    cid = _id(customer)
    row = fetch_exposure(cid)
    return row if row is not None else Exposure(customer_id=cid)


def exposures_for(customer_ids) -> dict[int, Exposure]:
    ids = [int(i) for i in customer_ids]
    out = {cid: Exposure(customer_id=cid) for cid in ids}
    for i in range(0, len(ids), 1000):
        for row in Exposure.objects.filter(customer_id__in=ids[i : i + 1000]):
            out[row.customer_id] = row
    return out


def naive_exposure(customer) -> Decimal:
    """Exposure summed over the customer's whole ledger at every call (how ERPNext computes the
    outstanding amount). For the benchmark and as an independent check in reconciliation."""
    return ledger_sums([_id(customer)]).get(_id(customer), {}).get("total", ZERO)


def _signed(kinds_pos, kinds_neg):
    """Conditional sum: + amount for kinds_pos, − for kinds_neg, reversals with the opposite sign."""
    whens = [
        When(kind__in=list(kinds_pos), then=F("amount")),
        When(kind__in=list(kinds_neg), then=-F("amount")),
    ]
    whens += [
        When(kind=rules.REVERSAL, reverses__kind__in=list(kinds_pos), then=-F("amount")),
        When(kind=rules.REVERSAL, reverses__kind__in=list(kinds_neg), then=F("amount")),
    ]
    return Coalesce(
        Sum(Case(*whens, default=Value(ZERO), output_field=_MONEY)), Value(ZERO), output_field=_MONEY
    )


def _billed_once():
    """An invoice that bills a shipment takes its debt over (rules.billing): the billed part,
    min(invoice, shipment), is counted once — minus it for each such invoice, plus it back when the
    invoice is reversed."""
    billed = Least(F("amount"), F("settles__amount"))
    unbilled = Least(F("reverses__amount"), F("reverses__settles__amount"))
    whens = [
        When(kind=rules.INVOICE, settles__isnull=False, then=-billed),
        When(
            kind=rules.REVERSAL, reverses__kind=rules.INVOICE, reverses__settles__isnull=False, then=unbilled
        ),
    ]
    return Coalesce(
        Sum(Case(*whens, default=Value(ZERO), output_field=_MONEY)), Value(ZERO), output_field=_MONEY
    )


def billable_shipments(customer):
    """The customer's shipments still open, not reversed and not billed by an invoice in force
    (what a new invoice may bill), newest first."""
    billed = TradeEntry.objects.filter(
        kind=rules.INVOICE, settles__isnull=False, reversed_by__isnull=True
    ).values("settles_id")
    return (
        TradeEntry.objects.filter(
            customer=customer, kind=rules.SHIPMENT, open_amount__gt=0, reversed_by__isnull=True
        )
        .exclude(pk__in=billed)
        .order_by("-entry_on", "-id")
    )


def ledger_sums(customer_ids=None) -> dict[int, dict]:
    """Per customer, the net of the whole ledger by pool: receivable (credit sales less payments,
    notes, credit notes, write-offs), prepaid (prepayments less goods received), notes (received less
    settled). total = max(receivable, 0) + max(prepaid, 0) + notes."""
    qs = TradeEntry.objects.all()
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=list(customer_ids))
    rows = qs.values("customer_id").annotate(
        receivable=_signed(
            {rules.SHIPMENT, rules.INVOICE},
            {rules.PAYMENT, rules.NOTE_RECEIVED, rules.CREDIT_NOTE, rules.WRITE_OFF},
        )
        + _billed_once(),
        prepaid=_signed({rules.PREPAYMENT}, {rules.GOODS_RECEIVED}),
        notes=_signed({rules.NOTE_RECEIVED}, {rules.NOTE_SETTLED}),
    )
    out = {}
    for r in rows:
        r["total"] = max(r["receivable"], ZERO) + max(r["prepaid"], ZERO) + r["notes"]
        out[r["customer_id"]] = r
    return out


def recompute_exposures(customer_ids=None) -> dict[int, dict]:
    """Every figure recomputed from the ledger (entries, allocations, reservations) — what the
    maintained Exposure rows must equal. Two grouped queries for the whole company."""
    entries = TradeEntry.objects.all()
    allocs = Allocation.objects.all()
    resv = Reservation.objects.filter(status=Reservation.Status.HELD)
    if customer_ids is not None:
        ids = list(customer_ids)
        entries = entries.filter(customer_id__in=ids)
        allocs = allocs.filter(debit_entry__customer_id__in=ids)
        resv = resv.filter(customer_id__in=ids)
    figures: dict[int, dict] = defaultdict(lambda: dict.fromkeys(Exposure.FIGURES, ZERO))
    for r in entries.values("customer_id", "kind").annotate(s=Sum("amount")):
        f = figures[r["customer_id"]]
        if r["kind"] in rules.CATEGORY_OF:
            f[rules.CATEGORY_OF[r["kind"]]] += r["s"]
        if r["kind"] in rules.CREDIT_KINDS:
            f["credit_balance_amount"] += r["s"]
        if r["kind"] == rules.NOTE_RECEIVED:
            f["notes_amount"] += r["s"]
        if r["kind"] == rules.NOTE_SETTLED:
            f["notes_amount"] -= r["s"]
    # A reversed note received / note settlement leaves the notes figure.
    for r in (
        entries.filter(kind=rules.REVERSAL, reverses__kind__in=[rules.NOTE_RECEIVED, rules.NOTE_SETTLED])
        .values("customer_id", "reverses__kind")
        .annotate(s=Sum("amount"))
    ):
        sign = -1 if r["reverses__kind"] == rules.NOTE_RECEIVED else 1
        figures[r["customer_id"]]["notes_amount"] += sign * r["s"]
    # What was allocated to debits reduces them; what credits gave away reduces the credit balance.
    for r in allocs.values("debit_entry__customer_id", "debit_entry__kind", "credit_entry__kind").annotate(
        s=Sum("amount")
    ):
        f = figures[r["debit_entry__customer_id"]]
        if r["debit_entry__kind"] in rules.CATEGORY_OF:
            f[rules.CATEGORY_OF[r["debit_entry__kind"]]] -= r["s"]
        if r["credit_entry__kind"] in rules.CREDIT_KINDS:
            f["credit_balance_amount"] -= r["s"]
    for r in resv.values("customer_id").annotate(s=Sum("amount")):
        figures[r["customer_id"]]["reservations_amount"] += r["s"]
    return dict(figures)


@dataclass(frozen=True)
class Difference:
    customer_id: int
    figure: str
    maintained: Decimal
    recomputed: Decimal


def exposure_differences(customer_ids=None) -> list[Difference]:
    """Where the maintained Exposure rows differ from the ledger (reconcile_exposure)."""
    recomputed = recompute_exposures(customer_ids)
    maintained = Exposure.objects.all()
    if customer_ids is not None:
        maintained = maintained.filter(customer_id__in=list(customer_ids))
    rows = {e.customer_id: e for e in maintained}
    out = []
    for cid in sorted(set(recomputed) | set(rows)):
        want = recomputed.get(cid, dict.fromkeys(Exposure.FIGURES, ZERO))
        have = rows.get(cid)
        for name in Exposure.FIGURES:
            kept = getattr(have, name) if have is not None else ZERO
            if kept != want[name]:
                out.append(Difference(cid, name, kept, want[name]))
    return out


# --- open items --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenItem:
    entry_id: int
    customer_id: int
    kind: str
    entry_on: date
    due_on: date | None
    amount: Decimal
    open_amount: Decimal
    salesperson_id: int | None
    department_id: int | None


def open_items(*, on: date, customer_ids=None, kinds=None) -> list[OpenItem]:
    """Open debits (shipments, invoices, prepayments) as of `on`: amount less what was allocated to
    them on or before `on`. From today on, the maintained open amounts answer directly."""
    kinds = list(kinds or rules.DEBIT_KINDS)
    qs = TradeEntry.objects.filter(kind__in=kinds, entry_on__lte=on)
    if customer_ids is not None:
        qs = qs.filter(customer_id__in=list(customer_ids))
    fields = ("pk", "customer_id", "kind", "entry_on", "due_on", "amount", "salesperson_id", "department_id")
    if on >= timezone.localdate() and not Allocation.objects.filter(allocated_on__gt=on).exists():
        qs = qs.filter(open_amount__gt=0).annotate(open_now=F("open_amount"))
    else:
        allocated = (
            Allocation.objects.filter(debit_entry=OuterRef("pk"), allocated_on__lte=on)
            .values("debit_entry")
            .annotate(s=Sum("amount"))
            .values("s")
        )
        qs = qs.annotate(
            open_now=F("amount")
            - Coalesce(Subquery(allocated, output_field=_MONEY), Value(ZERO), output_field=_MONEY)
        ).filter(open_now__gt=0)
    return [
        OpenItem(r[0], r[1], r[2], r[3], r[4], r[5], r[8], r[6], r[7])
        for r in qs.order_by("customer_id", "entry_on", "pk").values_list(*fields, "open_now")
    ]


def overdue_items(customer, on: date) -> QuerySet[TradeEntry]:
    """The open debits past their due date on `on`, the oldest first."""
    return TradeEntry.objects.filter(
        customer_id=_id(customer), kind__in=rules.DEBIT_KINDS, open_amount__gt=0, due_on__lt=on
    ).order_by("due_on", "entry_on", "pk")


def oldest_overdue_item(customer, on: date | None = None) -> TradeEntry | None:
    """The oldest open debit past its due date (002 第三十五条: no new credit until it is settled)."""
    return overdue_items(customer, on or timezone.localdate()).first()


def oldest_unsettled_before(customer, before: date) -> TradeEntry | None:
    """The oldest open debit entered before `before` (002 第三十五条 上次欠款: with a monthly settlement
    period, `before` is the first day of this month)."""
    return (
        TradeEntry.objects.filter(
            customer_id=_id(customer), kind__in=rules.DEBIT_KINDS, open_amount__gt=0, entry_on__lt=before
        )
        .order_by("entry_on", "pk")
        .first()
    )


def overdue_amount(customer, on: date | None = None) -> Decimal:
    on = on or timezone.localdate()
    return (
        TradeEntry.objects.filter(
            customer_id=_id(customer), kind__in=rules.DEBIT_KINDS, open_amount__gt=0, due_on__lt=on
        ).aggregate(s=Sum("open_amount"))["s"]
        or ZERO
    )


def receivables_balance(on: date | None = None) -> Decimal:
    """The company's open credit sales (shipments and invoices) at a date (002 第二十四条 2①)."""
    on = on or timezone.localdate()
    if on >= timezone.localdate() and not TradeEntry.objects.filter(entry_on__gt=on).exists():
        s = Exposure.objects.aggregate(s=Sum(F("open_shipments_amount") + F("open_invoices_amount")))["s"]
        return s or ZERO
    items = open_items(on=on, kinds=[rules.SHIPMENT, rules.INVOICE])
    return sum((i.open_amount for i in items), ZERO)


# --- lists -------------------------------------------------------------------------------------------


def visible_entries(user):
    """Entries of the customers `user` may see."""
    return TradeEntry.objects.filter(customer__in=visible_customers(user))


def entry_list(user, params: dict):
    qs = visible_entries(user).select_related("customer", "salesperson", "department")
    kind = params.get("kind") or ""
    if kind in EntryKind.values:
        qs = qs.filter(kind=kind)
    for name, lookup in (("from", "entry_on__gte"), ("to", "entry_on__lte")):
        value = params.get(name)
        if value:
            with contextlib.suppress(ValueError):
                qs = qs.filter(**{lookup: date.fromisoformat(value)})
    for name, lookup in (
        ("customer", "customer_id"),
        ("department", "department_id"),
        ("salesperson", "salesperson_id"),
    ):
        value = params.get(name)
        if value and str(value).isdigit():
            qs = qs.filter(**{lookup: int(value)})
    source = params.get("source") or ""
    if source:
        qs = qs.filter(source_system=source)
    if params.get("open"):
        qs = qs.filter(open_amount__gt=0)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(external_id__icontains=q) | Q(customer__name__icontains=q) | Q(note_no__icontains=q))
    return qs.order_by("-entry_on", "-id")


_UP = [rules.SHIPMENT, rules.INVOICE, rules.PREPAYMENT]
_DOWN = [rules.PAYMENT, rules.CREDIT_NOTE, rules.WRITE_OFF, rules.GOODS_RECEIVED, rules.NOTE_SETTLED]


def _balance_effect():
    """Each entry's effect on the running balance (what is owed: receivable + prepaid + unsettled
    notes): debits up, credits down, a note received moves debt into notes (no change), a note
    settled takes it off, a reversal undoes its target."""
    return Sum(
        Case(
            When(kind__in=_UP, then=F("amount")),
            When(kind__in=_DOWN, then=-F("amount")),
            When(kind=rules.REVERSAL, reverses__kind__in=_UP, then=-F("amount")),
            When(kind=rules.REVERSAL, reverses__kind__in=_DOWN, then=F("amount")),
            default=Value(ZERO),
            output_field=_MONEY,
        )
    )


def _effect(e: TradeEntry) -> Decimal:
    target = e.reverses.kind if e.reverses_id else None
    return rules.signed_amount(e.kind, e.amount, target) + rules.note_effect(e.kind, e.amount, target)


def customer_ledger(customer, *, limit=None):
    """The customer's entries oldest first with the running balance of what is owed
    (receivable + prepaid + notes). For a page of a long ledger use customer_ledger_page."""
    qs = (
        TradeEntry.objects.filter(customer_id=_id(customer))
        .select_related("reverses")
        .order_by("entry_on", "id")
    )
    rows = []
    balance = ZERO
    for e in qs:
        balance += _effect(e)
        rows.append((e, balance))
    return rows[-limit:] if limit else rows


def customer_ledger_page(customer, page_number=None, per_page: int = 100):
    """One page of the customer's ledger (default: the last, newest) as a Page of (entry, balance):
    the page is read from whichever end is nearer (no long OFFSET), and its balance is carried in by
    one SQL sum over the shorter side (the entries before it, or what is owed now less the entries
    after it), so an account with fifty thousand entries costs little more than one with fifty."""

    cid = _id(customer)
    base = TradeEntry.objects.filter(customer_id=cid)
    count = base.count()
    paginator = Paginator(base, per_page)
    paginator.__dict__["count"] = count  # counted once above
    try:
        number = paginator.validate_number(page_number or paginator.num_pages)
    except Exception:  # an out-of-range or bad page number shows the last page
        number = paginator.num_pages
    start = (number - 1) * per_page
    end = min(start + per_page, count)
    ordered = base.select_related("reverses")
    rows = []
    if count:
        if start <= count - end:
            entries = list(ordered.order_by("entry_on", "id")[start:end])
            first = entries[0]
            before = base.filter(Q(entry_on__lt=first.entry_on) | Q(entry_on=first.entry_on, id__lt=first.pk))
            balance = (before.aggregate(s=_balance_effect())["s"] or ZERO) if start else ZERO
        else:
            entries = list(ordered.order_by("-entry_on", "-id")[count - end : count - start])[::-1]
            last = entries[-1]
            after = base.filter(Q(entry_on__gt=last.entry_on) | Q(entry_on=last.entry_on, id__gt=last.pk))
            # What is owed now = the maintained exposure less the advances (reconcile_exposure keeps
            # the two equal to the ledger): no sum over the whole history for the newest pages.
            exposure = exposure_of(cid)
            total = exposure.total_amount - exposure.credit_balance_amount
            later = (after.aggregate(s=_balance_effect())["s"] or ZERO) if end < count else ZERO
            balance = total - later - sum((_effect(e) for e in entries), ZERO)
        for e in entries:
            balance += _effect(e)
            rows.append((e, balance))
    return Page(rows, number, paginator)


def recent_entries(customer, n: int = 10):
    return list(
        TradeEntry.objects.filter(customer_id=_id(customer))
        .select_related("reverses")
        .order_by("-entry_on", "-id")[:n]
    )


def reservations_held(customer) -> QuerySet[Reservation]:
    return Reservation.objects.filter(customer_id=_id(customer), status=Reservation.Status.HELD)


def held_reservations(customer):
    return list(reservations_held(customer))


def exposure_rows(customer) -> QuerySet[Exposure]:
    """The customer's maintained totals as a queryset (none when it never traded: exposure_of gives
    the zero row then), for reading it together with other rows."""
    return Exposure.objects.filter(customer_id=_id(customer))


def undelivered_prepayments(customer) -> tuple[list[TradeEntry], Decimal]:
    """Prepayments made to a supplier whose goods have not all been received (002 篇五 / 第二十二条):
    each prepayment entry not reversed with its open amount (prepaid less the goods received against
    it), oldest first, and their total. Read-only; the suppliers app shows it on the supplier's file."""
    entries = list(
        TradeEntry.objects.filter(
            customer_id=_id(customer), kind=rules.PREPAYMENT, open_amount__gt=0, reversed_by__isnull=True
        ).order_by("entry_on", "id")
    )
    return entries, sum((e.open_amount for e in entries), ZERO)


def api_entry_list(
    user,
    *,
    customer_id: int | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    source_system: str = "",
    external_id: str = "",
    open_only: bool = False,
):
    """The entries of the API's list, latest first: of the files `user` sees (None: an integration's
    key, which serves every file), narrowed by the filters given."""
    qs = TradeEntry.objects.all() if user is None else visible_entries(user)
    narrowing = {
        "customer_id": customer_id,
        "kind": kind,
        "entry_on__gte": date_from,
        "entry_on__lte": date_to,
        "source_system": source_system,
        "external_id": external_id,
    }
    qs = qs.filter(**{lookup: value for lookup, value in narrowing.items() if value})
    if open_only:
        qs = qs.filter(open_amount__gt=0)
    return qs.order_by("-entry_on", "-id")

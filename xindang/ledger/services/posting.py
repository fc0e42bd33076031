"""Posting trade entries: rows prepared and validated as a whole (nothing written on any error),
idempotent by source system + external id, then written with their allocations and exposure in the
same transaction. Entries are never changed or deleted; a correction is a reversing entry."""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone

from xindang.audit.services import record_events, spec
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from .. import rules
from ..errors import LedgerError
from ..models import ZERO, Allocation, EntryLine, Exposure, Reservation, TradeEntry
from ..permissions import LedgerPermission
from .book import load_books
from .capability import require_capability
from .locking import lock_exposures
from .preparing import PreparedRow, prepare_rows, refuse_invalid
from .reposts import find_reposts

_REFERENCES = ("reverses", "settles")


def _prepare_again_referring(prepared: list[PreparedRow], prepare) -> None:
    """Rows that refer to other entries (a reversal, a note's settlement, an invoice billing a shipment)
    were checked against those entries before the customers' rows were locked: check them again under
    the lock, where another posting can no longer reverse, settle or bill the same entry meanwhile.
    Few rows of a batch refer to others; a batch of shipments and payments has none."""
    referring = [
        i for i, r in enumerate(prepared) if any(r.data.get(k) not in (None, "") for k in _REFERENCES)
    ]
    if not referring:
        return
    for i, row in zip(referring, prepare([prepared[i].data for i in referring]), strict=True):
        row.index = prepared[i].index
        prepared[i] = row


def _run(prepared: list[PreparedRow], prepare=None) -> None:
    """Lock the customers' exposure rows (so a concurrent repost of the same external id waits and
    then finds this one), resolve reposts, refuse any error, then post the new rows and write.
    prepare: how the rows were prepared, when that was before the transaction (rows that refer to other
    entries are prepared again under the lock)."""
    exposures = lock_exposures(r.entry.customer_id for r in prepared if r.entry is not None)
    if prepare is not None:
        _prepare_again_referring(prepared, prepare)
    find_reposts(prepared)
    refuse_invalid(prepared)
    new = [r for r in prepared if r.entry is not None and r.existing is None and r.duplicate_of is None]
    if not new:
        return
    wanted = {r.entry.customer_id for r in new}
    books = load_books({cid: e for cid, e in exposures.items() if cid in wanted}, new)
    now = timezone.now()
    reservations = []
    seq = 1 << 62
    for row in new:
        e = row.entry
        book = books[e.customer_id]
        seq += 1
        if e.reservation_id:
            r = Reservation.objects.select_for_update().get(pk=e.reservation_id)
            if r.status != Reservation.Status.HELD:
                raise DomainError(LedgerError.RESERVATION_NOT_HELD, field="reservation")
            r.status = Reservation.Status.CONSUMED
            r.closed_at = now
            e.reservation = r
            book.bump("reservations_amount", -r.amount)
            reservations.append(r)
        try:
            if e.kind in rules.DEBIT_KINDS:
                book.post_debit(e, seq)
            elif e.kind in rules.CREDIT_KINDS:
                book.post_credit(e, seq)
            elif e.kind == rules.NOTE_SETTLED:
                book.post_note_settled(e)
            elif e.kind == rules.REVERSAL:
                book.post_reversal(e, seq)
            if not rules.figures_fit(book.exposure.figures()):
                raise DomainError(LedgerError.TOTAL_TOO_LARGE, field="amount")
        except DomainError as exc:
            if len(prepared) == 1:
                raise
            raise DomainError(
                LedgerError.BATCH_INVALID,
                count=1,
                errors={f"row {row.index + 1}": [f"{exc.code}: {exc.message}"]},
                rows={row.index: [exc.code]},
            ) from exc
    entries = [r.entry for r in new]
    try:
        with transaction.atomic():
            TradeEntry.objects.bulk_create(entries, batch_size=1000)
    except IntegrityError as exc:
        raise DomainError(
            LedgerError.CONFLICTING_REPOST, field="external_id", external_id="?", source_system="?"
        ) from exc
    lines = []
    for row in new:
        for line in row.lines:
            line.entry = row.entry
            lines.append(line)
    if lines:
        EntryLine.objects.bulk_create(lines, batch_size=1000)
    allocations = [a for b in books.values() for a in b.allocations]
    for a in allocations:  # refresh the ids of entries saved above
        a.debit_entry = a.debit_entry
        a.credit_entry = a.credit_entry
    if allocations:
        Allocation.objects.bulk_create(allocations, batch_size=1000)
    changed = [e for b in books.values() for e in b.changed.values()]
    if changed:
        _update_many(TradeEntry, ["open_amount"], changed)
    for book in books.values():
        book.exposure.updated_at = now
    _update_many(Exposure, [*Exposure.FIGURES, "updated_at"], [b.exposure for b in books.values()])
    for r in reservations:
        r.save(update_fields=["status", "closed_at"])


def _update_many(model, fields: list[str], objs) -> None:
    """UPDATE … SET fields WHERE pk = … for each object, as one executemany (bulk_update's CASE
    expressions cost more to build than the rows to write)."""
    if not objs:
        return
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    meta = model._meta
    cols = [meta.get_field(f) for f in fields]
    sets = ", ".join(f"{qn(c.column)} = %s" for c in cols)
    sql = f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608 - identifiers from metadata
    params = [[c.get_db_prep_save(getattr(o, c.attname), connection) for c in cols] + [o.pk] for o in objs]
    with connection.cursor() as cursor:
        for i in range(0, len(params), 1000):
            cursor.executemany(sql, params[i : i + 1000])


def _results(prepared: list[PreparedRow]) -> list[tuple[TradeEntry, bool]]:
    out = []
    for row in prepared:
        if row.existing is not None:
            out.append((row.existing, False))
        elif row.duplicate_of is not None:
            out.append((row.duplicate_of.entry, False))
        else:
            out.append((row.entry, True))
    return out


def _audit_entry(entry: TradeEntry, *, by, api_key, request, action="ledger.post"):
    return spec(
        action,
        actor=by if by is not None and getattr(by, "is_authenticated", False) else None,
        request=request,
        object_type="ledger.tradeentry",
        object_id=str(entry.pk),
        object_repr=str(entry)[:200],
        data={
            "customer_id": entry.customer_id,
            "kind": entry.kind,
            "amount": str(entry.amount),
            "source_system": entry.source_system,
            "external_id": entry.external_id,
            **({"api_key": api_key.prefix} if api_key is not None else {}),
            **({"reverses": entry.reverses_id} if entry.reverses_id else {}),
        },
    )


# --- public services -------------------------------------------------------------------------------


@transaction.atomic
def post_trade_entry(
    *,
    customer,
    kind,
    amount,
    entry_on,
    source_system="manual",
    external_id=None,
    due_on=None,
    term_days=None,
    currency="CNY",
    contract=None,
    salesperson=None,
    department=None,
    lines=(),
    reservation=None,
    reverses=None,
    settles=None,
    note_no="",
    note_matures_on=None,
    note_without_recourse=False,
    memo="",
    by=None,
    api_key=None,
    request=None,
    within=None,
    _allow_write_off=False,
) -> tuple[TradeEntry, bool]:
    """Post one entry (idempotent by source_system + external_id). Returns (entry, created).
    within: a queryset of the customers the caller may post to (others are unknown customers)."""
    if not _allow_write_off:  # an approved write-off posts for its requester, approved by the chain
        require_capability(by, LedgerPermission.POST)
    row = {
        "customer": customer,
        "kind": kind,
        "amount": amount,
        "entry_on": entry_on,
        "due_on": due_on,
        "term_days": term_days,
        "currency": currency,
        "source_system": source_system,
        "external_id": external_id,
        "contract": contract,
        "salesperson": salesperson,
        "department": department,
        "lines": lines,
        "reservation": reservation,
        "reverses": reverses,
        "settles": settles,
        "note_no": note_no,
        "note_matures_on": note_matures_on,
        "note_without_recourse": note_without_recourse,
        "memo": memo,
    }
    policy = current_policy()
    prepared = prepare_rows(
        [row], policy=policy, by=by, api_key=api_key, allow_write_off=_allow_write_off, within=within
    )
    _run(prepared)
    entry, created = _results(prepared)[0]
    if created:
        record_events([_audit_entry(entry, by=by, api_key=api_key, request=request)])
    return entry, created


def post_trade_entries(
    *, rows, source_system=None, by=None, api_key=None, request=None, max_rows=None, within=None
) -> list[tuple[TradeEntry, bool]]:
    """Post a batch atomically: every row is validated first and any error refuses the whole batch
    (DomainError "ledger.batch_invalid" with errors per row; nothing saved). Rows are dicts of
    post_trade_entry's arguments (customer may be an id). Returns (entry, created) per row.

    The rows are parsed, checked and resolved before the transaction (on SQLite a transaction holds
    the whole database's write lock; a credit check meanwhile waits for it). The transaction locks the
    customers' exposure rows, checks again what another posting could change meanwhile (reposts by
    external id, rows referring to other entries, a reservation still held), then writes: all rows or
    none, and a repost of an external id gives the entry already posted."""
    require_capability(by, LedgerPermission.POST)
    rows = list(rows)
    policy = current_policy()
    limit = max_rows or policy.ledger.max_batch
    if not rows:
        raise DomainError(LedgerError.BATCH_EMPTY)
    if len(rows) > limit:
        raise DomainError(LedgerError.BATCH_TOO_LARGE, max=limit)
    if source_system:
        rows = [{**r, "source_system": r.get("source_system") or source_system} for r in rows]

    def prepare(rows):
        return prepare_rows(rows, policy=policy, by=by, api_key=api_key, within=within)

    prepared = prepare(rows)
    with transaction.atomic():
        _run(prepared, prepare)
        results = _results(prepared)
        created = [e for e, c in results if c]
        if created:
            per_customer = defaultdict(list)
            for e in created:
                per_customer[e.customer_id].append(e)
            record_events(
                spec(
                    "ledger.post_batch",
                    actor=by if by is not None and getattr(by, "is_authenticated", False) else None,
                    request=request,
                    object_type="customers.customer",
                    object_id=str(cid),
                    data={
                        "entries": len(es),
                        "first_id": es[0].pk,
                        "last_id": es[-1].pk,
                        "amount": str(sum((e.amount for e in es), ZERO)),
                        **({"api_key": api_key.prefix} if api_key is not None else {}),
                    },
                )
                for cid, es in per_customer.items()
            )
    return results


@transaction.atomic
def reverse_entry(
    *,
    entry,
    reason="",
    entry_on=None,
    source_system="manual",
    external_id=None,
    by=None,
    api_key=None,
    request=None,
) -> tuple[TradeEntry, bool]:
    """Post the reversing entry of `entry` (the only correction: entries are never edited)."""
    require_capability(by, LedgerPermission.REVERSE)
    entry_on = entry_on or max(entry.entry_on, timezone.localdate())
    return post_trade_entry(
        customer=entry.customer_id,
        kind=rules.REVERSAL,
        amount=entry.original_amount,
        currency=entry.currency,
        entry_on=entry_on,
        reverses=entry,
        memo=reason,
        source_system=source_system,
        external_id=external_id,
        by=by,
        api_key=api_key,
        request=request,
    )


def check_trade_entries(*, rows, within=None) -> dict:
    """Validate rows as post_trade_entries would, writing nothing: {"errors": {row index: [messages]},
    "new": count, "existing": count (already posted: a repost)} — for an import preview."""
    prepared = prepare_rows(list(rows), policy=current_policy(), by=None, api_key=None, within=within)
    find_reposts(prepared)
    errors = {r.index: [m for _c, _f, m in r.errors] for r in prepared if r.errors}
    existing = sum(1 for r in prepared if r.existing is not None or r.duplicate_of is not None)
    return {"errors": errors, "new": len(prepared) - len(errors) - existing, "existing": existing}

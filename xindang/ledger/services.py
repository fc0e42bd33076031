"""Writing the ledger. Every posting goes through one in-memory book per customer, under the
customer's Exposure row lock (lock_exposure — the one lock point the credit check shares): the entry,
its FIFO allocations, the open amounts and the exposure figures are written in the same transaction.
Entries are never changed or deleted; a correction is a reversing entry (reverse_entry)."""

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connections, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.audit.services import record_event, record_events, spec
from xindang.core.errors import DomainError
from xindang.core.numbering import ensure_row
from xindang.customers.models import Customer
from xindang.policy.selectors import current_policy

from . import rules
from .models import ZERO, Allocation, EntryLine, Exposure, Reservation, TradeEntry
from .selectors import fetch_exposure

MESSAGES = {
    "ledger.unknown_kind": lambda p: _("Unknown entry kind: %(kind)s.") % p,
    "ledger.invalid_amount": lambda p: _("The amount must be a number of yuan with at most two decimals."),
    "ledger.amount_not_positive": lambda p: _("The amount must be greater than zero."),
    "ledger.unknown_currency": lambda p: _("Currency %(currency)s is not accepted.") % p,
    "ledger.entry_date_required": lambda p: _("The entry date is required."),
    "ledger.due_before_entry": lambda p: _("The due date cannot be before the entry date."),
    "ledger.unknown_customer": lambda p: _("Unknown customer: %(customer)s.") % p,
    "ledger.conflicting_repost": lambda p: (
        _("External id %(external_id)s of %(source_system)s was already posted with different data.") % p
    ),
    "ledger.write_off_needs_approval": lambda p: _("A write-off needs the general manager's approval."),
    "ledger.write_off_exceeds_open": lambda p: _("A write-off cannot exceed the open debt."),
    "ledger.reversal_target_required": lambda p: _("Say which entry this reverses."),
    "ledger.reversal_unknown_target": lambda p: _("The entry to reverse does not exist."),
    "ledger.already_reversed": lambda p: _("This entry has already been reversed."),
    "ledger.cannot_reverse_reversal": lambda p: _("A reversal cannot be reversed; post the entry again."),
    "ledger.reverse_settled_note": lambda p: _("Reverse the note's settlement first."),
    "ledger.wrong_customer": lambda p: _("The referenced entry belongs to another customer."),
    "ledger.note_required": lambda p: _("Say which note is settled."),
    "ledger.note_exceeds_open": lambda p: _("The settlement exceeds what is left of the note."),
    "ledger.reservation_not_held": lambda p: _(
        "The reservation is not held (consumed, released or expired)."
    ),
    "ledger.reservation_kind": lambda p: _("Only a shipment or a prepayment consumes a reservation."),
    "ledger.batch_too_large": lambda p: _("At most %(max)s entries in one batch.") % p,
    "ledger.batch_invalid": lambda p: (
        _("The batch was refused: %(count)s rows have errors. Nothing was saved.") % p
    ),
    "ledger.batch_empty": lambda p: _("The batch holds no entries."),
    "ledger.invalid_reference": lambda p: _("Unknown %(field)s: %(value)s.") % p,
}


def message(code: str, **params) -> str:
    fn = MESSAGES.get(code)
    return str(fn(params)) if fn else code


def _error(code: str, field: str | None = None, **params) -> DomainError:
    return DomainError(code, message(code, **params), field=field, **params)


# --- the lock point -------------------------------------------------------------------------------


def _zero_row(customer_id) -> dict:
    return dict(customer_id=customer_id, **dict.fromkeys(Exposure.FIGURES, ZERO), updated_at=timezone.now())


def lock_exposure(customer_id) -> Exposure:
    """Lock the customer's Exposure row (SELECT … FOR UPDATE), creating it if missing, and return it.
    The one lock point that postings and the credit check share; must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_exposure() must run inside transaction.atomic()")
    customer_id = int(getattr(customer_id, "pk", customer_id))
    row = fetch_exposure(customer_id, for_update=True)
    if row is None:
        # Race-safe on all three engines: see core.numbering.ensure_row.
        values = _zero_row(customer_id)
        values["updated_at"] = transaction.get_connection().ops.adapt_datetimefield_value(
            values["updated_at"]
        )
        ensure_row(Exposure, **values)
        row = fetch_exposure(customer_id, for_update=True)
    return row


def _lock_exposures(customer_ids) -> dict[int, Exposure]:
    ids = sorted(set(customer_ids))
    rows: dict[int, Exposure] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows.update(
            {e.customer_id: e for e in Exposure.objects.select_for_update().filter(customer_id__in=chunk)}
        )
    missing = [cid for cid in ids if cid not in rows]
    if missing:
        _insert_missing(missing)
        for i in range(0, len(missing), 500):
            chunk = missing[i : i + 500]
            rows.update(
                {e.customer_id: e for e in Exposure.objects.select_for_update().filter(customer_id__in=chunk)}
            )
    return rows


def _insert_missing(customer_ids: list[int]) -> None:
    """Create zero Exposure rows, race-safe, many at once (the bulk form of core.numbering.ensure_row:
    in the caller's transaction on PostgreSQL and SQLite, committed at once on a connection of its own
    on MariaDB so no duplicate-key shared lock is held)."""
    connection = transaction.get_connection()
    if connection.vendor != "mysql" or (
        connection.atomic_blocks and connection.atomic_blocks[0]._from_testcase
    ):
        Exposure.objects.bulk_create(
            [Exposure(**_zero_row(cid)) for cid in customer_ids], ignore_conflicts=True, batch_size=1000
        )
        return
    qn = connection.ops.quote_name
    names = ["customer_id", *Exposure.FIGURES, "updated_at"]
    cols = ", ".join(qn(Exposure._meta.get_field(n).column) for n in names)
    marks = ", ".join(["%s"] * len(names))
    first = qn("customer_id")
    sql = f"INSERT INTO {qn(Exposure._meta.db_table)} ({cols}) VALUES ({marks}) ON DUPLICATE KEY UPDATE {first} = {first}"  # noqa: S608,E501
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    own = connections.create_connection(connection.alias)
    try:
        with own.cursor() as cursor:
            cursor.executemany(sql, [[cid, *([ZERO] * len(Exposure.FIGURES)), now] for cid in customer_ids])
    finally:
        own.close()


# --- the in-memory book -----------------------------------------------------------------------------


@dataclass
class _Book:
    """One customer's open items and exposure while a posting runs."""

    customer_id: int
    exposure: Exposure
    debits: dict = field(default_factory=lambda: defaultdict(list))  # pool -> [Item(ref=entry)]
    credits: dict = field(default_factory=lambda: defaultdict(list))
    changed: dict = field(default_factory=dict)  # pk -> existing entry whose open_amount changed
    allocations: list = field(default_factory=list)
    note_left: dict = field(default_factory=dict)  # note pk -> unsettled amount

    def add_open(self, entry: TradeEntry, seq: int) -> None:
        pool = rules.POOL_OF.get(entry.kind)
        if pool is None or entry.open_amount <= 0:
            return
        side = self.debits if entry.kind in rules.DEBIT_KINDS else self.credits
        side[pool].append(rules.Item(key=(entry.entry_on, seq), open=entry.open_amount, ref=entry))

    def _touch(self, entry: TradeEntry) -> None:
        if entry.pk:
            self.changed[entry.pk] = entry

    def _bump(self, figure: str, delta: Decimal) -> None:
        setattr(self.exposure, figure, getattr(self.exposure, figure) + delta)

    def _alloc(self, debit: TradeEntry, credit: TradeEntry, amount: Decimal, on: date) -> None:
        self.allocations.append(
            Allocation(debit_entry=debit, credit_entry=credit, amount=amount, allocated_on=on)
        )

    def _sync(self, pairs) -> None:
        for item, _part in pairs:
            item.ref.open_amount = item.open
            self._touch(item.ref)

    def settle(self, pool: str) -> None:
        """Apply unallocated credits of `pool` to its open debits, oldest first."""
        credits = sorted((c for c in self.credits[pool] if c.open > 0), key=lambda i: i.key)
        for credit in credits:
            debits = [d for d in self.debits[pool] if d.open > 0]
            if not debits:
                break
            pairs, rest = rules.allocate_fifo(credit.open, debits)
            for item, part in pairs:
                d, c = item.ref, credit.ref
                self._alloc(d, c, part, max(d.entry_on, c.entry_on))
                self._bump(rules.CATEGORY_OF[d.kind], -part)
                self._bump("credit_balance_amount", -part)
            self._sync(pairs)
            credit.open = rest
            credit.ref.open_amount = rest
            self._touch(credit.ref)

    def post_debit(self, entry: TradeEntry, seq: int) -> None:
        entry.open_amount = entry.amount
        self._bump(rules.CATEGORY_OF[entry.kind], entry.amount)
        self.add_open(entry, seq)
        self.settle(rules.POOL_OF[entry.kind])

    def post_credit(self, entry: TradeEntry, seq: int) -> None:
        pool = rules.POOL_OF[entry.kind]
        debits = [d for d in self.debits[pool] if d.open > 0]
        pairs, rest = rules.allocate_fifo(entry.amount, debits)
        if entry.kind == rules.WRITE_OFF and rest > 0:
            raise _error("ledger.write_off_exceeds_open", "amount")
        for item, part in pairs:
            self._alloc(item.ref, entry, part, max(item.ref.entry_on, entry.entry_on))
            self._bump(rules.CATEGORY_OF[item.ref.kind], -part)
        self._sync(pairs)
        entry.open_amount = rest
        self._bump("credit_balance_amount", rest)
        if entry.kind == rules.NOTE_RECEIVED:
            self._bump("notes_amount", entry.amount)
            self.note_left[("new", id(entry))] = entry.amount
        self.add_open(entry, seq)

    def _left_of_note(self, note: TradeEntry) -> Decimal:
        key = note.pk if note.pk else ("new", id(note))
        if key not in self.note_left:
            settled = (
                TradeEntry.objects.filter(settles=note, reversed_by__isnull=True).aggregate(s=Sum("amount"))[
                    "s"
                ]
                or ZERO
            )
            self.note_left[key] = note.amount - settled
        return self.note_left[key]

    def post_note_settled(self, entry: TradeEntry) -> None:
        note = entry.settles
        left = self._left_of_note(note)
        if entry.amount > left:
            raise _error("ledger.note_exceeds_open", "amount")
        self.note_left[note.pk or ("new", id(note))] = left - entry.amount
        self._bump("notes_amount", -entry.amount)

    def _find(self, entry: TradeEntry, side: dict) -> rules.Item | None:
        for items in side.values():
            for item in items:
                if item.ref is entry or (entry.pk and item.ref.pk == entry.pk):
                    return item
        return None

    def post_reversal(self, entry: TradeEntry, seq: int) -> None:
        target = entry.reverses
        on = entry.entry_on
        if target.kind in rules.DEBIT_KINDS:
            pool = rules.POOL_OF[target.kind]
            item = self._find(target, self.debits)
            before = item.ref.open_amount if item else _open_now(target)
            # Undo what credits paid on it: they become unallocated again.
            for credit_id, net in self.net_allocations(debit=target).items():
                credit = self._credit_entry(credit_id, pool)
                self._alloc(target, credit.ref, -net, on)
                credit.open += net
                credit.ref.open_amount = credit.open
                self._touch(credit.ref)
                self._bump("credit_balance_amount", net)
            self._alloc(target, entry, target.amount, on)
            self._bump(rules.CATEGORY_OF[target.kind], -before)
            if item:
                item.open = ZERO
                item.ref.open_amount = ZERO
                self._touch(item.ref)
            else:
                target.open_amount = ZERO
                self._touch(target)
            self.settle(pool)
        elif target.kind in rules.CREDIT_KINDS:
            pool = rules.POOL_OF[target.kind]
            if target.kind == rules.NOTE_RECEIVED:
                left = self._left_of_note(target)
                if left != target.amount:
                    raise _error("ledger.reverse_settled_note")
                self._bump("notes_amount", -target.amount)
            item = self._find(target, self.credits)
            unallocated = item.ref.open_amount if item else _open_now(target)
            for debit_id, net in self.net_allocations(credit=target).items():
                debit = self._debit_entry(debit_id, pool)
                self._alloc(debit.ref, target, -net, on)
                debit.open += net
                debit.ref.open_amount = debit.open
                self._touch(debit.ref)
                self._bump(rules.CATEGORY_OF[debit.ref.kind], net)
            self._alloc(entry, target, target.amount, on)
            self._bump("credit_balance_amount", -unallocated)
            if item:
                item.open = ZERO
                item.ref.open_amount = ZERO
                self._touch(item.ref)
            else:
                target.open_amount = ZERO
                self._touch(target)
            self.settle(pool)
        elif target.kind == rules.NOTE_SETTLED:
            note = target.settles
            key = note.pk
            self.note_left[key] = self._left_of_note(note) + target.amount
            self._bump("notes_amount", target.amount)
        entry.open_amount = ZERO

    def net_allocations(self, *, debit=None, credit=None) -> dict[int, Decimal]:
        net = defaultdict(Decimal, _net_allocations(debit=debit, credit=credit))
        for a in self.allocations:  # pending in this batch
            if debit is not None and a.debit_entry.pk == debit.pk and a.credit_entry.pk:
                net[a.credit_entry.pk] += a.amount
            elif credit is not None and a.credit_entry.pk == credit.pk and a.debit_entry.pk:
                net[a.debit_entry.pk] += a.amount
        return {k: v for k, v in net.items() if v > 0}

    def _credit_entry(self, pk: int, pool: str) -> rules.Item:
        for item in self.credits[pool]:
            if item.ref.pk == pk:
                return item
        ref = TradeEntry.objects.get(pk=pk)
        item = rules.Item(key=(ref.entry_on, ref.pk), open=ref.open_amount, ref=ref)
        self.credits[pool].append(item)
        return item

    def _debit_entry(self, pk: int, pool: str) -> rules.Item:
        for item in self.debits[pool]:
            if item.ref.pk == pk:
                return item
        ref = TradeEntry.objects.get(pk=pk)
        item = rules.Item(key=(ref.entry_on, ref.pk), open=ref.open_amount, ref=ref)
        self.debits[pool].append(item)
        return item


def _open_now(entry: TradeEntry) -> Decimal:
    """The open amount as stored now (read under the customer's lock; the caller's copy may be old)."""
    return TradeEntry.objects.values_list("open_amount", flat=True).get(pk=entry.pk)


def _net_allocations(*, debit=None, credit=None) -> dict[int, Decimal]:
    """Net allocated amount per counterpart of a saved entry (negative rows undo earlier ones)."""
    if debit is not None and debit.pk:
        rows = (
            Allocation.objects.filter(debit_entry=debit).values("credit_entry_id").annotate(n=Sum("amount"))
        )
        return {r["credit_entry_id"]: r["n"] for r in rows}
    if credit is not None and credit.pk:
        rows = (
            Allocation.objects.filter(credit_entry=credit).values("debit_entry_id").annotate(n=Sum("amount"))
        )
        return {r["debit_entry_id"]: r["n"] for r in rows}
    return {}


def _load_books(exposures: dict[int, Exposure], rows) -> dict[int, _Book]:
    """The books of the customers posted to, with the open items the postings can touch: a
    customer's open debits only if a credit (or reversal) is posted, its unallocated credits only if
    it holds a credit balance when a debit is posted. A shipment to a customer without an advance
    reads nothing but its locked Exposure row."""
    books = {cid: _Book(customer_id=cid, exposure=e) for cid, e in exposures.items()}
    want = defaultdict(set)  # (side) -> customer ids
    for row in rows:
        e = row.entry
        if e.kind in rules.CREDIT_KINDS or e.kind == rules.REVERSAL:
            want["debits"].add(e.customer_id)
        if (e.kind in rules.DEBIT_KINDS and exposures[e.customer_id].credit_balance_amount > 0) or (
            e.kind == rules.REVERSAL
        ):
            want["credits"].add(e.customer_id)
    for side, kinds in (("debits", rules.DEBIT_KINDS), ("credits", rules.CREDIT_KINDS)):
        ids = sorted(want[side])
        for i in range(0, len(ids), 500):
            qs = (
                TradeEntry.objects.filter(customer_id__in=ids[i : i + 500], kind__in=kinds, open_amount__gt=0)
                .only("id", "customer_id", "kind", "entry_on", "amount", "open_amount")
                .order_by("entry_on", "id")
            )
            for entry in qs:
                books[entry.customer_id].add_open(entry, entry.pk)
    return books


# --- preparing rows ------------------------------------------------------------------------------

_FIELDS = (
    "customer",
    "kind",
    "amount",
    "entry_on",
    "due_on",
    "term_days",
    "currency",
    "source_system",
    "external_id",
    "contract",
    "salesperson",
    "department",
    "lines",
    "reservation",
    "reverses",
    "settles",
    "note_no",
    "note_matures_on",
    "note_without_recourse",
    "memo",
)


def _decimal(value):
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(str(value).strip().replace(",", "")) if value is not None and value != "" else None
    except (InvalidOperation, ValueError):
        return None


def _date(value):
    if value is None or value == "" or isinstance(value, date) and not isinstance(value, datetime):
        return value or None
    if isinstance(value, datetime):
        return value.date()
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return "invalid"


@dataclass
class _Row:
    index: int
    data: dict
    entry: TradeEntry | None = None
    lines: list = field(default_factory=list)
    existing: TradeEntry | None = None
    duplicate_of: "_Row | None" = None
    errors: list = field(default_factory=list)

    def fail(self, code, fld=None, **params):
        self.errors.append((code, fld, message(code, **params)))


def _resolve_entry(value, source_system, cache, customer_id=None):
    """An entry reference: a TradeEntry, a pk, or {"external_id": …} of the same source system."""
    if value is None or value == "":
        return None
    if isinstance(value, TradeEntry):
        return value
    if isinstance(value, dict):
        key = (value.get("source_system") or source_system, str(value.get("external_id")))
        if key not in cache:
            cache[key] = TradeEntry.objects.filter(source_system=key[0], external_id=key[1]).first()
        return cache[key]
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    if ("pk", pk) not in cache:
        cache[("pk", pk)] = TradeEntry.objects.filter(pk=pk).first()
    return cache[("pk", pk)]


# The grant's term (回款、到货期限, 002 第二十三条) gives the due date of a credit sale or prepayment
# posted without one. Grants live in `credit`, a layer above the ledger, so credit registers the
# lookup here at start-up (one explicit hook, like the approval registry): f(customer_ids) -> {id: days}.
_grant_terms = None


def register_grant_terms(lookup) -> None:
    global _grant_terms
    _grant_terms = lookup


def _terms_of(customer_ids) -> dict:
    return dict(_grant_terms(customer_ids)) if _grant_terms and customer_ids else {}


def _prepare(rows: list[dict], *, policy, by, api_key, allow_write_off=False, within=None) -> list[_Row]:
    """Validate every row and build the unsaved entries (nothing is written). Errors per row."""
    section = policy.ledger
    rates = section.currencies
    prepared = [_Row(i, dict(r)) for i, r in enumerate(rows)]
    customer_ids = set()
    for row in prepared:
        c = row.data.get("customer")
        cid = getattr(c, "pk", c)
        with contextlib.suppress(TypeError, ValueError):
            customer_ids.add(int(cid))
    customers = {}
    ids = sorted(customer_ids)
    for i in range(0, len(ids), 1000):
        base = within if within is not None else Customer.objects.all()
        for c in base.filter(pk__in=ids[i : i + 1000]).only("pk", "owner_id", "department_id"):
            customers[c.pk] = c
    ref_cache: dict = {}
    grant_terms: dict | None = None  # looked up once per batch, when a row needs it
    from xindang.accounts.models import Department, User  # noqa: PLC0415 - only when posting
    from xindang.contracts.models import Contract  # noqa: PLC0415

    model_of = {
        "contract": Contract,
        "salesperson": User,
        "department": Department,
        "reservation": Reservation,
    }
    fk_cache: dict = {}

    def fk(row, name, customer_id=None):
        value = row.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, model_of[name]):
            return value
        try:
            pk = int(value)
        except (TypeError, ValueError):
            pk = None
        key = (name, pk)
        if key not in fk_cache:
            fk_cache[key] = model_of[name].objects.filter(pk=pk).first() if pk is not None else None
        obj = fk_cache[key]
        if obj is None:
            row.fail("ledger.invalid_reference", name, field=name, value=value)
        return obj

    for row in prepared:
        d = row.data
        unknown = set(d) - set(_FIELDS)
        for name in sorted(unknown):
            row.fail("ledger.invalid_reference", name, field=name, value="?")
        c = d.get("customer")
        cid = getattr(c, "pk", c)
        try:
            customer = customers.get(int(cid))
        except (TypeError, ValueError):
            customer = None
        if customer is None:
            row.fail("ledger.unknown_customer", "customer", customer=cid)
        kind = str(d.get("kind") or "")
        amount = _decimal(d.get("amount"))
        entry_on = _date(d.get("entry_on"))
        due_on = _date(d.get("due_on"))
        currency = str(d.get("currency") or "CNY").upper()
        if entry_on == "invalid":
            row.fail("ledger.entry_date_required", "entry_on")
            entry_on = None
        if due_on == "invalid":
            row.fail("ledger.due_before_entry", "due_on")
            due_on = None
        for p in rules.entry_problems(
            kind=kind, amount=amount, entry_on=entry_on, due_on=due_on, currency=currency, rates=rates
        ):
            row.fail(p.code, p.field, **p.params)
        if kind == rules.WRITE_OFF and not allow_write_off:
            row.fail("ledger.write_off_needs_approval", "kind")
        source = str(d.get("source_system") or "manual")[:40]
        ext = d.get("external_id")
        ext = str(ext).strip()[:100] if ext not in (None, "") else None
        reverses = _resolve_entry(d.get("reverses"), source, ref_cache)
        settles = _resolve_entry(d.get("settles"), source, ref_cache)
        if kind == rules.REVERSAL:
            if d.get("reverses") in (None, ""):
                row.fail("ledger.reversal_target_required", "reverses")
            elif reverses is None:
                row.fail("ledger.reversal_unknown_target", "reverses")
            else:
                if reverses.kind == rules.REVERSAL:
                    row.fail("ledger.cannot_reverse_reversal", "reverses")
                if TradeEntry.objects.filter(reverses=reverses).exists():
                    row.fail("ledger.already_reversed", "reverses")
                if customer and reverses.customer_id != customer.pk:
                    row.fail("ledger.wrong_customer", "reverses")
                amount = reverses.original_amount
                currency = reverses.currency
        if kind == rules.NOTE_SETTLED:
            if settles is None or settles.kind != rules.NOTE_RECEIVED:
                row.fail("ledger.note_required", "settles")
            elif customer and settles.customer_id != customer.pk:
                row.fail("ledger.wrong_customer", "settles")
        contract = fk(row, "contract")
        salesperson = fk(row, "salesperson")
        department = fk(row, "department")
        reservation = fk(row, "reservation")
        if reservation is not None:
            if kind not in rules.RESERVABLE_KINDS:
                row.fail("ledger.reservation_kind", "reservation")
            elif customer and reservation.customer_id != customer.pk:
                row.fail("ledger.wrong_customer", "reservation")
        if row.errors or customer is None:
            continue
        if kind in rules.DEBIT_KINDS and due_on is None:
            term = d.get("term_days")
            if term in (None, ""):
                if grant_terms is None:
                    grant_terms = _terms_of(list(customers))
                term = grant_terms.get(customer.pk) or section.default_term_days
            due_on = rules.due_date(entry_on, int(term))
        rate = rates[currency]
        row.entry = TradeEntry(
            customer=customer,
            kind=kind,
            entry_on=entry_on,
            amount=rules.to_yuan(amount, rate) if currency != "CNY" else amount,
            currency=currency,
            original_amount=amount,
            fx_rate=rate,
            due_on=due_on if kind in rules.DEBIT_KINDS or d.get("due_on") else None,
            source_system=source,
            external_id=ext,
            contract=contract,
            salesperson=salesperson,
            salesperson_id=salesperson.pk if salesperson else customer.owner_id,
            department_id=department.pk if department else customer.department_id,
            reverses=reverses if kind == rules.REVERSAL else None,
            settles=settles if kind == rules.NOTE_SETTLED else None,
            reservation=reservation,
            note_no=str(d.get("note_no") or "")[:60],
            note_matures_on=_date(d.get("note_matures_on")) if d.get("note_matures_on") else None,
            note_without_recourse=bool(d.get("note_without_recourse")),
            memo=str(d.get("memo") or "")[:500],
            created_by=by if by is not None and getattr(by, "is_authenticated", False) else None,
            api_key=api_key,
        )
        if kind == rules.REVERSAL:
            row.entry.amount, row.entry.fx_rate = reverses.amount, reverses.fx_rate
        if row.entry.amount <= 0:
            row.fail("ledger.amount_not_positive", "amount")
        for line in d.get("lines") or ():
            line = dict(line)
            row.lines.append(
                EntryLine(
                    product=str(line.get("product") or "")[:200],
                    quantity=_decimal(line.get("quantity")),
                    amount=_decimal(line.get("amount")),
                    cost_amount=_decimal(line.get("cost_amount", line.get("cost"))),
                )
            )
    return prepared


_COMPARED = ("customer_id", "kind", "original_amount", "currency", "entry_on")


def _same(existing: TradeEntry, new: TradeEntry, explicit_due: bool) -> bool:
    if any(getattr(existing, f) != getattr(new, f) for f in _COMPARED):
        return False
    return not explicit_due or existing.due_on == new.due_on


def _find_existing(prepared: list[_Row]) -> None:
    """Idempotency: a row whose (source system, external id) is already posted gets that entry back
    if the data agree, or the conflicting-repost error."""
    by_source = defaultdict(set)
    for row in prepared:
        if row.entry is not None and row.entry.external_id:
            by_source[row.entry.source_system].add(row.entry.external_id)
    found = {}
    for source, ext_ids in by_source.items():
        ext_ids = sorted(ext_ids)
        for i in range(0, len(ext_ids), 1000):
            for e in TradeEntry.objects.filter(source_system=source, external_id__in=ext_ids[i : i + 1000]):
                found[(source, e.external_id)] = e
    seen: dict = {}
    for row in prepared:
        e = row.entry
        if e is None or not e.external_id:
            continue
        key = (e.source_system, e.external_id)
        explicit_due = row.data.get("due_on") not in (None, "")
        other = found.get(key)
        if other is None and key in seen:
            first = seen[key]
            if _same(first.entry, e, explicit_due):
                row.duplicate_of = first
            else:
                row.fail(
                    "ledger.conflicting_repost",
                    "external_id",
                    external_id=e.external_id,
                    source_system=e.source_system,
                )
            continue
        if other is not None:
            if _same(other, e, explicit_due):
                row.existing = other
            else:
                row.fail(
                    "ledger.conflicting_repost",
                    "external_id",
                    external_id=e.external_id,
                    source_system=e.source_system,
                )
            continue
        seen[key] = row


def _raise_for(prepared: list[_Row]) -> None:
    bad = [r for r in prepared if r.errors]
    if not bad:
        return
    if len(prepared) == 1:
        code, fld, _msg = bad[0].errors[0]
        raise DomainError(
            code, _msg, field=fld, errors={fld or "__all__": [m for _c, _f, m in bad[0].errors]}
        )
    errors = {f"row {r.index + 1}": [f"{c}: {m}" for c, _f, m in r.errors] for r in bad}
    raise DomainError(
        "ledger.batch_invalid",
        message("ledger.batch_invalid", count=len(bad)),
        errors=errors,
        rows={r.index: [c for c, _f, _m in r.errors] for r in bad},
    )


def _run(prepared: list[_Row]) -> None:
    """Lock the customers' exposure rows (so a concurrent repost of the same external id waits and
    then finds this one), resolve reposts, refuse any error, then post the new rows and write."""
    exposures = _lock_exposures(r.entry.customer_id for r in prepared if r.entry is not None)
    _find_existing(prepared)
    _raise_for(prepared)
    new = [r for r in prepared if r.entry is not None and r.existing is None and r.duplicate_of is None]
    if not new:
        return
    wanted = {r.entry.customer_id for r in new}
    books = _load_books({cid: e for cid, e in exposures.items() if cid in wanted}, new)
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
                raise _error("ledger.reservation_not_held", "reservation")
            r.status = Reservation.Status.CONSUMED
            r.closed_at = now
            e.reservation = r
            book._bump("reservations_amount", -r.amount)
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
        except DomainError as exc:
            if len(prepared) == 1:
                raise
            raise DomainError(
                "ledger.batch_invalid",
                message("ledger.batch_invalid", count=1),
                errors={f"row {row.index + 1}": [f"{exc.code}: {exc.message}"]},
                rows={row.index: [exc.code]},
            ) from exc
    entries = [r.entry for r in new]
    try:
        with transaction.atomic():
            TradeEntry.objects.bulk_create(entries, batch_size=1000)
    except IntegrityError as exc:
        raise _error("ledger.conflicting_repost", "external_id", external_id="?", source_system="?") from exc
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


def _results(prepared: list[_Row]) -> list[tuple[TradeEntry, bool]]:
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
    prepared = _prepare(
        [row], policy=policy, by=by, api_key=api_key, allow_write_off=_allow_write_off, within=within
    )
    _run(prepared)
    entry, created = _results(prepared)[0]
    if created:
        record_events([_audit_entry(entry, by=by, api_key=api_key, request=request)])
    return entry, created


@transaction.atomic
def post_trade_entries(
    *, rows, source_system=None, by=None, api_key=None, request=None, max_rows=None, within=None
) -> list[tuple[TradeEntry, bool]]:
    """Post a batch atomically: every row is validated first and any error refuses the whole batch
    (DomainError "ledger.batch_invalid" with errors per row; nothing saved). Rows are dicts of
    post_trade_entry's arguments (customer may be an id). Returns (entry, created) per row."""
    rows = list(rows)
    policy = current_policy()
    limit = max_rows or policy.ledger.max_batch
    if not rows:
        raise _error("ledger.batch_empty")
    if len(rows) > limit:
        raise _error("ledger.batch_too_large", max=limit)
    if source_system:
        rows = [{**r, "source_system": r.get("source_system") or source_system} for r in rows]
    prepared = _prepare(rows, policy=policy, by=by, api_key=api_key, within=within)
    _run(prepared)
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


# --- reservations (for the credit check) --------------------------------------------------------


def reserve(*, customer, amount, kind, expires_at, reference="", by=None) -> Reservation:
    """Hold `amount` against the customer's limit until consumed by a posting or released/expired.
    The caller holds the Exposure row lock (lock_exposure) in the current transaction."""
    amount = _decimal(amount)
    if amount is None or amount <= 0:
        raise _error("ledger.amount_not_positive", "amount")
    if kind not in rules.RESERVABLE_KINDS:
        raise _error("ledger.reservation_kind", "kind")
    exposure = lock_exposure(getattr(customer, "pk", customer))
    r = Reservation.objects.create(
        customer_id=exposure.customer_id,
        amount=amount,
        kind=kind,
        reference=str(reference)[:100],
        expires_at=expires_at,
        created_by=by if by is not None and getattr(by, "is_authenticated", False) else None,
    )
    exposure.reservations_amount += amount
    exposure.save(update_fields=["reservations_amount", "updated_at"])
    return r


def _close_reservation(r: Reservation, status: str, exposure: Exposure) -> None:
    r.status = status
    r.closed_at = timezone.now()
    r.save(update_fields=["status", "closed_at"])
    exposure.reservations_amount -= r.amount
    exposure.save(update_fields=["reservations_amount", "updated_at"])


@transaction.atomic
def release_reservation(*, reservation, by=None, request=None) -> Reservation:
    """Give the held amount back (the order was cancelled). Idempotent for a closed reservation."""
    exposure = lock_exposure(reservation.customer_id)
    r = Reservation.objects.select_for_update().get(pk=getattr(reservation, "pk", reservation))
    if r.status == Reservation.Status.HELD:
        _close_reservation(r, Reservation.Status.RELEASED, exposure)
        record_event(
            "ledger.reservation_release",
            actor=by if by is not None and getattr(by, "is_authenticated", False) else None,
            request=request,
            object_type="ledger.reservation",
            object_id=str(r.pk),
            data={"customer_id": r.customer_id, "amount": str(r.amount)},
        )
    return r


@transaction.atomic
def release_expired(customer=None, *, now=None) -> int:
    """Expire held reservations past their time (of one customer, or all). Returns how many."""
    now = now or timezone.now()
    qs = Reservation.objects.filter(status=Reservation.Status.HELD, expires_at__lte=now)
    if customer is not None:
        qs = qs.filter(customer_id=getattr(customer, "pk", customer))
    count = 0
    for cid in sorted(set(qs.values_list("customer_id", flat=True))):
        exposure = lock_exposure(cid)
        for r in Reservation.objects.select_for_update().filter(
            customer_id=cid, status=Reservation.Status.HELD, expires_at__lte=now
        ):
            _close_reservation(r, Reservation.Status.EXPIRED, exposure)
            count += 1
    return count


# --- reconciliation ----------------------------------------------------------------------------------


@transaction.atomic
def fix_exposure(*, customer_id, figures: dict, by=None, request=None) -> Exposure:
    """Set the maintained figures to those recomputed from the ledger (reconcile_exposure --fix)."""
    exposure = lock_exposure(customer_id)
    before = {k: str(v) for k, v in exposure.figures().items()}
    for name, value in figures.items():
        setattr(exposure, name, value)
    exposure.save(update_fields=[*Exposure.FIGURES, "updated_at"])
    record_event(
        "ledger.exposure_fixed",
        actor=by,
        request=request,
        object_type="customers.customer",
        object_id=str(customer_id),
        data={"before": before, "after": {k: str(v) for k, v in figures.items()}},
    )
    return exposure


# --- write-off (bad debt), through the approval engine ------------------------------------------------

WRITE_OFF_KIND = "ledger.write_off"


@transaction.atomic
def request_write_off(*, customer, amount, entry_on, reason, by, request=None):
    """Ask the policy's chain (default: the general manager) to write off `amount` of bad debt. The
    write-off entry is posted when the last step approves (on_write_off_approved)."""
    from xindang.approvals.services import submit_request  # noqa: PLC0415 - approvals is below us

    from .models import WriteOffRequest  # noqa: PLC0415

    amount = _decimal(amount)
    if amount is None or amount <= 0 or amount != amount.quantize(rules.CENT):
        raise _error("ledger.amount_not_positive", "amount")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("ledger.reason_required", _("Give a reason."), field="reason")
    exposure = lock_exposure(customer.pk)
    receivable = exposure.open_shipments_amount + exposure.open_invoices_amount
    if amount > receivable:
        raise _error("ledger.write_off_exceeds_open", "amount")
    wo = WriteOffRequest.objects.create(
        customer=customer, amount=amount, entry_on=entry_on, reason=reason, requested_by=by
    )
    approval = submit_request(
        kind=WRITE_OFF_KIND,
        obj=wo,
        chain=list(current_policy().ledger.write_off_chain),
        requested_by=by,
        title=_("Write-off of %(amount)s for %(customer)s") % {"amount": amount, "customer": customer.name},
        summary=reason,
        amount=amount,
        customer=customer,
        object_url=reverse("ledger:customer", args=[customer.pk]),
        request=request,
    )
    wo.approval = approval
    wo.save(update_fields=["approval"])
    record_event(
        "ledger.write_off_request", actor=by, request=request, obj=customer, data={"amount": str(amount)}
    )
    return wo


def _write_off_of(approval):
    from .models import WriteOffRequest  # noqa: PLC0415

    return WriteOffRequest.objects.select_for_update().get(pk=int(approval.object_id))


def on_write_off_approved(approval):
    wo = _write_off_of(approval)
    if wo.status == wo.Status.POSTED:
        return
    entry, _created = post_trade_entry(
        customer=wo.customer_id,
        kind=rules.WRITE_OFF,
        amount=wo.amount,
        entry_on=wo.entry_on,
        source_system="write_off",
        external_id=str(wo.pk),
        memo=wo.reason[:500],
        by=wo.requested_by,
        _allow_write_off=True,
    )
    wo.status = wo.Status.POSTED
    wo.entry = entry
    wo.save(update_fields=["status", "entry"])


def on_write_off_rejected(approval):
    wo = _write_off_of(approval)
    wo.status = wo.Status.REJECTED
    wo.save(update_fields=["status"])


def on_write_off_returned(approval):
    wo = _write_off_of(approval)
    wo.status = wo.Status.RETURNED
    wo.save(update_fields=["status"])


def check_trade_entries(*, rows, within=None) -> dict:
    """Validate rows as post_trade_entries would, writing nothing: {"errors": {row index: [messages]},
    "new": count, "existing": count (already posted: a repost)} — for an import preview."""
    prepared = _prepare(list(rows), policy=current_policy(), by=None, api_key=None, within=within)
    _find_existing(prepared)
    errors = {r.index: [m for _c, _f, m in r.errors] for r in prepared if r.errors}
    existing = sum(1 for r in prepared if r.existing is not None or r.duplicate_of is not None)
    return {"errors": errors, "new": len(prepared) - len(errors) - existing, "existing": existing}

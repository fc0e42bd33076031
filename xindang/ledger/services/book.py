"""The in-memory book of a posting: each customer's open items loaded (only those the postings can
touch), FIFO allocations and exposure figures kept in step as entries post. The caller holds the
customers' Exposure rows locked (locking.lock_exposures)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from xindang.core.errors import DomainError

from .. import rules
from ..errors import LedgerError
from ..models import ZERO, Allocation, Exposure, TradeEntry


@dataclass
class Book:
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

    def bump(self, figure: str, delta: Decimal) -> None:
        setattr(self.exposure, figure, getattr(self.exposure, figure) + delta)

    def _alloc(self, debit: TradeEntry, credit: TradeEntry, amount: Decimal, on: date) -> None:
        self.allocations.append(Allocation.of(debit, credit, amount, on))

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
                self.bump(rules.CATEGORY_OF[d.kind], -part)
                self.bump("credit_balance_amount", -part)
            self._sync(pairs)
            credit.open = rest
            credit.ref.open_amount = rest
            self._touch(credit.ref)

    def post_debit(self, entry: TradeEntry, seq: int) -> None:
        entry.open_amount = entry.amount
        if entry.kind == rules.INVOICE and entry.settles is not None:
            self._bill(entry)
        self.bump(rules.CATEGORY_OF[entry.kind], entry.open_amount)
        self.add_open(entry, seq)
        self.settle(rules.POOL_OF[entry.kind])

    def _shipment_item(self, shipment: TradeEntry) -> rules.Item:
        return self._find(shipment, self.debits) or self._debit_entry(shipment.pk, rules.RECEIVABLE)

    def _bill(self, invoice: TradeEntry) -> None:
        """The invoice takes over the shipment it bills (rules.billing): the shipment's open part
        moves to the invoice (an allocation shipment ← invoice), and what was already paid on the
        billed goods is not open on the invoice (an allocation invoice ← shipment)."""
        item = self._shipment_item(invoice.settles)
        moved, carried = rules.billing(invoice.amount, item.ref.amount, item.open)
        if moved > 0:
            self._alloc(item.ref, invoice, moved, invoice.entry_on)
            item.open -= moved
            item.ref.open_amount = item.open
            self._touch(item.ref)
            self.bump("open_shipments_amount", -moved)
        if carried > 0:
            self._alloc(invoice, item.ref, carried, invoice.entry_on)
        invoice.open_amount = invoice.amount - carried

    def post_credit(self, entry: TradeEntry, seq: int) -> None:
        pool = rules.POOL_OF[entry.kind]
        debits = [d for d in self.debits[pool] if d.open > 0]
        pairs, rest = rules.allocate_fifo(entry.amount, debits)
        if entry.kind == rules.WRITE_OFF and rest > 0:
            raise DomainError(LedgerError.WRITE_OFF_EXCEEDS_OPEN, field="amount")
        for item, part in pairs:
            self._alloc(item.ref, entry, part, max(item.ref.entry_on, entry.entry_on))
            self.bump(rules.CATEGORY_OF[item.ref.kind], -part)
        self._sync(pairs)
        entry.open_amount = rest
        self.bump("credit_balance_amount", rest)
        if entry.kind == rules.NOTE_RECEIVED:
            self.bump("notes_amount", entry.amount)
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
            raise DomainError(LedgerError.NOTE_EXCEEDS_OPEN, field="amount")
        self.note_left[note.pk or ("new", id(note))] = left - entry.amount
        self.bump("notes_amount", -entry.amount)

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
            billed = target.settles_id if target.kind == rules.INVOICE else None
            # Undo what credits paid on it: they become unallocated again.
            for credit_id, net in self.net_allocations(debit=target).items():
                if credit_id == billed:  # the part paid on the billed shipment: it stays paid there
                    self._alloc(target, target.settles, -net, on)
                    continue
                credit = self._credit_entry(credit_id, pool)
                self._alloc(target, credit.ref, -net, on)
                credit.open += net
                credit.ref.open_amount = credit.open
                self._touch(credit.ref)
                self.bump("credit_balance_amount", net)
            if billed is not None:  # the shipment's open part comes back to it
                moved = self.net_allocations(credit=target).get(billed, ZERO)
                if moved > 0:
                    shipment = self._shipment_item(target.settles)
                    self._alloc(shipment.ref, target, -moved, on)
                    shipment.open += moved
                    shipment.ref.open_amount = shipment.open
                    self._touch(shipment.ref)
                    self.bump("open_shipments_amount", moved)
            self._alloc(target, entry, target.amount, on)
            self.bump(rules.CATEGORY_OF[target.kind], -before)
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
                    raise DomainError(LedgerError.REVERSE_SETTLED_NOTE)
                self.bump("notes_amount", -target.amount)
            item = self._find(target, self.credits)
            unallocated = item.ref.open_amount if item else _open_now(target)
            for debit_id, net in self.net_allocations(credit=target).items():
                debit = self._debit_entry(debit_id, pool)
                self._alloc(debit.ref, target, -net, on)
                debit.open += net
                debit.ref.open_amount = debit.open
                self._touch(debit.ref)
                self.bump(rules.CATEGORY_OF[debit.ref.kind], net)
            self._alloc(entry, target, target.amount, on)
            self.bump("credit_balance_amount", -unallocated)
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
            self.bump("notes_amount", target.amount)
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


def load_books(exposures: dict[int, Exposure], rows) -> dict[int, Book]:
    """The books of the customers posted to, with the open items the postings can touch: a
    customer's open debits only if a credit (or reversal) is posted, its unallocated credits only if
    it holds a credit balance when a debit is posted. A shipment to a customer without an advance
    reads nothing but its locked Exposure row."""
    books = {cid: Book(customer_id=cid, exposure=e) for cid, e in exposures.items()}
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
                .only("id", "customer_id", "kind", "entry_on", "due_on", "amount", "open_amount")
                .order_by("entry_on", "id")
            )
            for entry in qs:
                books[entry.customer_id].add_open(entry, entry.pk)
    return books

"""Preparing rows for posting: every field parsed and checked, customers and references resolved,
the due date from the grant term, reposts recognised — all before anything is written, so a batch
with one bad row is refused whole."""

import contextlib
from dataclasses import dataclass, field

from xindang.contracts.models import Contract
from xindang.core.errors import DomainError, message_of
from xindang.customers.models import Customer
from xindang.onboarding.errors import OnboardingError
from xindang.onboarding.selectors import is_onboarded

from .. import rules
from ..errors import LedgerError, member
from ..models import EntryLine, Reservation, TradeEntry
from .values import to_date, to_decimal, to_line_number, to_term


def message(code: str, **params) -> str:
    """The message of an error code a row carries (a ledger code, or the onboarding gate's)."""
    return message_of(member(code), **params)


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


_TEXT_FIELDS = ("source_system", "external_id", "note_no", "memo")


@dataclass
class PreparedRow:
    index: int
    data: dict
    entry: TradeEntry | None = None
    lines: list = field(default_factory=list)
    existing: TradeEntry | None = None
    duplicate_of: "PreparedRow | None" = None
    errors: list = field(default_factory=list)

    def fail(self, code, fld=None, **params):
        self.errors.append((code, fld, message(code, **params)))


def _billed(shipment: TradeEntry, source_system: str | None = None, external_id: str | None = None) -> bool:
    """Whether an invoice in force bills the shipment (other than the one with this external id: a
    repost of the same invoice is idempotent)."""
    qs = TradeEntry.objects.filter(settles=shipment, kind=rules.INVOICE, reversed_by__isnull=True)
    if external_id is not None:
        qs = qs.exclude(source_system=source_system, external_id=external_id)
    return qs.exists()


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


def prepare_rows(
    rows: list[dict], *, policy, by, api_key, allow_write_off=False, within=None
) -> list[PreparedRow]:
    """Validate every row and build the unsaved entries (nothing is written). Errors per row."""
    section = policy.ledger
    rates = section.currencies
    prepared = [PreparedRow(i, dict(r)) for i, r in enumerate(rows)]
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
        for c in base.filter(pk__in=ids[i : i + 1000]).only("pk", "owner_id", "department_id", "onboarding"):
            customers[c.pk] = c
    ref_cache: dict = {}
    grant_terms: dict | None = None  # looked up once per batch, when a row needs it
    from xindang.accounts.models import Department, User  # only when posting

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

    billed_in_batch: set[int] = set()
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
        elif str(d.get("kind") or "") in rules.DEBIT_KINDS and not is_onboarded(customer):
            # 004 客户信息管理制度 第十条1(8): no credit sale or prepayment before the card's approval
            row.fail(OnboardingError.CARD_NOT_APPROVED.value, "customer")
        kind = str(d.get("kind") or "")
        amount = to_decimal(d.get("amount"))
        entry_on = to_date(d.get("entry_on"))
        due_on = to_date(d.get("due_on"))
        currency = str(d.get("currency") or "CNY").upper()
        term_days = to_term(d.get("term_days"))
        if entry_on == "invalid":
            row.fail("ledger.entry_date_required", "entry_on")
            entry_on = None
        if due_on == "invalid":
            row.fail("ledger.due_before_entry", "due_on")
            due_on = None
        for p in rules.entry_problems(
            kind=kind,
            amount=amount,
            entry_on=entry_on,
            due_on=due_on,
            currency=currency,
            rates=rates,
            max_amount=section.max_entry_amount,
            term_days=term_days,
        ):
            row.fail(p.code, p.field, **p.params)
        matures_on = to_date(d.get("note_matures_on")) if d.get("note_matures_on") else None
        if matures_on == "invalid" or not rules.date_in_range(matures_on):
            row.fail("ledger.date_out_of_range", "note_matures_on", **rules.date_range())
        # A NUL character is no text a database keeps (PostgreSQL refuses it outright).
        for name in _TEXT_FIELDS:
            if "\x00" in str(d.get(name) or ""):
                row.fail("ledger.invalid_text", name, field=name)
        lines = []
        for line in d.get("lines") or ():
            try:
                line = dict(line)
            except (TypeError, ValueError):
                row.fail("ledger.invalid_line", "lines", field="lines")
                continue
            numbers = {
                "quantity": to_line_number(line.get("quantity")),
                "amount": to_line_number(line.get("amount")),
                "cost_amount": to_line_number(line.get("cost_amount", line.get("cost"))),
            }
            bad = rules.line_problems(**numbers)
            if "\x00" in str(line.get("product") or ""):
                bad.append("product")
            for name in bad:
                row.fail("ledger.invalid_line", "lines", field=name)
            lines.append((str(line.get("product") or "")[:200], numbers))
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
                if reverses.kind == rules.SHIPMENT and _billed(reverses):
                    row.fail("ledger.reverse_billed_shipment", "reverses")
                amount = reverses.original_amount
                currency = reverses.currency
        if kind == rules.NOTE_SETTLED:
            if settles is None or settles.kind != rules.NOTE_RECEIVED:
                row.fail("ledger.note_required", "settles")
            elif customer and settles.customer_id != customer.pk:
                row.fail("ledger.wrong_customer", "settles")
        if kind == rules.INVOICE and d.get("settles") not in (None, ""):  # an invoice billing a shipment
            if settles is None or settles.kind != rules.SHIPMENT:
                row.fail("ledger.shipment_required", "settles")
            elif customer and settles.customer_id != customer.pk:
                row.fail("ledger.wrong_customer", "settles")
            elif TradeEntry.objects.filter(reverses=settles).exists():
                row.fail("ledger.billed_shipment_reversed", "settles")
            elif settles.pk in billed_in_batch or _billed(settles, source, ext):
                row.fail("ledger.shipment_already_billed", "settles")
            else:
                billed_in_batch.add(settles.pk)
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
            term = term_days
            if term is None:
                if grant_terms is None:
                    grant_terms = _terms_of(list(customers))
                term = grant_terms.get(customer.pk) or section.default_term_days
            try:
                due_on = rules.due_date(entry_on, int(term))
            except OverflowError:
                row.fail("ledger.date_out_of_range", "due_on", **rules.date_range())
                continue
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
            settles=settles if kind in (rules.NOTE_SETTLED, rules.INVOICE) else None,
            reservation=reservation,
            note_no=str(d.get("note_no") or "")[:60],
            note_matures_on=matures_on,
            note_without_recourse=bool(d.get("note_without_recourse")),
            memo=str(d.get("memo") or "")[:500],
            created_by=by if by is not None and getattr(by, "is_authenticated", False) else None,
            api_key=api_key,
        )
        if kind == rules.REVERSAL:
            row.entry.amount, row.entry.fx_rate = reverses.amount, reverses.fx_rate
        if row.entry.amount <= 0:
            row.fail("ledger.amount_not_positive", "amount")
        for product, numbers in lines:
            row.lines.append(EntryLine(product=product, **numbers))
    return prepared


def refuse_invalid(prepared: list[PreparedRow]) -> None:
    bad = [r for r in prepared if r.errors]
    if not bad:
        return
    if len(prepared) == 1:
        code, fld, msg = bad[0].errors[0]
        exc = DomainError(
            member(code), field=fld, errors={fld or "__all__": [m for _c, _f, m in bad[0].errors]}
        )
        # The row's message, filled with the row's own parameters (its %(field)s is a parameter, not
        # the error's field): message_of(member(code), …) when the row failed.
        exc.message = msg
        raise exc
    errors = {f"row {r.index + 1}": [f"{c}: {m}" for c, _f, m in r.errors] for r in bad}
    raise DomainError(
        LedgerError.BATCH_INVALID,
        count=len(bad),
        errors=errors,
        rows={r.index: [c for c, _f, _m in r.errors] for r in bad},
    )

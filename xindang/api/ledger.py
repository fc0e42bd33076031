"""API router: the receivables ledger. Auth: an API key (header X-API-Key, scopes
"ledger:read" / "ledger:write") or the session of a user with the ledger permission.

POST /api/ledger/entries takes one entry or {"entries": [...]} (up to 10,000): accepted atomically or
refused whole with errors per row. Posting the same (source_system, external_id) again is idempotent.
"""

import contextlib
from datetime import date, datetime
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from xindang.customers.permissions import get_customer_for_user, get_record_for_user
from xindang.customers.selectors import existing_hidden_customer_ids, get_customer, visible_customers
from xindang.ledger import selectors, services
from xindang.ledger.models import EntryKind, TradeEntry
from xindang.ledger.permissions import LedgerPermission

from .auth import api_key_auth, api_key_of, require_scope, session_auth
from .pagination import page_answer

router = Router(auth=[api_key_auth, session_auth])


class LineIn(Schema):
    product: str = Field(..., max_length=200)
    quantity: Decimal | None = None
    amount: Decimal | None = None
    cost_amount: Decimal | None = None


class EntryIn(Schema):
    """One trade entry. amount: positive, in `currency` (the kind gives the direction). due_on: from
    term_days (the grant's term) or the policy's default term when not given. Refer to an earlier
    entry (reversal, note settlement) by its id or its external id in the same source system."""

    customer_id: int
    kind: EntryKind
    amount: Decimal
    entry_on: date
    external_id: str | None = Field(None, max_length=100)
    source_system: str | None = Field(None, max_length=40)
    due_on: date | None = None
    term_days: int | None = Field(None, ge=0, le=3650)
    currency: str = Field("CNY", max_length=3)
    contract_id: int | None = None
    salesperson_id: int | None = None
    department_id: int | None = None
    reservation_id: int | None = None
    reverses_id: int | None = None
    reverses_external_id: str | None = Field(None, max_length=100)
    settles_id: int | None = Field(
        None, description="note_settled: the note received it settles; invoice: the shipment it bills"
    )
    settles_external_id: str | None = Field(
        None,
        max_length=100,
        description="the same by external id (same source system); an invoice takes over the shipment's debt",
    )
    note_no: str = Field("", max_length=60)
    note_matures_on: date | None = None
    note_without_recourse: bool = False
    memo: str = Field("", max_length=500)
    lines: list[LineIn] = []


class BatchIn(Schema):
    entries: list[EntryIn]


class EntryOut(Schema):
    id: int
    customer_id: int
    kind: EntryKind
    entry_on: date
    due_on: date | None
    amount: Decimal
    currency: str
    original_amount: Decimal
    open_amount: Decimal
    source_system: str
    external_id: str | None
    contract_id: int | None
    salesperson_id: int | None
    department_id: int | None
    reverses_id: int | None
    settles_id: int | None
    note_no: str
    note_matures_on: date | None
    memo: str
    created_at: datetime


class PostResult(Schema):
    created: bool
    entry: EntryOut


class BatchResultRow(Schema):
    id: int
    external_id: str | None
    created: bool


class BatchResult(Schema):
    count: int
    created: int
    results: list[BatchResultRow]


class EntryFilters(Schema):
    # an id no BIGINT column holds is a 422, not a database overflow
    customer_id: int | None = Field(None, ge=1, le=2**63 - 1)
    kind: EntryKind | None = None
    date_from: date | None = Field(None, alias="from")
    date_to: date | None = Field(None, alias="to")
    source_system: str = ""
    external_id: str = ""
    open: bool = False


class ExposureOut(Schema):
    customer_id: int
    open_shipments_amount: Decimal
    open_invoices_amount: Decimal
    prepayments_amount: Decimal
    notes_amount: Decimal
    reservations_amount: Decimal
    credit_balance_amount: Decimal
    total_amount: Decimal
    committed_amount: Decimal
    overdue_amount: Decimal
    oldest_overdue: EntryOut | None
    updated_at: datetime | None


def _row(e: EntryIn, default_source: str) -> dict:
    source = e.source_system or default_source

    def ref(pk, ext):
        if pk is not None:
            return pk
        if ext:
            return {"source_system": source, "external_id": ext}
        return None

    return {
        "customer": e.customer_id,
        "kind": str(e.kind),
        "amount": e.amount,
        "entry_on": e.entry_on,
        "due_on": e.due_on,
        "term_days": e.term_days,
        "currency": e.currency,
        "source_system": source,
        "external_id": e.external_id,
        "contract": e.contract_id,
        "salesperson": e.salesperson_id,
        "department": e.department_id,
        "reservation": e.reservation_id,
        "reverses": ref(e.reverses_id, e.reverses_external_id),
        "settles": ref(e.settles_id, e.settles_external_id),
        "note_no": e.note_no,
        "note_matures_on": e.note_matures_on,
        "note_without_recourse": e.note_without_recourse,
        "memo": e.memo,
        "lines": [line.model_dump() for line in e.lines],
    }


def _within(request):
    """A session user posts only to files they may see (an API key serves the whole company)."""
    return None if api_key_of(request) is not None else visible_customers(request.user)


def _refuse_invisible(request, customer_ids) -> None:
    """A session user naming files of another department is refused (404) and each attempt is
    audited, as on the screens (customers.permissions.get_customer_for_user); ids of no file at all are
    left to the service, which answers ledger.unknown_customer."""
    if api_key_of(request) is not None:
        return
    ids = {int(i) for i in customer_ids if isinstance(i, int) and not isinstance(i, bool)}
    hidden = existing_hidden_customer_ids(request.user, ids)
    for pk in hidden:
        with contextlib.suppress(Http404):
            get_customer_for_user(request.user, pk, request=request)
    if hidden:
        raise Http404


@router.post(
    "/entries",
    response={200: PostResult | BatchResult, 201: PostResult | BatchResult},
    summary="Post one trade entry or a batch",
)
def post_entries(request, payload: EntryIn | BatchIn):
    require_scope(request, "ledger:write", LedgerPermission.POST)
    key = api_key_of(request)
    by = None if key is not None else request.user
    default_source = "api"
    entries = payload.entries if isinstance(payload, BatchIn) else [payload]
    _refuse_invisible(request, [e.customer_id for e in entries])
    if isinstance(payload, BatchIn):
        rows = [_row(e, default_source) for e in payload.entries]
        results = services.post_trade_entries(
            rows=rows, by=by, api_key=key, request=request, within=_within(request)
        )
        created = sum(1 for _e, c in results if c)
        body = {
            "count": len(results),
            "created": created,
            "results": [{"id": e.pk, "external_id": e.external_id, "created": c} for e, c in results],
        }
        return Status(201 if created else 200, body)
    (row,) = [_row(payload, default_source)]
    customer = row.pop("customer")
    entry, created = services.post_trade_entry(
        customer=customer, **row, by=by, api_key=key, request=request, within=_within(request)
    )
    return Status(201 if created else 200, {"created": created, "entry": entry})


@router.get("/entries", response=list[EntryOut], summary="List trade entries")
@paginate(page_answer(default=100, maximum=1000))
def list_entries(request, filters: Query[EntryFilters]):
    require_scope(request, "ledger:read", LedgerPermission.VIEW)
    f = filters
    if f.customer_id:
        _refuse_invisible(request, [f.customer_id])
    return selectors.api_entry_list(
        None if api_key_of(request) is not None else request.user,
        customer_id=f.customer_id,
        kind=f.kind,
        date_from=f.date_from,
        date_to=f.date_to,
        source_system=f.source_system,
        external_id=f.external_id,
        open_only=f.open,
    )


@router.get("/entries/{entry_id}", response=EntryOut, summary="One trade entry")
def get_entry(request, entry_id: int):
    require_scope(request, "ledger:read", LedgerPermission.VIEW)
    if api_key_of(request) is not None:  # a key serves every file
        return get_record_for_user(None, TradeEntry, entry_id, any_file=True)
    # the entry's file decides, and a refusal is audited
    visible = selectors.visible_entries(request.user)
    return get_record_for_user(
        request.user, TradeEntry, entry_id, records=lambda _c: visible, request=request
    )


@router.get("/exposure/{customer_id}", response=ExposureOut, summary="A customer's exposure by category")
def get_exposure(request, customer_id: int):
    require_scope(request, "ledger:read", LedgerPermission.VIEW)
    if api_key_of(request) is None:
        get_customer_for_user(request.user, customer_id, request=request)  # a refusal is audited
    else:
        get_customer(customer_id)
    e = selectors.exposure_of(customer_id)
    return {
        "customer_id": customer_id,
        **e.figures(),
        "total_amount": e.total_amount,
        "committed_amount": e.committed_amount,
        "overdue_amount": selectors.overdue_amount(customer_id),
        "oldest_overdue": selectors.oldest_overdue_item(customer_id),
        "updated_at": e.updated_at,
    }

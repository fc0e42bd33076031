"""Saving the checked rows of an import confirm: prepared before the transaction, written in it.

On SQLite a transaction holds the whole database's write lock, and a credit check writes its record:
checks asked during a confirm wait for the confirm's transaction. So prepare() does, before it,
everything that does not need the lock — the file numbers and codes each customer will most likely
get, search fields (pinyin), related-party keys, and the database values of every row of every table
(customers and their "+" history rows, primary contacts and theirs, related-party keys): the
per-value compilation that bulk_create would do in the transaction. write() then, in the caller's
transaction, allocates the real numbers (gap-free: numbering.allocate locks the sequence row until
the transaction ends; the few customers whose guess was wrong because someone filed a customer in
between are prepared again), and writes each table with one prepared INSERT run over all its rows
(core.bulk), reading the new ids back by a unique key (the file number; a contact by its customer).

On SQLite, where that transaction holds the whole database's write lock, prepare() goes further: it
writes every table's rows to TEMP tables of its connection (core.bulk.StagedInsert: no lock of the
main database), and write() copies each table with one INSERT … SELECT, the ids given in order above
the table's last id (no read-back); the search index's trigger is paused for the customers and
after the commit index_new() adds them to it in short transactions (customers.search_index).
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.accounts.models import Department
from xindang.audit.services import EventSpec, prepare_events, spec
from xindang.core import numbering
from xindang.core.bulk import PreparedInsert, StagedInsert, ids_by, last_id
from xindang.core.models import Sequence

from .. import list_options, relations, rules, search_index
from .. import services as customer_services
from ..models import Contact, Customer, ImportBatch, RelationKey, Tag
from ..permissions import CustomerPermission
from .progress import report_progress
from .validation import RowCheck

CHUNK = 2000  # rows per executemany round (a progress step while saving the customers)


def may_assign_codes(by) -> bool:
    return by.is_superuser or by.has_perm(CustomerPermission.ASSIGN_CODE)


def _by_department(customers: list[Customer]) -> tuple[dict, dict]:
    groups: dict[int, list[Customer]] = defaultdict(list)
    for customer in customers:
        groups[customer.department_id].append(customer)
    return groups, Department.objects.in_bulk(list(groups))


def predict_numbers(customers: list[Customer], *, by, policy) -> None:
    """Give each customer the file number and code it will most likely get and compute its search
    fields (pinyin is the slow part). write() allocates the real numbers and prepares again the few
    whose guess was wrong (someone filed a customer in between)."""
    year = timezone.localdate().year
    groups, departments = _by_department(customers)

    def last(key: str) -> int:
        return Sequence.objects.filter(key=key).values_list("last_value", flat=True).first() or 0

    for dept_id, group in groups.items():
        code = departments[dept_id].code
        start = last(rules.file_sequence_key(code, year)) + 1
        for offset, customer in enumerate(group):
            customer.file_no = rules.file_number(
                policy.core.file_no_format, dept=code, year=year, seq=start + offset
            )
    if may_assign_codes(by):
        start = last("customer.code") + 1
        for offset, customer in enumerate(customers):
            customer.code = policy.core.customer_code_format.format(seq=start + offset)
    for customer in customers:
        customer_services.refresh_search_fields(customer)


class _WithHistory:
    """A model's rows and their "+" history rows (as simple-history's bulk_history_create writes them),
    compiled ahead; the ids they refer to are filled in once known."""

    def __init__(self, model, *, by, reason: str, now):
        self.model = model
        self.history_model = model.history.model
        self.insert = PreparedInsert(model)
        self.history_insert = PreparedInsert(self.history_model)
        self.tracked = [f.attname for f in self.history_model.tracked_fields]
        self.by, self.reason, self.now = by, reason, now
        self.at_id = self.history_insert.index("id")

    def rows_of(self, obj) -> tuple[list, list]:
        row = self.insert.row_of(obj)
        history = self.history_model(
            history_date=self.now,
            history_user=self.by,
            history_change_reason=self.reason,
            history_type="+",
            **{name: getattr(obj, name) for name in self.tracked},
        )
        return row, self.history_insert.row_of(history)


@dataclass
class PreparedImport:
    """An import's rows, ready to write (prepare() outside the transaction, write() inside)."""

    rows: list[RowCheck]
    by: object
    policy: object
    batch: ImportBatch
    customers: _WithHistory
    contacts: _WithHistory
    customer_rows: list = field(default_factory=list)
    history_rows: list = field(default_factory=list)
    contact_of: dict = field(default_factory=dict)  # id(customer) → (contact, row, history row)
    keys: dict = field(default_factory=dict)  # id(customer) → [RelationKey row]
    specs: list[EventSpec] = field(default_factory=list)  # "customer.create", the id filled in later
    ip: str | None = None  # of the audit events
    staged: dict = field(default_factory=dict)  # SQLite: table → StagedInsert
    new_ids: tuple[int, int] | None = None  # SQLite: the customers' ids, first and last (index_new)


_KEYS = PreparedInsert(RelationKey)
_KEY_CUSTOMER, _KEY_SOURCE = _KEYS.index("customer_id"), _KEYS.index("source_id")


def prepare(rows: list[RowCheck], *, by, policy, batch: ImportBatch, ip: str | None = None) -> PreparedImport:
    """Everything of the import that needs no lock (see the module's docstring)."""
    customers = [r.customer for r in rows]
    predict_numbers(customers, by=by, policy=policy)
    now = timezone.now()
    reason = (_("Imported from %(file)s") % {"file": batch.original_name})[:100]
    prepared = PreparedImport(
        rows=rows,
        by=by,
        policy=policy,
        batch=batch,
        customers=_WithHistory(Customer, by=by, reason=reason, now=now),
        contacts=_WithHistory(Contact, by=by, reason=reason, now=now),
        ip=ip,
    )
    for row in rows:
        customer = row.customer
        customer.created_by = customer.updated_by = by
        values, history = prepared.customers.rows_of(customer)
        prepared.customer_rows.append(values)
        prepared.history_rows.append(history)
        if row.contact:
            contact = Contact(is_primary=True, **row.contact)
            prepared.contact_of[id(customer)] = (contact, *prepared.contacts.rows_of(contact))
        prepared.keys[id(customer)] = [
            _KEYS.row_of(
                RelationKey(kind=kind, key=key[:300], role=role, source="customer", shown=shown[:300])
            )
            for kind, key, role, shown in relations.planned_keys(customer)
        ]
        prepared.specs.append(_created(prepared, customer))
    sqlite = connections[router.db_for_write(Customer)].vendor == "sqlite"
    # the audit events' hash payloads but for what the transaction fills in (SQLite: their rows too)
    events = prepare_events(prepared.specs, stage=sqlite)
    if sqlite:
        prepared.staged["audit"] = events
        _stage(prepared)
    return prepared


def _stage(prepared: PreparedImport) -> None:
    """SQLite: every table's rows into TEMP tables (no lock of the main database); the ids they
    refer to are staged as positions (a customer's 1, 2, …; a contact's), made ids in the copy."""
    customers = [r.customer for r in prepared.rows]
    staged = prepared.staged
    try:
        staged["customers"] = StagedInsert(prepared.customers.insert, "customer")
        staged["customers"].stage(prepared.customer_rows)
        staged["history"] = StagedInsert(prepared.customers.history_insert, "customer_history")
        staged["history"].stage(prepared.history_rows)
        keys = []
        for pos, customer in enumerate(customers, 1):
            for row in prepared.keys[id(customer)]:
                row = list(row)
                row[_KEY_CUSTOMER] = row[_KEY_SOURCE] = pos
                keys.append(row)
        staged["keys"] = StagedInsert(_KEYS, "relation_key")
        staged["keys"].stage(keys)
        contacts = prepared.contacts
        at_customer = contacts.insert.index("customer_id")
        history_at_customer = contacts.history_insert.index("customer_id")
        rows, histories = [], []
        for pos, customer in enumerate(customers, 1):
            found = prepared.contact_of.get(id(customer))
            if found:
                _contact, row, history = found
                row, history = list(row), list(history)
                row[at_customer] = history[history_at_customer] = pos
                rows.append(row)
                histories.append(history)
        staged["contacts"] = StagedInsert(contacts.insert, "contact")
        staged["contacts"].stage(rows)
        staged["contact_history"] = StagedInsert(contacts.history_insert, "contact_history")
        staged["contact_history"].stage(histories)
    except BaseException:
        drop_staged(prepared)
        raise


def drop_staged(prepared: PreparedImport) -> None:
    """The TEMP tables of an SQLite import (after its transaction, whatever its outcome)."""
    for staged in prepared.staged.values():
        staged.drop()
    prepared.staged.clear()


def _created(prepared: PreparedImport, customer: Customer) -> EventSpec:
    """The audit event of one new file (its object id is filled in once the file has one)."""
    created = spec(
        "customer.create",
        actor=prepared.by,
        obj=customer,
        data={
            "file_no": customer.file_no,
            "code": customer.code,
            "import_batch": prepared.batch.pk,
            "policy_version": prepared.policy.version,
            "children": {"contacts": {"added": 1, "changed": 0, "deleted": 0}}
            if id(customer) in prepared.contact_of
            else {},
        },
    )
    created.ip = prepared.ip
    return created


def _allocate_numbers(prepared: PreparedImport) -> dict:
    """The real file numbers (one block per department, 按部门编号, seed 000 4.2, in a fixed order) and
    codes; a customer whose guess was wrong is prepared again. Returns the result summary."""
    customers = [r.customer for r in prepared.rows]
    policy = prepared.policy
    result: dict = {"file_nos": {}}
    stale: set[int] = set()
    groups, departments = _by_department(customers)
    for dept_id in sorted(groups, key=lambda pk: departments[pk].code):
        group = groups[dept_id]
        numbers = customer_services.allocate_file_no(departments[dept_id], policy=policy, count=len(group))
        for customer, number in zip(group, numbers, strict=True):
            if customer.file_no != number:
                customer.file_no = number
                stale.add(id(customer))
        result["file_nos"][departments[dept_id].code] = [numbers[0], numbers[-1]]
    # Customer codes as customer_services gives them one by one, in one block.
    if may_assign_codes(prepared.by):
        first = numbering.allocate("customer.code", len(customers))
        for offset, customer in enumerate(customers):
            code = policy.core.customer_code_format.format(seq=first + offset)
            if customer.code != code:
                customer.code = code
                stale.add(id(customer))
        result["codes"] = [customers[0].code, customers[-1].code]
    if stale:
        again, again_history = {}, {}
        for i, customer in enumerate(customers):
            if id(customer) in stale:
                customer_services.refresh_search_fields(customer)
                values, history = prepared.customers.rows_of(customer)
                prepared.customer_rows[i], prepared.history_rows[i] = values, history
                prepared.specs[i] = _created(prepared, customer)
                again[i + 1], again_history[i + 1] = values, history
        if prepared.staged:
            prepared.staged["customers"].replace(again)
            prepared.staged["history"].replace(again_history)
    return result


def write(prepared: PreparedImport) -> tuple[list[Customer], dict, list[EventSpec]]:
    """All rows in the caller's transaction: numbers, customers, history, tags, contacts, related-party
    keys; returns (customers, result summary, audit specs)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("saving.write() must run inside transaction.atomic()")
    rows, batch = prepared.rows, prepared.batch
    customers = [r.customer for r in rows]
    total = len(customers)
    if not customers:
        return [], {"file_nos": {}}, []
    report_progress(batch, "saving", 0, total)
    result = _allocate_numbers(prepared)
    alias = router.db_for_write(Customer)
    if prepared.staged:
        _write_staged(prepared, customers, alias)
        return customers, result, prepared.specs
    insert = prepared.customers.insert
    for start in range(0, total, CHUNK):
        insert.write(prepared.customer_rows[start : start + CHUNK], chunk=CHUNK)
        report_progress(batch, "saving", min(start + CHUNK, total), total)
    ids = ids_by(Customer, "file_no", [c.file_no for c in customers])
    at_id = prepared.customers.at_id
    for customer, history, event in zip(customers, prepared.history_rows, prepared.specs, strict=True):
        customer.pk = ids[customer.file_no]
        customer._state.adding, customer._state.db = False, alias
        history[at_id] = customer.pk
        event.object_id = str(customer.pk)
    prepared.customers.history_insert.write(prepared.history_rows)
    save_tags(rows)
    _write_keys(prepared, customers)
    _write_contacts(prepared, customers)
    list_options.invalidate()  # new tags and salespeople for the list's filters
    return customers, result, prepared.specs


def _write_staged(prepared: PreparedImport, customers: list[Customer], alias: str) -> None:
    """SQLite: each table copied from its TEMP table by one statement; the customers get the ids
    after the table's last one, in order (so do the contacts)."""
    staged = prepared.staged
    base = last_id(Customer)
    with search_index.paused(alias):
        staged["customers"].copy(offsets={"id": ("pos", base)})
    prepared.new_ids = (base + 1, base + len(customers))
    for pos, (customer, event) in enumerate(zip(customers, prepared.specs, strict=True), 1):
        customer.pk = base + pos
        customer._state.adding, customer._state.db = False, alias
        event.object_id = str(customer.pk)
    report_progress(prepared.batch, "saving", len(customers), len(customers))
    staged["history"].copy(offsets={"id": ("pos", base)})
    save_tags(prepared.rows)
    staged["keys"].copy(offsets={"customer_id": ("own", base), "source_id": ("own", base)})
    if staged["contacts"].count:
        contact_base = last_id(Contact)
        offsets = {"id": ("pos", contact_base), "customer_id": ("own", base)}
        staged["contacts"].copy(offsets=offsets)
        staged["contact_history"].copy(offsets=offsets)
        pos = contact_base
        for customer in customers:
            found = prepared.contact_of.get(id(customer))
            if found:
                pos += 1
                found[0].customer, found[0].pk = customer, pos
                found[0]._state.adding, found[0]._state.db = False, alias


def index_new(prepared: PreparedImport) -> int:
    """After the commit: the new customers into the search index, in short transactions (SQLite;
    elsewhere nothing to do)."""
    if prepared.new_ids is None:
        return 0
    return search_index.index_range(*prepared.new_ids, using=router.db_for_write(Customer))


def _write_keys(prepared: PreparedImport, customers: list[Customer]) -> None:
    """Related-party keys (bulk rows send no signal), planned before the transaction."""
    keys = []
    for customer in customers:
        for row in prepared.keys[id(customer)]:
            row[_KEY_CUSTOMER] = row[_KEY_SOURCE] = customer.pk
            keys.append(row)
    _KEYS.write(keys)


def _write_contacts(prepared: PreparedImport, customers: list[Customer]) -> None:
    """The primary contacts and their "+" history rows."""
    contacts = prepared.contacts
    at_customer = contacts.insert.index("customer_id")
    history_at_customer = contacts.history_insert.index("customer_id")
    written = []
    for customer in customers:
        found = prepared.contact_of.get(id(customer))
        if found:
            contact, row, history = found
            contact.customer = customer
            row[at_customer] = history[history_at_customer] = customer.pk
            written.append((contact, row, history))
    if not written:
        return
    contacts.insert.write([row for _c, row, _h in written])
    ids = ids_by(Contact, "customer_id", [c.customer_id for c, _r, _h in written])
    for contact, _row, history in written:
        contact.pk = ids[contact.customer_id]
        history[contacts.at_id] = contact.pk
    contacts.history_insert.write([history for _c, _r, history in written])


def save_tags(rows: list[RowCheck]) -> None:
    """Tags in bulk: missing Tag rows, the customer↔tag rows, and the tags of each "+" history record
    (simple-history's m2m history, as a single save + tags.set() would have written)."""
    wanted = sorted({t for r in rows for t in r.tags})
    if not wanted:
        return
    Tag.objects.bulk_create([Tag(name=n) for n in wanted], ignore_conflicts=True)
    tag_ids = {}
    for start in range(0, len(wanted), 500):
        tag_ids.update(Tag.objects.filter(name__in=wanted[start : start + 500]).values_list("name", "pk"))
    through = Customer.tags.through
    links = PreparedInsert(through, fields=["customer", "tag"])
    links.write([[r.customer.pk, tag_ids[t]] for r in rows for t in r.tags])
    tagged = sorted({r.customer.pk for r in rows if r.tags})
    history_model = Customer.history.model
    m2m_history = PreparedInsert(history_model.tags.model, fields=["id", "customer", "tag", "history"])
    history_rows = []
    for start in range(0, len(tagged), 500):
        chunk = tagged[start : start + 500]
        history_ids = dict(
            history_model.objects.filter(id__in=chunk, history_type="+").values_list("id", "history_id")
        )
        for link_id, customer_id, tag_id in through.objects.filter(customer_id__in=chunk).values_list(
            "id", "customer_id", "tag_id"
        ):
            history_rows.append([link_id, customer_id, tag_id, history_ids[customer_id]])
    m2m_history.write(history_rows)

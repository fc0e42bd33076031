"""Writing the audit log. record_event() runs inside the caller's transaction, so an action and its
audit event commit or roll back together."""

import ipaddress
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.http import Http404
from django.utils import timezone

from xindang.core.bulk import PreparedInsert, StagedInsert
from xindang.core.numbering import ensure_row

from .chain import chain_keys, hashed_fields  # noqa: F401 - also read from here (tests, lifecycle.checks)
from .models import AuditChainHead, AuditEvent
from .rules import (
    GENESIS_HASH,
    Anchor,
    dynamic_order,
    event_hash,
    hash_of_parts,
    key_id,
    make_anchor,
    payload_parts,
)


def _normalised_ip(value: str) -> str | None:
    """The address in canonical form, or None: a forged header must not break the insert (PostgreSQL's
    inet rejects junk) nor be stored in a form the database rewrites (which would break the hash)."""
    try:
        address = ipaddress.ip_address(value.strip().split("%", 1)[0])
    except ValueError:
        return None
    return str(address)


def client_ip(request) -> str | None:
    if request is None:
        return None
    header = getattr(settings, "XINDANG_CLIENT_IP_HEADER", "")
    if header:
        forwarded = request.META.get(header, "")
        if forwarded:
            return _normalised_ip(forwarded.split(",")[0])
    return _normalised_ip(request.META.get("REMOTE_ADDR") or "")


@dataclass
class EventSpec:
    action: str
    actor: object = None
    ip: str | None = None
    object_type: str = ""
    object_id: str = ""
    object_repr: str = ""
    purpose: str = ""
    data: dict = field(default_factory=dict)
    actor_name: str = ""
    # prepare_events(): (hash payload parts, the details' database value), the rest of the spec fixed
    prepared: tuple | None = field(default=None, repr=False, compare=False)


def _spec_from(
    action,
    *,
    actor=None,
    request=None,
    obj=None,
    object_type="",
    object_id="",
    object_repr="",
    purpose="",
    data=None,
) -> EventSpec:
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    actor_name = ""
    if actor is not None and not actor.is_authenticated:
        actor = None  # an anonymous visitor is recorded by IP only
    if actor is not None:
        actor_name = actor.get_full_name() or actor.get_username()
    # Store details as plain JSON (what the database will give back), so the hash recomputes exactly.
    data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    # Cut to the column sizes: an over-long value (a 150-character user name in a failed login) must
    # not make the insert fail on PostgreSQL/MySQL, nor be cut by the database after hashing.
    return EventSpec(
        action=action,
        actor=actor,
        ip=client_ip(request),
        object_type=object_type[:64],
        object_id=str(object_id)[:64],
        object_repr=str(object_repr)[:255],
        purpose=purpose[:255],
        data=data,
        actor_name=actor_name[:150],
    )


def record_event(action: str, **kwargs) -> AuditEvent:
    """Append one event. kwargs: actor, request, obj, object_type, object_id, object_repr, purpose, data."""
    return record_events([_spec_from(action, **kwargs)])[0]


def get_or_refuse(qs, pk, *, user, action: str, request=None):
    """The row `pk` of `qs` (the rows `user` may see). Otherwise 404 — the same answer as for a row that
    does not exist, so an id reveals nothing — and an attempt at an existing row goes into the audit log
    as `action` (an anonymous visitor is no actor: AnonymousUser is not a row)."""
    model = qs.model
    try:
        return qs.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        if str(pk).isdigit() and model._default_manager.filter(pk=pk).exists():
            record_event(
                action,
                request=request,
                actor=user if user is not None and user.is_authenticated else None,
                object_type=model._meta.label_lower,
                object_id=str(pk),
            )
        raise Http404 from None


def spec(action: str, **kwargs) -> EventSpec:
    return _spec_from(action, **kwargs)


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        # Not get_or_create: its losers deadlock on MariaDB (1213); see core.numbering.ensure_row.
        ensure_row(AuditChainHead, id=1, last_seq=0, last_hash=GENESIS_HASH)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


def _own_fields(s: EventSpec, seq: int, now, signer: str) -> dict:
    """An event's fields from its spec, its place in the chain, the time and the key's id."""
    return {
        "seq": seq,
        "at": now,
        "actor_name": s.actor_name,
        "ip": s.ip,
        "action": s.action,
        "object_type": s.object_type,
        "object_id": s.object_id,
        "object_repr": s.object_repr,
        "purpose": s.purpose,
        "data": s.data,
        "key_id": signer,
    }


def _chained(specs: list[EventSpec], head: AuditChainHead) -> list[AuditEvent]:
    """The events after the head, each hashed over its fields and its predecessor's hash."""
    now = timezone.now()
    key = settings.XINDANG_AUDIT_KEY
    signer = key_id(key)
    events = []
    seq, prev = head.last_seq, head.last_hash
    for s in specs:
        seq += 1
        event = AuditEvent(actor=s.actor, prev_hash=prev, **_own_fields(s, seq, now, signer))
        event.hash = event_hash(hashed_fields(event), prev, key)
        prev = event.hash
        events.append(event)
    return events


# No savepoint of its own: inside a caller's transaction the events are part of the caller's work,
# and if writing them fails, that work must not commit without them (the error rolls back the
# caller's transaction); outside one, atomic() still makes lock, insert and update one transaction.
@transaction.atomic(savepoint=False)
def record_events(specs: Iterable[EventSpec]) -> list[AuditEvent]:
    """Append many events under one lock of the chain head (bulk imports write thousands)."""
    specs = list(specs)
    if not specs:
        return []
    head = _locked_head()
    events = _chained(specs, head)
    AuditEvent.objects.bulk_create(events, batch_size=500)
    head.last_seq, head.last_hash = events[-1].seq, events[-1].hash
    head.save(update_fields=["last_seq", "last_hash"])
    return events


# What append_events() fills in under the chain head's lock; the rest of a payload is made before.
_DYNAMIC = ("at", "ip", "object_id", "prev_hash", "seq")
_ORDER = dynamic_order(_DYNAMIC)
_encode = json.encoder.encode_basestring  # a JSON string, as json.dumps(ensure_ascii=False) writes it


def _prepared(s: EventSpec, signer: str, connection) -> tuple:
    fields = hashed_fields(
        SimpleNamespace(
            actor_id=s.actor.pk if s.actor is not None else None,
            **_own_fields(s, 0, timezone.now(), signer),
        )
    )
    data = AuditEvent._meta.get_field("data").get_db_prep_save(s.data, connection=connection)
    return payload_parts(fields, _DYNAMIC), data


class StagedEvents:
    """SQLite: events prepared by prepare_events(stage=True), their rows but for what append_events()
    fills in written to a TEMP table before the transaction (core.bulk.StagedInsert)."""

    def __init__(self, specs: list[EventSpec], rows: list):
        self.specs = list(specs)  # the staged specs themselves: a spec made again is staged again
        self.insert = StagedInsert(PreparedInsert(AuditEvent), "audit_event")
        self.insert.stage(rows)

    def drop(self) -> None:
        self.insert.drop()


def _static_row(s: EventSpec, insert: PreparedInsert, signer: str) -> list:
    values = {
        "actor_id": s.actor.pk if s.actor is not None else None,
        "actor_name": s.actor_name,
        "action": s.action,
        "object_type": s.object_type,
        "object_repr": s.object_repr,
        "purpose": s.purpose,
        "data": s.prepared[1],
        "key_id": signer,
    }
    return [values.get(f.attname) for f in insert.fields]


def prepare_events(specs: Iterable[EventSpec], *, stage: bool = False) -> StagedEvents | None:
    """Before the transaction that append_events() them: each event's hash payload but for what is
    known only under the chain head's lock (its place, the time, the previous hash) or filled in
    later (its object's id, the IP), and its details' database value. A spec's other fields must not
    change afterwards (a spec made again is prepared in append_events). With stage=True on SQLite,
    also their rows (returned: pass it to append_events, drop() it after the transaction)."""
    specs = list(specs)
    alias = router.db_for_write(AuditEvent)
    signer = key_id(settings.XINDANG_AUDIT_KEY)
    for s in specs:
        s.prepared = _prepared(s, signer, connections[alias])
    if not (stage and specs and connections[alias].vendor == "sqlite"):
        return None
    insert = PreparedInsert(AuditEvent)
    return StagedEvents(specs, [_static_row(s, insert, signer) for s in specs])


@transaction.atomic
def append_events(specs: Iterable[EventSpec], *, staged: StagedEvents | None = None) -> int:
    """record_events() for thousands of events in a transaction that must stay short (an import's):
    the same chain and hashes, but no model instance per event, the payloads made ahead where
    prepare_events() ran, and one prepared INSERT run over all rows (core.bulk) instead of
    bulk_create's per-value compilation — or, with `staged`, one INSERT … SELECT of the staged rows
    completed. Returns how many; the events get no ids back."""
    specs = list(specs)
    if not specs:
        return 0
    insert = PreparedInsert(AuditEvent)
    connection = transaction.get_connection(insert.alias)
    meta = AuditEvent._meta
    ip_field = meta.get_field("ip")
    order = [f.attname for f in insert.fields]
    key = settings.XINDANG_AUDIT_KEY
    signer = key_id(key)
    head = _locked_head()
    now = timezone.now()
    at = meta.get_field("at").get_db_prep_save(now, connection=connection)
    dumped_at = _encode(now.isoformat(timespec="microseconds"))
    rows, restaged = [], {}
    done: dict[str, list] = {"seq": [], "ip": [], "object_id": [], "prev_hash": [], "hash": []}
    seq, prev = head.last_seq, head.last_hash
    for i, s in enumerate(specs):
        seq += 1
        if s.prepared is None:
            s.prepared = _prepared(s, signer, connection)
        parts, data = s.prepared
        dynamic = {
            "at": dumped_at,
            "ip": "null" if s.ip is None else _encode(s.ip),
            "object_id": _encode(s.object_id),
            "prev_hash": _encode(prev),
            "seq": str(seq),
        }
        digest = hash_of_parts(parts, [dynamic[name] for name in _ORDER], key)
        ip = ip_field.get_db_prep_save(s.ip, connection=connection)
        if staged is not None:
            if i >= len(staged.specs) or staged.specs[i] is not s:
                restaged[i + 1] = _static_row(s, insert, signer)
            for name, value in zip(done, (seq, ip, s.object_id, prev, digest), strict=True):
                done[name].append(value)
        else:
            values = {
                "seq": seq,
                "at": at,
                "actor_id": s.actor.pk if s.actor is not None else None,
                "actor_name": s.actor_name,
                "ip": ip,
                "action": s.action,
                "object_type": s.object_type,
                "object_id": s.object_id,
                "object_repr": s.object_repr,
                "purpose": s.purpose,
                "data": data,
                "key_id": signer,
                "prev_hash": prev,
                "hash": digest,
            }
            rows.append([values[name] for name in order])
        prev = digest
    if staged is not None:
        staged.insert.replace(restaged)
        staged.insert.copy_completed(values=done, constants={"at": at})
    else:
        insert.write(rows)
    head.last_seq, head.last_hash = seq, prev
    head.save(update_fields=["last_seq", "last_hash"])
    return len(specs)


def verify_chain_and_record(*, by, request=None):
    """Check the whole chain (audit.selectors.verify_chain) and record that an auditor did, with the
    result. The check runs before the event is appended, so it never holds the chain head's lock."""
    from .selectors import verify_chain  # selectors import this module (hashed_fields)

    check = verify_chain()
    data = {"ok": check.ok, "count": check.count, "head_seq": check.head_seq}
    if check.broken:
        data.update(seq=check.broken.seq, reason=check.broken.reason)
    record_event("audit.verify", actor=by, request=request, data=data)
    return check


def record_export(*, by, request=None, filters: dict, count: int) -> AuditEvent:
    """The audit log was exported (written after the file is built, so no lock is held meanwhile)."""
    return record_event("audit.export", actor=by, request=request, data={"filters": filters, "rows": count})


def write_anchor() -> Anchor:
    """Append the chain head's anchor (sequence, hash, time, MAC) to the anchor file, outside the
    database, and return it. Taken after a verification that held (manage.py verify_audit --anchor)."""
    head = AuditChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    seq, chain_hash = head or (0, GENESIS_HASH)
    anchor = make_anchor(
        seq, chain_hash, timezone.now().isoformat(timespec="seconds"), settings.XINDANG_AUDIT_KEY
    )
    path = settings.XINDANG_AUDIT_ANCHOR_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(anchor.as_dict(), sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())
    return anchor

"""Reading the audit log: the filtered list for auditors, and the integrity check of the chain."""

import ipaddress
import json
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from django.db.models import Q, QuerySet
from django.utils import timezone

from .chain import chain_keys, hashed_fields
from .models import AuditChainHead, AuditEvent
from .rules import GENESIS_HASH, Anchor, BrokenLink, anchor_break, first_broken_link, tail_break


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""  # part of the actor's name, or the exact user name
    action: str = ""  # an exact code, or "prefix.*" for a group
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None  # local dates (Asia/Shanghai), both inclusive
    date_to: date | None = None
    ip: str = ""  # a full address (exact) or its beginning ("192.168.")
    q: str = ""  # free text in the object, its id or the actor's name

    @classmethod
    def from_mapping(cls, data: Mapping | None) -> "AuditFilters":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names and v not in (None, "")})


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def audit_events(filters: AuditFilters | Mapping | None = None) -> QuerySet:
    """Events matching the filters, newest first."""
    f = filters if isinstance(filters, AuditFilters) else AuditFilters.from_mapping(filters)
    qs = AuditEvent.objects.all()
    if f.actor:
        qs = qs.filter(Q(actor_name__icontains=f.actor) | Q(actor__username__iexact=f.actor))
    if f.action:
        if f.action.endswith(".*"):
            qs = qs.filter(action__startswith=f.action[:-1])
        else:
            qs = qs.filter(action=f.action)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.date_from:
        qs = qs.filter(at__gte=_local_midnight(f.date_from))
    if f.date_to:
        qs = qs.filter(at__lt=_local_midnight(f.date_to + timedelta(days=1)))
    if f.ip:
        try:
            qs = qs.filter(ip=str(ipaddress.ip_address(f.ip)))
        except ValueError:
            qs = qs.filter(ip__startswith=f.ip)
    if f.q:
        qs = qs.filter(
            Q(object_repr__icontains=f.q)
            | Q(object_id=f.q)
            | Q(actor_name__icontains=f.q)
            | Q(purpose__icontains=f.q)
        )
    return qs.order_by("-seq")


@dataclass(frozen=True)
class ChainCheck:
    """The result of verify_chain(). `row` is the row at which the break was seen: the altered or
    relinked row itself, the first row after a gap, or the last row before a deleted tail."""

    count: int
    head_seq: int
    broken: BrokenLink | None = None
    row: AuditEvent | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None


_CHAIN_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "purpose",
    "data",
    "prev_hash",
    "hash",
    "key_id",
)


def read_anchors(path) -> list[Anchor]:
    """The anchors of an anchor file (one JSON object a line); a line that is not an anchor is
    refused with its number, since a damaged anchor file must not pass as an empty one."""
    anchors = []
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                anchors.append(
                    Anchor(
                        int(item["seq"]),
                        str(item["hash"]),
                        str(item["at"]),
                        str(item["key_id"]),
                        str(item["mac"]),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"line {number} of {path} is not an anchor") from exc
    return anchors


def verify_chain(*, chunk_size: int = 2000, anchors: list[Anchor] | None = None) -> ChainCheck:
    """Recompute every link in seq order (keyed with the configured keys) and compare the end with
    the chain head; then, when anchors are given, hold the chain against them (a truncated tail with a
    rewound head, or a chain recomputed from an earlier row, no longer matches an anchor).

    Reads in keyset pages (seq > last LIMIT chunk_size) rather than one .iterator(): PyMySQL buffers a
    whole result set client-side, so one query over millions of rows would not stay bounded in memory.
    Only rows up to the head read first are checked, so events appended meanwhile are no false alarm.
    """
    head = AuditChainHead.objects.filter(pk=1).values_list("last_seq", "last_hash").first()
    head_seq, head_hash = head or (0, GENESIS_HASH)
    # Without a head row every event is "unrecorded"; read them all so the tail check sees them.
    upper = head_seq if head is not None else None
    seen = {"count": 0, "seq": 0, "hash": GENESIS_HASH}

    def links() -> Iterator[tuple]:
        after = 0
        while True:
            page = AuditEvent.objects.filter(seq__gt=after).order_by("seq")
            if upper is not None:
                page = page.filter(seq__lte=upper)
            # Plain rows, not model instances (a third faster); the same converters apply.
            batch = list(page.values(*_CHAIN_COLUMNS)[:chunk_size])
            if not batch:
                return
            for row in batch:
                event = SimpleNamespace(**row)
                seen.update(count=seen["count"] + 1, seq=event.seq, hash=event.hash)
                yield event.seq, hashed_fields(event), event.prev_hash, event.hash
            after = batch[-1]["seq"]

    keys = chain_keys()
    broken = first_broken_link(links(), keys) or tail_break(seen["seq"], seen["hash"], head_seq, head_hash)
    if broken is None and anchors:

        def hash_at(seq: int) -> str | None:
            return AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()

        broken = anchor_break(anchors, hash_at, head_seq, keys)
    row = AuditEvent.objects.filter(seq=seen["seq"]).first() if broken and seen["seq"] else None
    return ChainCheck(count=seen["count"], head_seq=head_seq, broken=broken, row=row)


def stream_events(events: QuerySet, *, chunk_size: int = 2000) -> Iterator[AuditEvent]:
    """The events of a filtered queryset, newest first, in bounded memory on every backend.

    Two phases: the matching sequence numbers (one query, one sort), then the rows by seq in pages
    through the unique index. Keyset pages over the filter itself would let SQLite pick the filter's
    index and sort every match again for each page (quadratic for a large export).
    """
    seqs = array("Q", events.order_by("-seq").values_list("seq", flat=True))
    for start in range(0, len(seqs), chunk_size):
        yield from AuditEvent.objects.filter(seq__in=list(seqs[start : start + chunk_size])).order_by("-seq")

"""The audit chain's hash (pure). Each event hashes its own fields and the previous event's hash,
so altering or deleting any row breaks every later link (tamper evidence for the secrecy rules of
seed 000 5.1.3 and 001 六)."""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


def event_hash(fields: Mapping, prev_hash: str) -> str:
    payload = json.dumps(
        {**fields, "prev_hash": prev_hash},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str  # "altered", "missing", "relinked", "unrecorded"


def first_broken_link(events: Iterable[tuple[int, Mapping, str, str]]) -> BrokenLink | None:
    """Walk (seq, fields, prev_hash, hash) in seq order; return the first link that does not hold.

    - "missing": a sequence number is skipped (a row was deleted);
    - "relinked": prev_hash does not match the previous row's hash;
    - "altered": the row's content no longer matches its own hash.
    """
    expected_seq, previous = 1, GENESIS_HASH
    for seq, fields, prev_hash, stored_hash in events:
        if seq != expected_seq:
            return BrokenLink(expected_seq, "missing")
        if prev_hash != previous:
            return BrokenLink(seq, "relinked")
        if event_hash(fields, prev_hash) != stored_hash:
            return BrokenLink(seq, "altered")
        expected_seq, previous = seq + 1, stored_hash
    return None


def tail_break(last_seq: int, last_hash: str, head_seq: int, head_hash: str) -> BrokenLink | None:
    """Compare the last row read with the chain head (the row every append updates in the same
    transaction). first_broken_link() cannot see a deleted LAST row; the head can.

    - rows end before the head's sequence: the tail was deleted → "missing" at the first absent seq;
    - same sequence, different hash: the last row was rewritten with a recomputed hash → "altered";
    - rows beyond the head: written around record_events() → "unrecorded" at the first such seq.
    """
    if last_seq < head_seq:
        return BrokenLink(last_seq + 1, "missing")
    if last_seq > head_seq:
        return BrokenLink(head_seq + 1, "unrecorded")
    if last_hash != head_hash:
        return BrokenLink(last_seq, "altered")
    return None

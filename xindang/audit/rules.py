"""The audit chain's hash (pure). Each event hashes its own fields and the previous event's hash,
so altering or deleting any row breaks every later link (tamper evidence for the secrecy rules of
seed 000 5.1.3 and 001 六).

The hash is keyed (HMAC-SHA-256) with a key kept outside the database, so whoever can write SQL
cannot recompute a chain after changing a row; rows written before keying carry no key id and a
plain SHA-256. Anchors (the chain head's sequence and hash at a time, MACed with the key) are kept
outside the database too, so a deleted tail with a rewound head is found from the last anchor.
"""

import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


def key_id(key: bytes) -> str:
    """A key's public name (stored on each event), from which the key cannot be recovered."""
    return hmac.new(key, b"xindang audit key id", hashlib.sha256).hexdigest()[:16]


def event_hash(fields: Mapping, prev_hash: str, key: bytes | None = None) -> str:
    payload = json.dumps(
        {**fields, "prev_hash": prev_hash},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    ).encode("utf-8")
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def payload_parts(fields: Mapping, dynamic: tuple[str, ...]) -> list[str]:
    """event_hash()'s payload for `fields` (with "prev_hash") cut around the values of the keys in
    `dynamic` (which must be among them, "prev_hash" included): [text, text, …], one more than
    `dynamic`, the values going in between in sorted-key order (dynamic_order()). What is not
    dynamic is serialised once here, ahead of the hashing (hash_of_parts())."""
    keys = sorted({*fields, "prev_hash"})
    parts, current = [], "{"
    for i, name in enumerate(keys):
        current += ("," if i else "") + _dumps(name) + ":"
        if name in dynamic:
            parts.append(current)
            current = ""
        else:
            current += _dumps(fields[name])
    parts.append(current + "}")
    if len(parts) != len(dynamic) + 1:
        raise ValueError("every dynamic key must be among the fields")
    return parts


def dynamic_order(dynamic: tuple[str, ...]) -> list[str]:
    """The order in which hash_of_parts() takes the dynamic values."""
    return sorted(dynamic)


def hash_of_parts(parts: list[str], dumped_values: list[str], key: bytes | None = None) -> str:
    """event_hash() from payload_parts() and the dynamic values, each already serialised as JSON
    (in dynamic_order())."""
    pieces = [parts[0]]
    for value, part in zip(dumped_values, parts[1:], strict=True):
        pieces.append(value)
        pieces.append(part)
    payload = "".join(pieces).encode("utf-8")
    if key is None:
        return hashlib.sha256(payload).hexdigest()
    return hmac.digest(key, payload, "sha256").hex()  # hmac.new's result, in one call


def _dumps(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    # "altered", "missing", "relinked", "unrecorded"; "unkeyed" (a plain hash after keyed rows: a
    # row rewritten without the key), "unknown_key" (a key id no configured key has),
    # "forged_anchor" (an anchor whose MAC does not hold)
    reason: str


def first_broken_link(
    events: Iterable[tuple[int, Mapping, str, str]], keys: Mapping[str, bytes] | None = None
) -> BrokenLink | None:
    """Walk (seq, fields, prev_hash, hash) in seq order; return the first link that does not hold.
    `keys` maps key ids to keys (the current one and retired ones); fields carry "key_id" when keyed.

    - "missing": a sequence number is skipped (a row was deleted);
    - "relinked": prev_hash does not match the previous row's hash;
    - "altered": the row's content no longer matches its own hash;
    - "unkeyed": a row without a key after keyed rows (recomputed by someone without the key);
    - "unknown_key": the row names a key that is not configured (it cannot be verified).
    """
    keys = keys or {}
    expected_seq, previous, keyed = 1, GENESIS_HASH, False
    for seq, fields, prev_hash, stored_hash in events:
        if seq != expected_seq:
            return BrokenLink(expected_seq, "missing")
        if prev_hash != previous:
            return BrokenLink(seq, "relinked")
        name = fields.get("key_id") or ""
        key = None
        if name:
            key = keys.get(name)
            if key is None:
                return BrokenLink(seq, "unknown_key")
            keyed = True
        elif keyed:
            return BrokenLink(seq, "unkeyed")
        if event_hash(fields, prev_hash, key) != stored_hash:
            return BrokenLink(seq, "altered")
        expected_seq, previous = seq + 1, stored_hash
    return None


@dataclass(frozen=True)
class Anchor:
    """The chain head at a moment, written outside the database (a file, the nightly mail)."""

    seq: int
    hash: str
    at: str  # ISO time the anchor was taken
    key_id: str
    mac: str

    def as_dict(self) -> dict:
        return {"seq": self.seq, "hash": self.hash, "at": self.at, "key_id": self.key_id, "mac": self.mac}


def anchor_mac(seq: int, chain_hash: str, at: str, key: bytes) -> str:
    return hmac.new(key, f"xindang audit anchor|{seq}|{chain_hash}|{at}".encode(), hashlib.sha256).hexdigest()


def make_anchor(seq: int, chain_hash: str, at: str, key: bytes) -> Anchor:
    return Anchor(seq, chain_hash, at, key_id(key), anchor_mac(seq, chain_hash, at, key))


def anchor_break(
    anchors: Iterable[Anchor],
    hash_at: Callable[[int], str | None],
    head_seq: int,
    keys: Mapping[str, bytes],
) -> BrokenLink | None:
    """Hold the chain against its anchors, in sequence order. An anchor says "at time T the chain
    reached seq S with hash H": the row S must still exist with hash H, and the head must not be
    behind S (a deleted tail with a rewound head). An anchor whose MAC fails was forged."""
    for anchor in sorted(anchors, key=lambda a: a.seq):
        key = keys.get(anchor.key_id)
        if key is None or not hmac.compare_digest(
            anchor_mac(anchor.seq, anchor.hash, anchor.at, key), anchor.mac
        ):
            return BrokenLink(anchor.seq, "forged_anchor")
        if anchor.seq == 0:
            continue
        if anchor.seq > head_seq:
            return BrokenLink(head_seq + 1, "missing")
        stored = hash_at(anchor.seq)
        if stored is None:
            return BrokenLink(anchor.seq, "missing")
        if stored != anchor.hash:
            return BrokenLink(anchor.seq, "altered")
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

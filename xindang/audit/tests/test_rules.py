"""The hash chain's checks, without a database: rows are dicts shaped like AuditEvent rows."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xindang.audit import rules
from xindang.audit.rules import GENESIS_HASH, BrokenLink, event_hash, first_broken_link, tail_break

HASHED = [
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
]


def make_rows(contents: list[dict]) -> list[dict]:
    """A valid chain: each row's hash covers its fields and the previous row's hash."""
    rows, prev = [], GENESIS_HASH
    for seq, content in enumerate(contents, start=1):
        fields = {
            "seq": seq,
            "at": f"2026-03-01T08:00:{seq % 60:02d}.000000+00:00",
            "actor_id": 7,
            "actor_name": "张三",
            "ip": "10.0.0.8",
            "action": "customer.view",
            "object_type": "customers.customer",
            "object_id": str(seq),
            "object_repr": "华夏科技有限公司",
            "purpose": "",
            "data": {},
            **content,
        }
        row = {**fields, "prev_hash": prev, "hash": event_hash(fields, prev)}
        rows.append(row)
        prev = row["hash"]
    return rows


def links(rows: list[dict]) -> list[tuple]:
    """What verify_chain feeds first_broken_link: rows in seq order, as the database returns them."""
    return [
        (r["seq"], {k: r[k] for k in HASHED}, r["prev_hash"], r["hash"])
        for r in sorted(rows, key=lambda r: r["seq"])
    ]


def altered(rows, index, **changes):
    return [({**r, **changes} if i == index else r) for i, r in enumerate(rows)]


def rehashed(row: dict) -> dict:
    """The row rewritten by someone who knows the algorithm: its own hash recomputed."""
    return {**row, "hash": event_hash({k: row[k] for k in HASHED}, row["prev_hash"])}


FIVE = make_rows([{} for _ in range(5)])

CASES = [
    ("intact chain", FIVE, None),
    ("empty chain", [], None),
    ("content of the third row changed", altered(FIVE, 2, object_repr="篡改公司"), BrokenLink(3, "altered")),
    ("details of the first row changed", altered(FIVE, 0, data={"purpose": "x"}), BrokenLink(1, "altered")),
    (
        "time of the last row changed",
        altered(FIVE, 4, at="2026-03-02T08:00:00.000000+00:00"),
        BrokenLink(5, "altered"),
    ),
    ("stored hash overwritten", altered(FIVE, 1, hash="f" * 64), BrokenLink(2, "altered")),
    ("middle row deleted", FIVE[:2] + FIVE[3:], BrokenLink(3, "missing")),
    ("first row deleted", FIVE[1:], BrokenLink(1, "missing")),
    ("previous hash pointer changed", altered(FIVE, 3, prev_hash="0" * 64), BrokenLink(4, "relinked")),
    (
        "row rewritten with its hash recomputed",
        [*FIVE[:2], rehashed({**FIVE[2], "actor_name": "李四"}), *FIVE[3:]],
        BrokenLink(4, "relinked"),
    ),
    # A deleted LAST row leaves a valid shorter chain: only the chain head can tell (tail_break below).
    ("last row deleted", FIVE[:4], None),
]


@pytest.mark.parametrize(("rows", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_first_broken_link(rows, expected):
    assert first_broken_link(links(rows)) == expected


H = "a" * 64
TAIL_CASES = [
    ("ends at the head", (5, H, 5, H), None),
    ("empty log, fresh head", (0, GENESIS_HASH, 0, GENESIS_HASH), None),
    ("last row deleted", (4, "b" * 64, 5, H), BrokenLink(5, "missing")),
    ("every row deleted", (0, GENESIS_HASH, 3, H), BrokenLink(1, "missing")),
    ("last row rewritten with a recomputed hash", (5, "c" * 64, 5, H), BrokenLink(5, "altered")),
    ("rows beyond the head", (6, "d" * 64, 5, H), BrokenLink(6, "unrecorded")),
]


@pytest.mark.parametrize(("args", "expected"), [c[1:] for c in TAIL_CASES], ids=[c[0] for c in TAIL_CASES])
def test_tail_break(args, expected):
    assert tail_break(*args) == expected


def test_the_hash_depends_on_the_previous_hash():
    fields = {"seq": 1, "action": "auth.login"}
    assert event_hash(fields, GENESIS_HASH) != event_hash(fields, "1" * 64)


# --- property: any single alteration of any column of any row is detected ------------------------

contents = st.lists(
    st.fixed_dictionaries(
        {
            "actor_name": st.text(max_size=8),
            "object_repr": st.text(max_size=12),
            "purpose": st.sampled_from(["", "年度复核", "授信审批"]),
            "data": st.dictionaries(st.text(max_size=4), st.integers() | st.text(max_size=4), max_size=3),
        }
    ),
    min_size=1,
    max_size=12,
)
new_values = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=10)
    | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)


def _as_json(value) -> str:
    return json.dumps(value, sort_keys=True, default=str)


@settings(max_examples=300, deadline=None)
@given(contents=contents, data=st.data())
def test_any_single_alteration_is_detected(contents, data):
    rows = make_rows(contents)
    index = data.draw(st.integers(0, len(rows) - 1), label="row")
    column = data.draw(st.sampled_from([*HASHED, "prev_hash", "hash"]), label="column")
    original = rows[index][column]
    if column == "seq":  # seq is unique in the table: the row can only move to a free number
        taken = {r["seq"] for r in rows}
        value = data.draw(st.integers(0, 10_000).filter(lambda v: v not in taken), label="new seq")
    else:
        value = data.draw(new_values.filter(lambda v: _as_json(v) != _as_json(original)), label="new value")

    broken = first_broken_link(links(altered(rows, index, **{column: value})))

    assert broken is not None
    if column == "seq":
        assert broken.reason == "missing"
        assert broken.seq <= rows[index]["seq"]  # at the latest where the row used to be
    else:
        assert broken == BrokenLink(rows[index]["seq"], "relinked" if column == "prev_hash" else "altered")


@given(
    st.dictionaries(
        st.sampled_from(["action", "actor_id", "actor_name", "data", "key_id", "object_repr", "purpose"]),
        st.one_of(
            st.none(),
            st.integers(),
            st.text(),
            st.dictionaries(st.text(max_size=5), st.one_of(st.text(max_size=8), st.integers())),
        ),
    ),
    st.integers(min_value=1),
    st.text(),
    st.one_of(st.none(), st.text(max_size=20)),
)
def test_a_hash_from_payload_parts_is_the_event_hash(fields, seq, object_id, ip):
    """The import's audit events are hashed from payloads made ahead (payload_parts) with the values
    known only under the chain's lock filled in: the same hash as event_hash()."""
    at = "2026-12-07T04:00:00.123456+00:00"
    prev = "a" * 64
    full = {**fields, "seq": seq, "at": at, "object_id": object_id, "ip": ip}
    dynamic = ("at", "ip", "object_id", "prev_hash", "seq")
    parts = rules.payload_parts({**full, "seq": 0, "at": "", "object_id": "", "ip": None}, dynamic)
    dumped = {
        "at": json.dumps(at, ensure_ascii=False),
        "ip": json.dumps(ip, ensure_ascii=False),
        "object_id": json.dumps(object_id, ensure_ascii=False),
        "prev_hash": json.dumps(prev),
        "seq": str(seq),
    }
    values = [dumped[name] for name in rules.dynamic_order(dynamic)]
    for key in (None, b"k" * 32):
        assert rules.hash_of_parts(parts, values, key) == rules.event_hash(full, prev, key)

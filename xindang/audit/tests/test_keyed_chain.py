"""The keyed chain and its anchors: tampering found without trusting the database (SQL access is not
enough to rewrite the log unseen)."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from xindang.audit.checks import audit_key_check
from xindang.audit.models import AuditChainHead, AuditEvent
from xindang.audit.rules import (
    GENESIS_HASH,
    BrokenLink,
    anchor_break,
    event_hash,
    first_broken_link,
    key_id,
    make_anchor,
)
from xindang.audit.services import hashed_fields, record_event

KEY = b"k" * 32
OTHER = b"o" * 32


def chain(count: int, *, keyed_from: int = 1, key: bytes = KEY) -> list[tuple]:
    """(seq, fields, prev_hash, hash) rows; rows before `keyed_from` are legacy (plain SHA-256)."""
    rows, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        fields = {"seq": seq, "action": "customer.view", "object_id": str(seq)}
        use = key if seq >= keyed_from else None
        if use is not None:
            fields["key_id"] = key_id(use)
        digest = event_hash(fields, prev, use)
        rows.append((seq, fields, prev, digest))
        prev = digest
    return rows


def recompute_from(rows: list[tuple], index: int, change: dict, key: bytes | None) -> list[tuple]:
    """What someone with SQL access does: change a row and recompute every later hash with `key`."""
    out, prev = list(rows[:index]), rows[index - 1][3] if index else GENESIS_HASH
    for seq, fields, _, _ in rows[index:]:
        fields = {k: v for k, v in fields.items() if k != "key_id"}
        fields.update(change if seq == rows[index][0] else {})
        if key is not None:
            fields["key_id"] = key_id(KEY)  # claims the real key's id
        digest = event_hash(fields, prev, key)
        out.append((seq, fields, prev, digest))
        prev = digest
    return out


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (chain(5), None),
        (chain(5, keyed_from=3), None),  # legacy rows, then keyed ones: both verify
        (recompute_from(chain(5), 2, {"object_id": "99"}, None), BrokenLink(3, "unkeyed")),
        (recompute_from(chain(5), 2, {"object_id": "99"}, OTHER), BrokenLink(3, "altered")),
        (chain(3, key=OTHER), BrokenLink(1, "unknown_key")),
    ],
    ids=[
        "keyed",
        "legacy-then-keyed",
        "recomputed-without-key",
        "recomputed-with-a-guessed-key",
        "foreign-key",
    ],
)
def test_a_chain_recomputed_without_the_key_is_found(rows, expected):
    assert first_broken_link(rows, {key_id(KEY): KEY}) == expected


def test_a_retired_key_still_verifies_its_rows():
    rows = chain(4, key=OTHER)
    assert first_broken_link(rows, {key_id(KEY): KEY, key_id(OTHER): OTHER}) is None


def _hashes(rows):
    return {seq: digest for seq, _, _, digest in rows}


@pytest.mark.parametrize(
    ("head_seq", "tamper", "expected"),
    [
        (5, {}, None),
        (3, {}, BrokenLink(4, "missing")),  # tail 4–5 deleted, head rewound to 3
        (5, {4: "f" * 64}, BrokenLink(4, "altered")),  # the anchored row rewritten
        (5, {4: None}, BrokenLink(4, "missing")),
    ],
)
def test_the_last_anchor_finds_a_truncated_or_rewritten_tail(head_seq, tamper, expected):
    rows = chain(5)
    hashes = {**_hashes(rows), **tamper}
    anchors = [
        make_anchor(2, hashes[2], "2026-12-01T02:30:00+08:00", KEY),
        make_anchor(4, rows[3][3], "t", KEY),
    ]
    assert anchor_break(anchors, hashes.get, head_seq, {key_id(KEY): KEY}) == expected


def test_an_anchor_written_without_the_key_is_forged():
    rows = chain(3)
    forged = make_anchor(3, rows[2][3], "t", OTHER)
    real = make_anchor(3, rows[2][3], "t", KEY)
    moved = real.__class__(2, real.hash, real.at, real.key_id, real.mac)
    keys = {key_id(KEY): KEY}
    assert anchor_break([forged], _hashes(rows).get, 3, keys) == BrokenLink(3, "forged_anchor")
    assert anchor_break([moved], _hashes(rows).get, 3, keys) == BrokenLink(2, "forged_anchor")


# --- against the real table ---------------------------------------------------------------------


@pytest.fixture
def anchor_file(tmp_path, settings):
    settings.XINDANG_AUDIT_ANCHOR_FILE = tmp_path / "anchors" / "audit.jsonl"
    return settings.XINDANG_AUDIT_ANCHOR_FILE


def verify(*args) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_events_are_signed_with_the_configured_key(salesperson, settings):
    event = record_event("customer.view", actor=salesperson)
    assert event.key_id == key_id(settings.XINDANG_AUDIT_KEY)
    assert event.hash == event_hash(hashed_fields(event), GENESIS_HASH, settings.XINDANG_AUDIT_KEY)
    assert event.hash != event_hash(hashed_fields(event), GENESIS_HASH)  # not a plain SHA-256


@pytest.mark.django_db
def test_without_the_key_the_log_does_not_verify(salesperson, settings):
    record_event("customer.view", actor=salesperson)
    assert "BROKEN" not in verify()
    settings.XINDANG_AUDIT_KEY = OTHER  # another installation's key, or a guess
    with pytest.raises(CommandError, match="seq 1: unknown_key"):
        verify()


@pytest.mark.django_db
def test_a_row_rewritten_with_a_plain_hash_is_found(salesperson, audit_tampering):
    for _ in range(3):
        record_event("customer.view", actor=salesperson)
    row = AuditEvent.objects.get(seq=3)
    row.key_id, row.purpose = "", "改写"
    AuditEvent.objects.filter(seq=3).update(
        key_id="", purpose="改写", hash=event_hash(hashed_fields(row), row.prev_hash)
    )
    AuditChainHead.objects.filter(pk=1).update(last_hash=event_hash(hashed_fields(row), row.prev_hash))
    with pytest.raises(CommandError, match="seq 3: unkeyed"):
        verify()


@pytest.mark.django_db
def test_a_truncated_tail_is_found_from_the_last_anchor(salesperson, anchor_file, audit_tampering):
    for _ in range(5):
        record_event("customer.view", actor=salesperson)
    printed = verify("--anchor")
    assert printed.startswith("OK: 5 events")
    anchor = json.loads(anchor_file.read_text().splitlines()[-1])
    assert (anchor["seq"], f"anchor: {json.dumps(anchor, sort_keys=True)}") == (5, printed.splitlines()[-1])

    # someone with SQL deletes the last two events and rewinds the chain head to the third
    AuditEvent.objects.filter(seq__gt=3)._raw_delete(AuditEvent.objects.db)
    third = AuditEvent.objects.get(seq=3)
    AuditChainHead.objects.filter(pk=1).update(last_seq=3, last_hash=third.hash)

    assert verify().startswith("OK: 3 events")  # the chain alone cannot see it
    with pytest.raises(CommandError, match="seq 4: missing"):
        verify("--anchors")


@pytest.mark.django_db
def test_anchors_that_hold_are_reported(salesperson, anchor_file):
    record_event("customer.view", actor=salesperson)
    verify("--anchor")
    record_event("customer.view", actor=salesperson)
    verify("--anchor")
    assert verify("--anchors", str(anchor_file)).startswith("OK: 2 events, chain intact, 2 anchors hold")


@pytest.mark.django_db
def test_a_damaged_anchor_file_is_refused(anchor_file):
    anchor_file.parent.mkdir(parents=True)
    anchor_file.write_text('{"seq": 1}\n')
    with pytest.raises(CommandError, match="line 1"):
        verify("--anchors")
    with pytest.raises(CommandError, match="no anchor file"):
        verify("--anchors", str(anchor_file) + ".missing")


@pytest.mark.django_db
@pytest.mark.skipif("connection.vendor == 'sqlite'", reason="triggers guard PostgreSQL and MariaDB")
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET purpose = 'x' WHERE seq = 1", "DELETE FROM {table}"]
)
def test_the_database_refuses_to_change_or_delete_audit_rows(salesperson, statement):
    record_event("customer.view", actor=salesperson)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement.format(table=AuditEvent._meta.db_table))
    assert AuditEvent.objects.get(seq=1).purpose == ""
    assert "chain intact" in verify()


@pytest.mark.parametrize(("derived", "ids"), [(True, ["xindang.audit.W001"]), (False, [])])
def test_check_deploy_warns_when_the_chain_key_is_derived(settings, derived, ids):
    settings.XINDANG_AUDIT_KEY_DERIVED = derived
    assert [m.id for m in audit_key_check()] == ids

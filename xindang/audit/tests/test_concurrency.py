"""The audit chain under parallel writers: gap-free seq and an intact hash chain on every engine."""

import pytest
from django.db import transaction

from xindang.audit.models import AuditChainHead, AuditEvent
from xindang.audit.rules import first_broken_link
from xindang.audit.services import chain_keys, hashed_fields, record_event, record_events, spec
from xindang.testing.concurrency import THREADS, run_concurrently

PER_THREAD = 10

pytestmark = [pytest.mark.multidb, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class Boom(Exception):
    pass


def chain_rows():
    return [(e.seq, hashed_fields(e), e.prev_hash, e.hash) for e in AuditEvent.objects.order_by("seq")]


def test_parallel_events_form_one_unbroken_chain():
    # given no event was ever written (the chain head does not exist yet: writers race to create it)
    AuditChainHead.objects.all().delete()
    assert not AuditEvent.objects.exists()

    # when THREADS writers append PER_THREAD events each, all at once
    def append(i):
        return [
            record_event("test.parallel", object_type="test", object_id=f"{i}-{n}", data={"n": n}).seq
            for n in range(PER_THREAD)
        ]

    results = run_concurrently(append)

    # then seq is 1..N with no gap or duplicate, and every link holds
    seqs = sorted(s for r in results for s in r)
    assert seqs == list(range(1, THREADS * PER_THREAD + 1))
    rows = chain_rows()
    assert [r[0] for r in rows] == seqs
    assert first_broken_link(rows, chain_keys()) is None
    head = AuditChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (rows[-1][0], rows[-1][3])


def test_parallel_batches_and_rolled_back_events_leave_no_gap():
    # given writers append batches, and every other batch rolls back with the action it belonged to
    def append(i):
        kept = []
        for n in range(PER_THREAD // 2):
            batch = [spec("test.batch", object_type="test", object_id=f"{i}-{n}-{k}") for k in range(3)]
            try:
                with transaction.atomic():
                    events = record_events(batch)
                    if (i + n) % 2:
                        raise Boom
            except Boom:
                continue
            kept.extend(e.seq for e in events)
        return kept

    results = run_concurrently(append)

    # then only committed events are in the chain, numbered without gaps, and the chain is intact
    kept = sorted(s for r in results for s in r)
    rows = chain_rows()
    assert kept == [r[0] for r in rows] == list(range(1, len(kept) + 1))
    assert len(kept) < THREADS * (PER_THREAD // 2) * 3, "the test must roll some batches back"
    assert first_broken_link(rows, chain_keys()) is None

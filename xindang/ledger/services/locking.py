"""The ledger's lock point: each customer's Exposure row, locked (SELECT … FOR UPDATE) by every write
that changes what the customer owes or holds — the one lock point the credit check shares."""

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from xindang.core.numbering import ensure_row

from ..models import ZERO, Exposure
from ..selectors import fetch_exposure


def _zero_row(customer_id) -> dict:
    return dict(customer_id=customer_id, **dict.fromkeys(Exposure.FIGURES, ZERO), updated_at=timezone.now())


def lock_exposure(customer_id) -> Exposure:
    """Lock the customer's Exposure row (SELECT … FOR UPDATE), creating it if missing, and return it.
    The one lock point that postings and the credit check share; must run inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_exposure() must run inside transaction.atomic()")
    customer_id = int(getattr(customer_id, "pk", customer_id))
    row = fetch_exposure(customer_id, for_update=True)
    if row is None:
        # Race-safe on all three engines: see core.numbering.ensure_row.
        values = _zero_row(customer_id)
        values["updated_at"] = transaction.get_connection().ops.adapt_datetimefield_value(
            values["updated_at"]
        )
        ensure_row(Exposure, **values)
        row = fetch_exposure(customer_id, for_update=True)
    return row


def lock_exposures(customer_ids) -> dict[int, Exposure]:
    """lock_exposure() for many customers at once, in customer order (so two batches never wait on each
    other crosswise); {customer id: Exposure}."""
    ids = sorted(set(customer_ids))
    rows: dict[int, Exposure] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        rows.update(
            {e.customer_id: e for e in Exposure.objects.select_for_update().filter(customer_id__in=chunk)}
        )
    missing = [cid for cid in ids if cid not in rows]
    if missing:
        _insert_missing(missing)
        for i in range(0, len(missing), 500):
            chunk = missing[i : i + 500]
            rows.update(
                {e.customer_id: e for e in Exposure.objects.select_for_update().filter(customer_id__in=chunk)}
            )
    return rows


def _insert_missing(customer_ids: list[int]) -> None:
    """Create zero Exposure rows, race-safe, many at once (the bulk form of core.numbering.ensure_row:
    in the caller's transaction on PostgreSQL and SQLite, committed at once on a connection of its own
    on MariaDB so no duplicate-key shared lock is held)."""
    connection = transaction.get_connection()
    if connection.vendor != "mysql" or not settings.XINDANG_OWN_CONNECTION_INSERTS:
        Exposure.objects.bulk_create(
            [Exposure(**_zero_row(cid)) for cid in customer_ids], ignore_conflicts=True, batch_size=1000
        )
        return
    qn = connection.ops.quote_name
    names = ["customer_id", *Exposure.FIGURES, "updated_at"]
    cols = ", ".join(qn(Exposure._meta.get_field(n).column) for n in names)
    marks = ", ".join(["%s"] * len(names))
    first = qn("customer_id")
    sql = f"INSERT INTO {qn(Exposure._meta.db_table)} ({cols}) VALUES ({marks}) ON DUPLICATE KEY UPDATE {first} = {first}"  # noqa: S608,E501
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    own = connections.create_connection(connection.alias)
    try:
        with own.cursor() as cursor:
            cursor.executemany(sql, [[cid, *([ZERO] * len(Exposure.FIGURES)), now] for cid in customer_ids])
    finally:
        own.close()

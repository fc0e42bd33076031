"""Gap-free, never-reused business numbers (file numbers 按部门编号, seed 000 4.2)."""

from django.conf import settings
from django.db import OperationalError, connections, transaction

from .models import Sequence


def allocate(key: str, count: int = 1) -> int:
    """Reserve `count` consecutive numbers under `key` and return the first.

    Must run inside the transaction that stores the numbered rows: the row lock is held until that
    transaction ends, so concurrent writers queue; a rollback releases the numbers unused (no gaps).
    """
    if count < 1:
        raise ValueError("count must be positive")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbering.allocate() must run inside transaction.atomic()")
    locked = Sequence.objects.select_for_update().filter(key=key)
    seq = next(iter(locked), None)  # no ORDER BY: a locking read must use the unique index on key only
    if seq is None:
        ensure_row(Sequence, key=key, last_value=0)
        seq = locked.get()
    first = seq.last_value + 1
    seq.last_value += count
    seq.save(update_fields=["last_value"])
    return first


# How long ensure_row's own connection waits for a lock before it inserts in the caller's transaction.
OWN_INSERT_WAIT_SECONDS = 3


def ensure_row(model, **values) -> None:
    """Insert a row with `values` unless one with the same first value (a unique column) exists.

    For singleton and counter rows that concurrent writers may all find missing (also the audit
    chain head). Not get_or_create: on MariaDB/MySQL a failed duplicate insert keeps a *shared* lock,
    and writers that hold it and then ask for the exclusive lock of SELECT … FOR UPDATE deadlock
    (error 1213). Nor an upsert in the caller's transaction: if that transaction rolls back, the
    writers waiting on the row inherit gap locks and deadlock on their own inserts. So on MySQL the
    row is committed at once on a connection of its own (it is harmless: an unused counter at zero);
    PostgreSQL and SQLite wait on conflicts without such locks and insert in the caller's transaction.
    `XINDANG_OWN_CONNECTION_INSERTS = False` keeps the insert in the caller's transaction on MySQL too:
    for code that runs inside one wrapping transaction with no concurrent writer (the test suite's
    per-test transaction, where a row committed elsewhere would outlive the test and could not see
    the rows it refers to).
    """
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    columns = [qn(model._meta.get_field(name).column) for name in values]
    params = list(values.values())
    # Identifiers come from the model's metadata, values are bound: nothing here comes from a user.
    marks = ", ".join(["%s"] * len(params))
    insert = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    if connection.vendor != "mysql":
        with connection.cursor() as cursor:
            cursor.execute(f"{insert} ON CONFLICT ({columns[0]}) DO NOTHING", params)
        return
    upsert = f"{insert} ON DUPLICATE KEY UPDATE {columns[0]} = {columns[0]}"
    if not settings.XINDANG_OWN_CONNECTION_INSERTS:
        with connection.cursor() as cursor:
            cursor.execute(upsert, params)
        return
    own = connections.create_connection(connection.alias)  # autocommit
    try:
        with own.cursor() as cursor:
            cursor.execute(f"SET SESSION innodb_lock_wait_timeout = {OWN_INSERT_WAIT_SECONDS}")
            cursor.execute(upsert, params)
    except OperationalError as exc:
        if exc.args[:1] != (1205,):  # not "lock wait timeout exceeded"
            raise
        # The insert waited for this very transaction: InnoDB lets a locking read of a missing key
        # lock the delete-marked remains of a removed row (not yet purged), which the other
        # connection's insert must then wait for — a deadlock across two connections that InnoDB
        # cannot see. Insert in the caller's transaction instead, which holds that lock already.
        with connection.cursor() as cursor:
            cursor.execute(upsert, params)
    finally:
        own.close()


def format_number(pattern: str, **values) -> str:
    """Fill a numbering pattern such as "{dept}-{year}-{seq:05d}" (policy: core.file_no_format)."""
    return pattern.format(**values)

"""Gap-free, never-reused business numbers (file numbers 按部门编号, seed 000 4.2)."""

from django.db import transaction

from .models import Sequence


def allocate(key: str, count: int = 1) -> int:
    """Reserve `count` consecutive numbers under `key` and return the first.

    Must run inside the transaction that stores the numbered rows: the row lock is held until that
    transaction ends, so concurrent writers queue; a rollback releases the numbers unused (no gaps).
    """
    if count < 1:
        raise ValueError("count must be positive")
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("numbering.allocate() must run inside transaction.atomic()")
    locked = Sequence.objects.select_for_update().filter(key=key)
    seq = next(iter(locked), None)  # no ORDER BY: a locking read must use the unique index on key only
    if seq is None:
        _create_counter(connection, key)
        seq = locked.get()
    first = seq.last_value + 1
    seq.last_value += count
    seq.save(update_fields=["last_value"])
    return first


def _create_counter(connection, key: str) -> None:
    """Insert the counter row, or do nothing if a concurrent writer just did (it waits for that
    writer's commit). One statement, no savepoint and no IntegrityError: on MariaDB/MySQL a failed
    duplicate insert leaves a *shared* lock on the row, and two writers that hold it and then ask
    for the exclusive lock of SELECT … FOR UPDATE deadlock (error 1213, seen with 8 parallel writers).
    ON DUPLICATE KEY UPDATE takes the exclusive lock straight away, so the writers simply queue."""
    if connection.vendor == "mysql":
        sql = (
            "INSERT INTO core_sequence (`key`, last_value) VALUES (%s, 0) "
            "ON DUPLICATE KEY UPDATE last_value = last_value"
        )
    else:  # PostgreSQL, SQLite >= 3.24
        sql = 'INSERT INTO core_sequence ("key", last_value) VALUES (%s, 0) ON CONFLICT ("key") DO NOTHING'
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])


def format_number(pattern: str, **values) -> str:
    """Fill a numbering pattern such as "{dept}-{year}-{seq:05d}" (policy: core.file_no_format)."""
    return pattern.format(**values)

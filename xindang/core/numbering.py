"""Gap-free, never-reused business numbers (file numbers 按部门编号, seed 000 4.2)."""

from django.db import IntegrityError, transaction

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
    seq = Sequence.objects.select_for_update().filter(key=key).first()
    if seq is None:
        try:
            with transaction.atomic():  # savepoint: a concurrent creator may win the insert
                Sequence.objects.create(key=key, last_value=0)
        except IntegrityError:
            pass
        seq = Sequence.objects.select_for_update().get(key=key)
    first = seq.last_value + 1
    seq.last_value += count
    seq.save(update_fields=["last_value"])
    return first


def format_number(pattern: str, **values) -> str:
    """Fill a numbering pattern such as "{dept}-{year}-{seq:05d}" (policy: core.file_no_format)."""
    return pattern.format(**values)

"""numbering.allocate(): gap-free, never-reused business numbers (按部门编号, seed 000 4.2)."""

import pytest
from django.db import transaction

from xindang.core import numbering
from xindang.core.models import Sequence


class Boom(Exception):
    """A failure after the number was taken (the save that needed it does not commit)."""


def allocate_committed(key: str, count: int = 1) -> int:
    with transaction.atomic():
        return numbering.allocate(key, count)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_allocate_outside_a_transaction_is_refused():
    # (a plain `db` test runs inside a transaction, so this one needs a transactional test)
    with pytest.raises(RuntimeError):
        numbering.allocate("t.outside")
    assert not Sequence.objects.filter(key="t.outside").exists()


@pytest.mark.parametrize("count", [0, -1])
def test_allocate_needs_a_positive_count(db, count):
    with transaction.atomic(), pytest.raises(ValueError):
        numbering.allocate("t.count", count)


def test_a_new_key_starts_at_one_and_counts_up(db):
    assert [allocate_committed("t.new") for _ in range(3)] == [1, 2, 3]
    assert Sequence.objects.get(key="t.new").last_value == 3


def test_a_block_of_numbers_is_reserved_consecutively(db):
    assert allocate_committed("t.block", 5) == 1
    assert allocate_committed("t.block") == 6


def test_keys_count_independently(db):
    # given one department has numbered two files
    allocate_committed("customer.file_no:XS1:2026")
    allocate_committed("customer.file_no:XS1:2026")
    # then another department and another year still start at one
    assert allocate_committed("customer.file_no:XS2:2026") == 1
    assert allocate_committed("customer.file_no:XS1:2027") == 1


def test_a_rolled_back_save_gives_its_number_back(db):
    # given a committed number
    assert allocate_committed("t.rollback") == 1
    # when the next save takes number 2 and then fails
    with pytest.raises(Boom), transaction.atomic():
        assert numbering.allocate("t.rollback") == 2
        raise Boom
    # then number 2 goes to the next save: no gap
    assert allocate_committed("t.rollback") == 2


def test_a_failed_first_save_leaves_no_gap_for_a_new_key(db):
    with pytest.raises(Boom), transaction.atomic():
        numbering.allocate("t.first-fails")
        raise Boom
    assert allocate_committed("t.first-fails") == 1


def test_a_failure_in_an_inner_savepoint_gives_the_number_back(db):
    with transaction.atomic():
        assert numbering.allocate("t.savepoint") == 1
        with pytest.raises(Boom), transaction.atomic():
            assert numbering.allocate("t.savepoint") == 2
            raise Boom
        assert numbering.allocate("t.savepoint") == 2


def test_format_number_fills_the_policy_pattern():
    filled = numbering.format_number("{dept}-{year}-{seq:05d}", dept="XS1", year=2026, seq=17)
    assert filled == "XS1-2026-00017"

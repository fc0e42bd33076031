"""Concurrent writers get gap-free, unique numbers on every engine (SQLite, PostgreSQL, MariaDB).

Each test starts THREADS writers together (a barrier), each on its own connection, all numbering
files of the same department in the same year — the first of them also races to create the counter.
"""

import pytest
from django.db import transaction

from conftest import make_credit_code
from xindang.accounts.models import User
from xindang.core import numbering
from xindang.core.models import Sequence
from xindang.customers import rules, services
from xindang.customers.models import Customer
from xindang.testing.concurrency import THREADS, run_concurrently

PER_THREAD = 5

pytestmark = [pytest.mark.multidb, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class Boom(Exception):
    """A failure after the file was numbered and saved, inside the same transaction."""


def seq_of(file_no: str) -> int:
    return int(file_no.rsplit("-", 1)[1])


def open_files(user_pk: int, thread: int, codes: list[str], fail=lambda attempt: False):
    """Create PER_THREAD files as `user`; attempts for which fail(attempt) is true roll back after
    the number was allocated. Returns (committed numbers, numbers that were rolled back)."""
    user = User.objects.select_related("department").get(pk=user_pk)  # this thread's own instance
    committed, rolled_back = [], []
    for attempt in range(PER_THREAD):
        data = {
            "name": f"并发测试{thread}-{attempt}号贸易有限公司",
            "department": user.department,
            "owner": user,
            "credit_code": codes[attempt],
        }
        try:
            with transaction.atomic():
                customer = services.create_customer(by=user, data=data, confirm_similar=True)
                if fail(attempt):
                    rolled_back.append(customer.file_no)
                    raise Boom
        except Boom:
            continue
        committed.append(customer.file_no)
    return committed, rolled_back


def credit_codes() -> list[list[str]]:
    return [[make_credit_code() for _ in range(PER_THREAD)] for _ in range(THREADS)]


def test_parallel_creation_numbers_files_without_gaps_or_duplicates(salesperson):
    codes = credit_codes()

    results = run_concurrently(lambda i: open_files(salesperson.pk, i, codes[i]))

    numbers = [n for committed, _ in results for n in committed]
    assert len(numbers) == THREADS * PER_THREAD
    assert sorted(seq_of(n) for n in numbers) == list(range(1, THREADS * PER_THREAD + 1))
    assert sorted(Customer.objects.values_list("file_no", flat=True)) == sorted(numbers)
    key = rules.file_sequence_key("XS1", int(numbers[0].split("-")[1]))
    assert Sequence.objects.get(key=key).last_value == THREADS * PER_THREAD


def test_parallel_saves_that_fail_give_their_numbers_back_and_never_share_one(salesperson):
    # given every third attempt of each writer fails after its file was numbered
    codes = credit_codes()

    results = run_concurrently(
        lambda i: open_files(salesperson.pk, i, codes[i], fail=lambda attempt: (attempt + i) % 3 == 0)
    )
    # and one more file is opened after everyone finished (it takes the last number if that failed)
    last = services.create_customer(
        by=salesperson,
        data={
            "name": "收尾测试有限公司",
            "department": salesperson.department,
            "owner": salesperson,
            "credit_code": make_credit_code(),
        },
        confirm_similar=True,
    )

    committed = [n for c, _ in results for n in c] + [last.file_no]
    rolled_back = {n for _, r in results for n in r}
    # then no committed number was handed out twice
    assert len(committed) == len(set(committed))
    # and the committed numbers are exactly 1..K: every failed number was reused, none skipped
    assert sorted(seq_of(n) for n in committed) == list(range(1, len(committed) + 1))
    assert rolled_back, "the test must make some saves fail"
    assert rolled_back <= set(committed)
    assert Customer.objects.count() == len(committed)


def test_first_saves_of_the_year_failing_together_block_nobody(salesperson):
    # given every writer's first save fails after numbering: whoever created the year's counter rolls
    # back while the others wait for that row (on MariaDB this used to end in deadlock 1213)
    codes = credit_codes()

    results = run_concurrently(
        lambda i: open_files(salesperson.pk, i, codes[i], fail=lambda attempt: attempt == 0)
    )

    committed = sorted(seq_of(n) for c, _ in results for n in c)
    assert committed == list(range(1, THREADS * (PER_THREAD - 1) + 1))


def test_parallel_allocation_on_a_new_key_starts_at_one_without_collisions():
    # every writer races to create the counter row of a key that does not exist yet
    def allocate_many(_):
        taken = []
        for _ in range(PER_THREAD):
            with transaction.atomic():
                taken.append(numbering.allocate("t.concurrent.new-key"))
        return taken

    results = run_concurrently(allocate_many)

    assert sorted(n for taken in results for n in taken) == list(range(1, THREADS * PER_THREAD + 1))
    assert Sequence.objects.filter(key="t.concurrent.new-key").count() == 1

"""File numbers (档案编号) per department and year, e.g. XS1-2026-00017 (seed 000 4.2; SPEC §1)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import transaction

from xindang.core.errors import DomainError
from xindang.customers import services
from xindang.customers.errors import CustomerError
from xindang.customers.models import Customer

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Boom(Exception):
    pass


def seq_of(file_no: str) -> int:
    return int(file_no.rsplit("-", 1)[1])


def test_file_number_carries_department_year_and_sequence(salesperson, make_customer):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI), tick=False):
        first = make_customer(salesperson, name="华夏科技有限公司")
        second = make_customer(salesperson, name="长城贸易有限公司")
    assert (first.file_no, second.file_no) == ("XS1-2026-00001", "XS1-2026-00002")


def test_each_department_numbers_its_own_files(salesperson, other_salesperson, make_customer):
    make_customer(salesperson, name="华夏科技有限公司")
    theirs = make_customer(other_salesperson, name="长江实业有限公司")
    assert theirs.file_no.startswith("XS2-")
    assert seq_of(theirs.file_no) == 1


def test_numbering_restarts_with_the_year_in_china_time(salesperson, make_customer):
    # 2026-12-31 23:30 in Shanghai is still 2026; 00:30 on 1 January (16:30 UTC the day before) is 2027
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI), tick=False):
        late = make_customer(salesperson, name="华夏科技有限公司")
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC), tick=False):
        new_year = make_customer(salesperson, name="长城贸易有限公司")
    assert late.file_no == "XS1-2026-00001"
    assert new_year.file_no == "XS1-2027-00001"


def test_a_save_that_fails_after_numbering_leaves_no_gap(salesperson, make_customer):
    # given one file exists
    first = make_customer(salesperson, name="华夏科技有限公司")
    # when the next save is refused after its number was allocated (an invalid contact row)
    with pytest.raises(DomainError) as refused:
        make_customer(
            salesperson,
            name="长城贸易有限公司",
            children={"contacts": [{"name": "王经理", "email": "not-an-email"}]},
        )
    assert refused.value.code == CustomerError.INVALID
    assert not Customer.objects.filter(name="长城贸易有限公司").exists()
    # then the next file gets the number that was given back
    after = make_customer(salesperson, name="长江实业有限公司")
    assert seq_of(after.file_no) == seq_of(first.file_no) + 1


def test_a_rolled_back_outer_transaction_gives_the_number_back(salesperson, make_customer):
    with pytest.raises(Boom), transaction.atomic():
        lost = make_customer(salesperson, name="华夏科技有限公司")
        raise Boom
    kept = make_customer(salesperson, name="长城贸易有限公司")
    assert kept.file_no == lost.file_no


def test_a_deleted_files_number_is_never_given_again(salesperson, make_customer):
    # given a committed file that is later removed
    gone = make_customer(salesperson, name="华夏科技有限公司")
    Customer.objects.filter(pk=gone.pk).delete()
    # then a new file does not inherit its number
    new = make_customer(salesperson, name="长城贸易有限公司")
    assert seq_of(new.file_no) == seq_of(gone.file_no) + 1


def test_a_block_of_file_numbers_is_consecutive(dept_xs1):
    with transaction.atomic():
        numbers = services.allocate_file_no(dept_xs1, count=3)
    assert [seq_of(n) for n in numbers] == [1, 2, 3]
    assert len({n.rsplit("-", 1)[0] for n in numbers}) == 1

import pytest
from django.db import connection

from xindang.core.models import Sequence
from xindang.core.pagination import CappedPaginator


@pytest.fixture
def sequences(db):
    # Only this test's rows: on MariaDB a counter row is committed on a connection of its own
    # (core.numbering.ensure_row), so rows of a module-scoped demo may outlive their rollback.
    Sequence.objects.bulk_create([Sequence(key=f"pagination-k{i:03d}") for i in range(25)])
    return Sequence.objects.filter(key__startswith="pagination-k").order_by("key")


@pytest.mark.parametrize(
    ("cap", "count", "capped", "pages"),
    [(None, 25, False, 3), (30, 25, False, 3), (25, 25, False, 3), (20, 21, True, 2), (5, 6, True, 1)],
)
def test_count_stops_at_the_cap(sequences, cap, count, capped, pages):
    paginator = CappedPaginator(sequences, 10, cap=cap)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (count, capped, pages)


def test_last_page_within_the_cap_holds_the_capped_rows(sequences):
    page = CappedPaginator(sequences, 10, cap=20).get_page(99)
    assert page.number == 2 and [s.key for s in page.object_list] == [
        f"pagination-k{i:03d}" for i in range(10, 20)
    ]


def test_an_estimate_only_above_the_threshold_and_only_on_postgresql(sequences):
    # given a threshold of 0 (the planner never estimates fewer than one row): PostgreSQL gives its
    # estimate, which on a table without statistics may be far from 25; the others count exactly
    paginator = CappedPaginator(sequences, 10, cap=None, estimate_above=0)
    assert paginator.count >= 1
    assert paginator.estimated == (connection.vendor == "postgresql")
    if not paginator.estimated:
        assert paginator.count == 25
    # a threshold above the estimate: the exact count
    exact = CappedPaginator(sequences, 10, cap=None, estimate_above=10**9)
    assert (exact.count, exact.estimated) == (25, False)

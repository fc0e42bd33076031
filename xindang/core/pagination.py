"""Pagination whose count stops at a cap: for broad searches, counting every match costs more than
the page itself (bench/README.md); "more than 2,000" is as useful to a reader as the exact number.
Or, for browsing a large table where an exact total is not needed (`estimate_above`), the
planner's estimate on PostgreSQL: counting 90,000 open files visits every one (≈ 90 ms at 100,000)."""

import json
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections


def estimated_count(qs) -> int | None:
    """The planner's estimate of the rows of `qs` on PostgreSQL (EXPLAIN, no rows read); None on the
    other databases, where callers count exactly."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = qs.order_by().query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class CappedPaginator(Paginator):
    def __init__(
        self, object_list, per_page, *, cap: int | None = 2000, estimate_above: int | None = None, **kwargs
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self.estimate_above = estimate_above
        self.estimated = False  # True when count is the planner's estimate ("about 88,000")

    @cached_property
    def count(self) -> int:
        if self.cap is None:
            if self.estimate_above is not None and hasattr(self.object_list, "query"):
                guess = estimated_count(self.object_list)
                if guess is not None and guess > self.estimate_above:
                    self.estimated = True
                    return guess
            return super().count
        return self.object_list[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """True when there are more rows than the count says (only the first `cap` are paged)."""
        return self.cap is not None and self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return -(-self.cap // self.per_page)
        return super().num_pages

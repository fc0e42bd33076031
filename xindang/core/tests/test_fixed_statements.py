"""xindang.core.db: the hot fixed statements bound on the server (PostgreSQL) answer what Django's own
cursor answers, and inline_constants writes every constant as the literal psycopg would send."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from xindang.core import db

pytestmark = pytest.mark.django_db


def test_fetchall_and_fetchone_answer_as_djangos_cursor_and_are_logged():
    sql = "SELECT %s + 1, %s"
    with CaptureQueriesContext(connection) as ctx:
        for n in range(7):  # past psycopg's threshold: prepared from the fifth run on PostgreSQL
            assert db.fetchall(sql, [n, "甲"]) == [(n + 1, "甲")]
            assert db.fetchone(sql, [n, "乙"]) == (n + 1, "乙")
    assert len(ctx) == 14
    assert ctx.captured_queries[0]["sql"].startswith("SELECT")


@pytest.mark.skipif(not db.server_binding(connection), reason="PostgreSQL's literals, bound on the server")
@pytest.mark.parametrize(
    ("value", "answer"),
    [
        ("month", "month"),
        ("10%", "10%"),  # a literal percent sign stays one after the placeholders are read
        ("it's %s", "it's %s"),
        (date(2026, 12, 8), date(2026, 12, 8)),
        (Decimal("12.50"), Decimal("12.50")),
        (-2_000_000_001, -2_000_000_001),
        (None, None),
        (True, True),
    ],
)
def test_inline_constants_writes_each_constant_as_its_literal(value, answer):
    sql = "SELECT %s, %s, '%%' || %s"
    text, kept = db.inline_constants(connection, sql, [value, 7, "x"], keep=[1])
    assert kept == [1]
    assert db.fetchone(text, [7]) == (answer, 7, "%x")


@pytest.mark.skipif(not db.server_binding(connection), reason="PostgreSQL's literals, bound on the server")
def test_a_constant_grouped_by_is_inlined_so_the_server_can_group():
    """PostgreSQL cannot tell DATE_TRUNC($1, d) in SELECT from DATE_TRUNC($2, d) in GROUP BY: bound on
    the server the statement fails; with its constants inlined it answers."""
    sql = (
        "SELECT DATE_TRUNC(%s, d), COUNT(*) FROM (VALUES (DATE '2026-01-05'), (DATE '2026-01-20'), "
        "(DATE '2026-02-01')) AS t(d) WHERE d >= %s GROUP BY DATE_TRUNC(%s, d) ORDER BY 1"
    )
    params = ["month", date(2026, 1, 1), "month"]
    with pytest.raises(Exception, match="GROUP BY"), transaction.atomic():
        db.fetchall(sql, params)
    text, kept = db.inline_constants(connection, sql, params, keep=[1])
    assert kept == [1]
    assert [n for _month, n in db.fetchall(text, [date(2026, 1, 1)])] == [2, 1]

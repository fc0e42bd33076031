"""Hot fixed statements: one round trip, planned once per connection on PostgreSQL.

Django's PostgreSQL backend binds parameters on the client by default (psycopg ClientCursor), so
the server parses and plans every statement anew. For a statement that runs on every credit check —
several scalar subqueries, planned in 0.3 ms and executed in 0.1 ms — or a page's UNION of a dozen
short lists (planned in 3 ms, executed in 0.6 ms), that planning is most of the time. fetchone() and
fetchall() run such a statement bound on the server, prepared from its fifth execution on the
connection, so the server reuses its plan from then on — which pays off with persistent connections
(XINDANG_CONN_MAX_AGE) or many statements in one request. They open a server-side-binding psycopg
cursor on the same connection (same transaction, same error wrapping, seen by Django's query log and
execute wrappers) for the statements they are given; the rest of the site keeps Django's client-side
binding. (Django's own options server_side_binding and prepare_threshold would send every statement
so, and break those that group by an expression with a parameter: see inline_constants.)

Other engines use Django's cursor. Behind a pooler in transaction mode (PgBouncer before 1.21)
prepared statements do not survive; run such setups with session pooling. Only for statements
written with %s placeholders; the SQL text must be the same on each call (cache it) so that psycopg
recognises it. A parameter that the statement repeats inside an expression it also groups by
(DATE_TRUNC(%s, …) in SELECT and GROUP BY) cannot be bound on the server — PostgreSQL cannot tell
the two are equal: inline such constants first (inline_constants).
"""

import re
from contextlib import contextmanager

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql as pg_sql

PREPARE_THRESHOLD = 5  # psycopg's default: prepared from the fifth execution on a connection
_PLACEHOLDER = re.compile(r"(%%|%s)")


def server_binding(db) -> bool:
    """Whether the helpers bind on the server: on PostgreSQL."""
    return db.vendor == "postgresql"


@contextmanager
def _cursor(db):
    if server_binding(db):
        db.ensure_connection()
        raw = db.connection
        if raw.prepare_threshold is None:  # Django turns preparing off; its own cursors never prepare
            raw.prepare_threshold = PREPARE_THRESHOLD
        with db.wrap_database_errors:
            cursor = psycopg.Cursor(raw)
        if db.queries_logged or db.execute_wrappers:
            # Django's wrapper, so that the query log (DEBUG, tests counting queries) and execute
            # wrappers see the statement; otherwise the cursor itself (the wrapper costs a credit
            # check some 5% of its time), with Django's error translation.
            wrapped = db.make_debug_cursor(cursor) if db.queries_logged else db.make_cursor(cursor)
            with wrapped:
                yield wrapped
            return
        with db.wrap_database_errors, cursor:
            yield cursor
        return
    with db.cursor() as cursor:
        yield cursor


def fetchone(sql: str, params) -> tuple | None:
    # The connection object once: each attribute read through django.db.connection looks the
    # thread's connection up again (an asgiref Local), which costs more than the attribute itself.
    with _cursor(connections[DEFAULT_DB_ALIAS]) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def fetchall(sql: str, params, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    with _cursor(connections[using]) as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def inline_constants(db, sql: str, params, keep) -> tuple[str, list[int]]:
    """The statement with every parameter but those at the places in `keep` written in as a literal
    (quoted by psycopg as its client-side binding would), and the places kept, in order. Only where
    server_binding(db): the literals are PostgreSQL's."""
    db.ensure_connection()
    raw = db.connection
    keep = set(keep)
    out, kept, place = [], [], 0
    for token in _PLACEHOLDER.split(sql):
        if token == "%s":
            if place in keep:
                out.append(token)
                kept.append(place)
            else:
                out.append(pg_sql.Literal(params[place]).as_string(raw).replace("%", "%%"))
            place += 1
        else:
            out.append(token)
    if place != len(params):
        raise ValueError(f"inline_constants: {place} placeholders for {len(params)} parameters")
    return "".join(out), kept

"""Hot fixed statements: one round trip, planned once per connection on PostgreSQL.

Django's PostgreSQL backend binds parameters on the client by default (psycopg ClientCursor), so
the server parses and plans every statement anew. For a statement that runs on every credit check —
several scalar subqueries, planned in 0.3 ms and executed in 0.1 ms — that planning is most of the
time. fetchone() runs such a statement bound on the server, prepared from its fifth execution on the
connection, so the server reuses its plan from then on — which pays off with persistent connections
(XINDANG_CONN_MAX_AGE) or many statements in one request:

  * with Django's own options turned on (XINDANG_PG_SERVER_BINDING=1 sets the database OPTIONS
    server_side_binding and prepare_threshold), Django's cursor does exactly that, for every
    statement of the site, and fetchone() simply uses it;
  * otherwise (the default) fetchone() opens a server-side-binding psycopg cursor on the same
    connection (same transaction, same error wrapping) for the statements it is given, and the rest
    of the site keeps Django's client-side binding.

Other engines use Django's cursor. Behind a pooler in transaction mode (PgBouncer before 1.21)
prepared statements do not survive; run such setups with session pooling. Only for statements
written with %s placeholders and no literal '%'; the SQL text must be the same on each call (cache
it) so that psycopg recognises it.
"""

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections

PREPARE_THRESHOLD = 5  # psycopg's default: prepared from the fifth execution on a connection


def fetchone(sql: str, params) -> tuple | None:
    # The connection object once: each attribute read through django.db.connection looks the
    # thread's connection up again (an asgiref Local), which costs more than the attribute itself.
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor == "postgresql" and not db.settings_dict["OPTIONS"].get("server_side_binding"):
        db.ensure_connection()
        raw = db.connection
        if raw.prepare_threshold is None:  # Django turns preparing off; its own cursors never prepare
            raw.prepare_threshold = PREPARE_THRESHOLD
        with db.wrap_database_errors, psycopg.Cursor(raw) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()

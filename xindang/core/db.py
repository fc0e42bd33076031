"""Hot fixed statements: one round trip, planned once per connection on PostgreSQL.

Django's PostgreSQL backend binds parameters on the client (psycopg ClientCursor), so the server
parses and plans every statement anew. For a statement that runs on every credit check — several
scalar subqueries, planned in 0.3 ms and executed in 0.1 ms — that planning is most of the time.
fetchone() runs such a statement through a server-side-binding psycopg cursor on the same
connection (same transaction, same error wrapping): psycopg prepares it on its fifth execution on
the connection and the server reuses the plan from then on — which pays off with persistent
connections (XINDANG_CONN_MAX_AGE) or many statements in one request. Other engines use Django's
cursor.

Behind a pooler in transaction mode (PgBouncer before 1.21) prepared statements do not survive;
run such setups with session pooling. Only for statements written with %s placeholders and no
literal '%'; the SQL text must be the same on each call (cache it) so that psycopg recognises it.
"""


def fetchone(sql: str, params) -> tuple | None:
    from django.db import connection

    if connection.vendor == "postgresql":
        import psycopg

        connection.ensure_connection()
        raw = connection.connection
        if raw.prepare_threshold is None:  # Django turns preparing off; its own cursors never prepare
            raw.prepare_threshold = 5
        with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()

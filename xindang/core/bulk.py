"""Bulk inserts compiled before the transaction that writes them.

Django's bulk_create compiles every value of every row (pre_save, get_db_prep_save, one placeholder
per value in one long statement) when it runs — inside the caller's transaction. For thousands of rows
of a wide table that compilation is most of the transaction's time, and on SQLite the transaction
holds the whole database's write lock meanwhile. A PreparedInsert does the same per-value work
up front (row_of(), outside the transaction) and writes inside it with one plain
`INSERT INTO table (columns) VALUES (%s, …)` run by `cursor.executemany` per chunk: SQLite's
executemany, psycopg's pipelined executemany and PyMySQL's multi-row rewrite of it all take that
statement as it is. The table and column names come from the model's metadata, never from a user;
the values are always bound.

What bulk_create also does and this does not: it sends no signal, runs no save(), and gives the new
rows no ids (read them back by a unique key: ids_by()).
"""

from django.db import connections, router


class PreparedInsert:
    """INSERT of rows of one model: every concrete field but the auto-incremented primary key (or the
    fields named), in the model's field order."""

    def __init__(self, model, *, fields: list[str] | None = None):
        self.model = model
        self.alias = router.db_for_write(model)
        meta = model._meta
        if fields is None:
            self.fields = [f for f in meta.concrete_fields if not (f.primary_key and f.db_returning)]
        else:
            self.fields = [meta.get_field(name) for name in fields]
        connection = connections[self.alias]
        qn = connection.ops.quote_name
        columns = ", ".join(qn(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        self.sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608

    def index(self, attname: str) -> int:
        """Where a field's value sits in a row (to fill in a value known only in the transaction: the
        id of a parent row just written)."""
        for i, f in enumerate(self.fields):
            if f.attname == attname:
                return i
        raise KeyError(attname)

    def row_of(self, obj) -> list:
        """The row's database values, as bulk_create would send them (auto_now(_add) fields are set on
        obj here, as Model.save() would). A list, so that a value known later can be filled in."""
        connection = connections[self.alias]
        return [f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in self.fields]

    def value_of(self, attname: str, value):
        """One field's database value (for a value filled in later)."""
        connection = connections[self.alias]
        return self.fields[self.index(attname)].get_db_prep_save(value, connection=connection)

    def write(self, rows: list, *, chunk: int = 2000) -> None:
        """Insert the rows, in the caller's transaction."""
        if not rows:
            return
        with connections[self.alias].cursor() as cursor:
            for start in range(0, len(rows), chunk):
                cursor.executemany(self.sql, rows[start : start + chunk])


def ids_by(model, key: str, values: list, *, chunk: int = 500, extra: dict | None = None) -> dict:
    """{value of a unique key: id} of rows just written (a bulk insert here gives no ids back)."""
    found = {}
    manager = model._base_manager
    for start in range(0, len(values), chunk):
        rows = manager.filter(**{f"{key}__in": values[start : start + chunk]}, **(extra or {}))
        found.update(rows.values_list(key, "pk"))
    return found


class StagedInsert:
    """SQLite only: a PreparedInsert's rows written, before the transaction, to a TEMP table of the
    same connection (TEMP tables live outside the main database: writing them takes none of its
    locks), and copied inside the transaction by one `INSERT INTO table (…) SELECT … FROM temp.…`:
    one statement instead of one per row, and no binding of values while the lock is held. A row's
    position (1, 2, …) is kept; ids known only in the transaction are given as position + base
    (copy()). The TEMP table is dropped by drop() (and goes with the connection)."""

    def __init__(self, insert: PreparedInsert, name: str):
        self.insert = insert
        self.table = f"xd_stage_{name}"  # a constant of the caller, never a user's
        self.count = 0

    def _cursor(self):
        return connections[self.insert.alias].cursor()

    def stage(self, rows: list) -> None:
        n = len(self.insert.fields)
        columns = ", ".join(f"c{i}" for i in range(n))
        marks = ", ".join(["%s"] * (n + 1))
        with self._cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{self.table}")
            cursor.execute(f"CREATE TEMP TABLE {self.table} (pos integer PRIMARY KEY, {columns})")
            cursor.executemany(
                f"INSERT INTO temp.{self.table} VALUES ({marks})",  # noqa: S608
                [(pos, *row) for pos, row in enumerate(rows, 1)],
            )
        self.count = len(rows)

    def replace(self, rows: dict[int, list]) -> None:
        """Stage again the rows at these positions (prepared again in the transaction)."""
        if not rows:
            return
        marks = ", ".join(["%s"] * (len(self.insert.fields) + 1))
        with self._cursor() as cursor:
            cursor.executemany(
                f"INSERT OR REPLACE INTO temp.{self.table} VALUES ({marks})",  # noqa: S608
                [(pos, *row) for pos, row in rows.items()],
            )

    def copy(self, *, offsets: dict[str, tuple[str, int]]) -> None:
        """In the caller's transaction: insert every staged row. offsets: attname → (source, base),
        the value written being the row's position ("pos") or the staged value ("own") plus base; an
        attname that is no field of the insert (an auto-incremented id) is added as a column."""
        connection = connections[self.insert.alias]
        qn = connection.ops.quote_name
        meta = self.insert.model._meta
        columns, exprs, params = [], [], []
        for i, f in enumerate(self.insert.fields):
            columns.append(qn(f.column))
            if f.attname in offsets:
                source, base = offsets[f.attname]
                exprs.append(("pos" if source == "pos" else f"c{i}") + " + %s")
                params.append(base)
            else:
                exprs.append(f"c{i}")
        for attname, (source, base) in offsets.items():
            if attname not in {f.attname for f in self.insert.fields}:
                if source != "pos":
                    raise ValueError(attname)
                columns.append(qn(meta.get_field(attname).column))
                exprs.append("pos + %s")
                params.append(base)
        sql = (
            f"INSERT INTO {qn(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {', '.join(exprs)} FROM temp.{self.table} ORDER BY pos"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def copy_completed(self, *, values: dict[str, list], constants: dict) -> None:
        """In the caller's transaction: insert every staged row, the fields named in `values` taken
        from those lists (one value per staged row, in order: written to a second TEMP table here,
        which takes no lock of the main database), those in `constants` the same for every row."""
        connection = connections[self.insert.alias]
        qn = connection.ops.quote_name
        names = list(values)
        done = f"{self.table}_done"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{done}")
            columns = ", ".join(f"v{i}" for i in range(len(names)))
            cursor.execute(f"CREATE TEMP TABLE {done} (pos integer PRIMARY KEY, {columns})")
            marks = ", ".join(["%s"] * (len(names) + 1))
            cursor.executemany(
                f"INSERT INTO temp.{done} VALUES ({marks})",  # noqa: S608
                [(pos, *row) for pos, row in enumerate(zip(*values.values(), strict=True), 1)],
            )
            exprs, params = [], []
            for i, f in enumerate(self.insert.fields):
                if f.attname in values:
                    exprs.append(f"d.v{names.index(f.attname)}")
                elif f.attname in constants:
                    exprs.append("%s")
                    params.append(constants[f.attname])
                else:
                    exprs.append(f"s.c{i}")
            cursor.execute(
                f"INSERT INTO {qn(self.insert.model._meta.db_table)} "  # noqa: S608
                f"({', '.join(qn(f.column) for f in self.insert.fields)}) "
                f"SELECT {', '.join(exprs)} FROM temp.{self.table} s JOIN temp.{done} d ON d.pos = s.pos "
                "ORDER BY s.pos",
                params,
            )
            cursor.execute(f"DROP TABLE temp.{done}")

    def drop(self) -> None:
        with self._cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS temp.{self.table}")
            cursor.execute(f"DROP TABLE IF EXISTS temp.{self.table}_done")


def last_id(model) -> int:
    """SQLite, in the caller's transaction: the highest id the table has given (an AUTOINCREMENT
    table never gives one again): rows inserted with ids above it, from last_id + 1 on, are in order."""
    connection = connections[router.db_for_write(model)]
    table, pk = model._meta.db_table, model._meta.pk.column
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "  # noqa: S608
            f"coalesce((SELECT max({qn(pk)}) FROM {qn(table)}), 0))",
            [table],
        )
        return cursor.fetchone()[0]

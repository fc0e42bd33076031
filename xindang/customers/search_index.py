"""Substring search over Customer.search_text, served by an index on every database.

PostgreSQL: the trigram GIN index (migration 0003) serves `search_text LIKE '%q%'` directly.
SQLite: the FTS5 table with the trigram tokenizer that migration 0014 keeps in step by triggers
(customers_customer_search); its LIKE is an index lookup for patterns of three or more characters.
It only narrows (a phrase query of the pattern's trigrams): the same LIKE the ORM path asks is applied
to the narrowed rows, so the answer is exactly the ORM path's (tests/test_search_index.py compares
them). A pattern shorter than three characters, MariaDB, or an SQLite without FTS5/trigram: the ORM
path (`search_text__contains`, a scan of the column).

An import confirm writes thousands of customers in one transaction, which on SQLite holds the
database's write lock; adding their rows to the FTS5 table one by one (the trigger) costs a flush per
statement — seconds for 10,000 rows. So in its transaction the trigger is paused (paused(): migration
0015's pause row, written and removed in that transaction), and after the commit index_range() adds
the new customers in short transactions of a few hundred rows. A crash in between leaves customers
that search does not find until index_missing() adds them (run before each import and when the task
worker starts after one died).
"""

from contextlib import contextmanager

from django.db import connections, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.utils import DatabaseError

TABLE = "customers_customer_search"
PAUSE = "customers_customer_search_pause"
INDEX_CHUNK = 500  # customers indexed per short transaction after an import
# A phrase of the pattern's trigrams: the rows that contain it (case-folded). FTS5's own LIKE on the
# table gives the same rows but took 100-190 ms for a 2,500-row fragment where the phrase takes ~1 ms.
NARROW_SQL = "SELECT rowid FROM customers_customer_search WHERE customers_customer_search MATCH %s"
MIN_LENGTH = 3  # a trigram index needs three characters
# per database (alias, file): whether the FTS table is there; asked once per process and database
_available: dict[tuple[str, str], bool] = {}


def trigram_table_available(using: str = "default") -> bool:
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    key = (using, str(connection.settings_dict["NAME"]))
    if key not in _available:
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
                _available[key] = cur.fetchone() is not None
        except DatabaseError:
            return False
    return _available[key]


def forget_availability() -> None:
    """For a database whose tables changed under a running process (tests, the bench)."""
    _available.clear()


def uses_index(pattern: str, using: str = "default") -> bool:
    return len(pattern) >= MIN_LENGTH and trigram_table_available(using)


def phrase(pattern: str) -> str:
    """The FTS5 query for `pattern` as one phrase: in double quotes, a quote doubled; nothing in it is
    query syntax (LIKE's % and _ are plain characters here, as in the ORM's escaped LIKE)."""
    return '"' + pattern.replace('"', '""') + '"'


def contains(pattern: str, *, using: str = "default", index: bool | None = None) -> Q:
    """Files whose search text contains `pattern` (already normalized). `index=False` forces the ORM
    path (the twin the tests compare with)."""
    plain = Q(search_text__contains=pattern)
    if index is False or not uses_index(pattern, using):
        return plain
    narrowed = RawSQL(NARROW_SQL, [phrase(pattern)])  # noqa: S611 (a constant; the pattern is a parameter)
    return Q(pk__in=narrowed) & plain


@contextmanager
def paused(using: str = "default"):
    """In the caller's transaction: customers inserted inside are not added to the search table by
    its trigger (index them with index_range() after the commit). The pause row is removed before the
    transaction ends, so no other writer ever sees it; a rollback removes it too."""
    connection = connections[using]
    if not trigram_table_available(using):
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("search_index.paused() must run inside transaction.atomic()")
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {PAUSE} (id) VALUES (1)")  # noqa: S608 (constant)
        yield
        cur.execute(f"DELETE FROM {PAUSE}")  # noqa: S608 (constant)


_MISSING = (
    "INSERT INTO customers_customer_search(rowid, search_text) "
    "SELECT c.id, c.search_text FROM customers_customer c WHERE c.id BETWEEN %s AND %s "
    "AND NOT EXISTS (SELECT 1 FROM customers_customer_search s WHERE s.rowid = c.id)"
)


def index_range(first: int, last: int, *, using: str = "default", chunk: int = INDEX_CHUNK) -> int:
    """Add the customers with ids first..last that the search table lacks, `chunk` ids per short
    transaction (each holds SQLite's write lock for tens of milliseconds). Returns how many."""
    if not trigram_table_available(using) or first > last:
        return 0
    added = 0
    for start in range(first, last + 1, chunk):
        with transaction.atomic(using=using), connections[using].cursor() as cur:
            cur.execute(_MISSING, [start, min(start + chunk - 1, last)])
            added += max(cur.rowcount, 0)
    return added


def index_missing(using: str = "default") -> int:
    """Add every customer the search table lacks (an import interrupted between its commit and its
    indexing); a read finds them, the writes are index_range()'s short transactions."""
    if not trigram_table_available(using):
        return 0
    with connections[using].cursor() as cur:
        cur.execute(
            "SELECT id FROM customers_customer c WHERE NOT EXISTS "
            "(SELECT 1 FROM customers_customer_search s WHERE s.rowid = c.id) ORDER BY id"
        )
        missing = [row[0] for row in cur.fetchall()]
    added = 0
    # contiguous runs of ids (an import's customers), each indexed in chunks
    run_start = prev = None
    for pk in [*missing, None]:
        if pk is not None and prev is not None and pk == prev + 1:
            prev = pk
            continue
        if run_start is not None:
            added += index_range(run_start, prev, using=using)
        run_start = prev = pk
    return added

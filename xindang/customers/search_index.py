"""Substring search over Customer.search_text, served by an index on every database.

PostgreSQL: the trigram GIN index (migration 0003) serves `search_text LIKE '%q%'` directly.
SQLite: the FTS5 table with the trigram tokenizer that migration 0014 keeps in step by triggers
(customers_customer_search); its LIKE is an index lookup for patterns of three or more characters.
It only narrows (a phrase query of the pattern's trigrams): the same LIKE the ORM path asks is applied
to the narrowed rows, so the answer is exactly the ORM path's (tests/test_search_index.py compares
them). A pattern shorter than three characters, MariaDB, or an SQLite without FTS5/trigram: the ORM
path (`search_text__contains`, a scan of the column).
"""

from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.utils import DatabaseError

TABLE = "customers_customer_search"
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

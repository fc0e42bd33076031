"""On SQLite, substring search (name fragment, pinyin, initials, codes) uses an FTS5 table with the
trigram tokenizer (SQLite 3.34+): LIKE '%q%' on it is an index lookup for three or more characters,
where the search column is otherwise scanned (300+ ms at 100,000 files; bench/README.md). Triggers keep
it equal to customers_customer.search_text. PostgreSQL has its trigram GIN index (0003); on MariaDB and
on an SQLite built without FTS5 or the trigram tokenizer this migration does nothing and the search
scans the column as before (customers.search_index)."""

from django.db import migrations
from django.db.utils import DatabaseError

CREATE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS customers_customer_search USING fts5(search_text, tokenize='trigram')",
    "INSERT INTO customers_customer_search(rowid, search_text) SELECT id, search_text FROM customers_customer",
    """CREATE TRIGGER IF NOT EXISTS customers_customer_search_ai AFTER INSERT ON customers_customer BEGIN
        INSERT INTO customers_customer_search(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS customers_customer_search_ad AFTER DELETE ON customers_customer BEGIN
        DELETE FROM customers_customer_search WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS customers_customer_search_au
    AFTER UPDATE OF id, search_text ON customers_customer BEGIN
        DELETE FROM customers_customer_search WHERE rowid = old.id;
        INSERT INTO customers_customer_search(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
DROP = [
    "DROP TRIGGER IF EXISTS customers_customer_search_ai",
    "DROP TRIGGER IF EXISTS customers_customer_search_ad",
    "DROP TRIGGER IF EXISTS customers_customer_search_au",
    "DROP TABLE IF EXISTS customers_customer_search",
]


def trigram_available(connection) -> bool:
    """FTS5 with the trigram tokenizer is compiled in (SQLite 3.34+, FTS5 enabled)."""
    with connection.cursor() as cur:
        try:
            cur.execute("CREATE VIRTUAL TABLE temp.xd_trigram_probe USING fts5(x, tokenize='trigram')")
        except DatabaseError:
            return False
        cur.execute("DROP TABLE temp.xd_trigram_probe")
    return True


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite" or not trigram_available(schema_editor.connection):
        return
    for sql in CREATE:
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in DROP:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("customers", "0013_merge_0012_import_checking_0012_not_related")]
    operations = [migrations.RunPython(create_index, drop_index)]

"""On SQLite the FTS5 search table's insert trigger skips new rows while the one-row table
customers_customer_search_pause holds a row: an import confirm writes that row, its customers and
removes it again in its transaction (so no other writer ever sees it), and indexes its customers
after the commit in short transactions (customers.search_index). Adding rows to an FTS5 table one
statement at a time costs a flush per statement: 10,000 imported customers took seconds of the
write lock. Nothing changes where 0014 did nothing (MariaDB, PostgreSQL, an SQLite without FTS5)."""

from django.db import migrations

OLD_TRIGGER = """CREATE TRIGGER customers_customer_search_ai AFTER INSERT ON customers_customer BEGIN
        INSERT INTO customers_customer_search(rowid, search_text) VALUES (new.id, new.search_text);
    END"""
NEW_TRIGGER = """CREATE TRIGGER customers_customer_search_ai AFTER INSERT ON customers_customer
    WHEN NOT EXISTS (SELECT 1 FROM customers_customer_search_pause) BEGIN
        INSERT INTO customers_customer_search(rowid, search_text) VALUES (new.id, new.search_text);
    END"""


def _has_index(schema_editor) -> bool:
    if schema_editor.connection.vendor != "sqlite":
        return False
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'customers_customer_search'")
        return cur.fetchone() is not None


def forwards(apps, schema_editor):
    if not _has_index(schema_editor):
        return
    schema_editor.execute("CREATE TABLE IF NOT EXISTS customers_customer_search_pause (id integer PRIMARY KEY)")
    schema_editor.execute("DROP TRIGGER IF EXISTS customers_customer_search_ai")
    schema_editor.execute(NEW_TRIGGER)


def backwards(apps, schema_editor):
    if not _has_index(schema_editor):
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS customers_customer_search_ai")
    schema_editor.execute(OLD_TRIGGER)
    schema_editor.execute("DROP TABLE IF EXISTS customers_customer_search_pause")


class Migration(migrations.Migration):
    dependencies = [("customers", "0014_search_trigram_sqlite")]
    operations = [migrations.RunPython(forwards, backwards)]

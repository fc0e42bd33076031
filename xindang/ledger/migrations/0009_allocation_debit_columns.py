"""Each allocation carries its debit's customer, kind, entry date and due date (copied from the debit,
which never changes), so that the ageing at a past date does not join every later allocation to its
debit. The columns are added empty, filled from the debits in one statement, then made required."""

import django.db.models.deletion
from django.db import migrations, models


KINDS = [
    ("shipment", "Credit shipment"),
    ("invoice", "Invoice"),
    ("payment", "Payment received"),
    ("prepayment", "Prepayment made"),
    ("goods_received", "Goods received against prepayment"),
    ("note_received", "Note received (unsettled)"),
    ("note_settled", "Note settled"),
    ("credit_note", "Credit note / return"),
    ("write_off", "Write-off (bad debt)"),
    ("reversal", "Reversal"),
]
COPIED = {
    "customer_id": "customer_id",
    "debit_kind": "kind",
    "debit_entry_on": "entry_on",
    "debit_due_on": "due_on",
}


def copy_debit_columns(apps, schema_editor):
    # SQL from the tables' and columns' names written here, no input
    connection = schema_editor.connection
    q = connection.ops.quote_name
    alloc, entry = q("ledger_allocation"), q("ledger_tradeentry")
    if connection.vendor == "postgresql":
        sets = ", ".join(f"{q(a)} = e.{q(e)}" for a, e in COPIED.items())
        sql = f"UPDATE {alloc} a SET {sets} FROM {entry} e WHERE e.id = a.debit_entry_id"  # noqa: S608
    elif connection.vendor == "mysql":
        sets = ", ".join(f"a.{q(a)} = e.{q(e)}" for a, e in COPIED.items())
        sql = f"UPDATE {alloc} a JOIN {entry} e ON e.id = a.debit_entry_id SET {sets}"  # noqa: S608
    else:  # SQLite (and any other): one correlated read per column
        sets = ", ".join(
            f"{q(a)} = (SELECT e.{q(e)} FROM {entry} e WHERE e.id = {alloc}.debit_entry_id)"  # noqa: S608
            for a, e in COPIED.items()
        )
        sql = f"UPDATE {alloc} SET {sets}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0015_search_index_pause"),
        ("ledger", "0008_open_debits_covering_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="allocation",
            name="customer",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="customers.customer",
                verbose_name="customer",
            ),
        ),
        migrations.AddField(
            model_name="allocation",
            name="debit_kind",
            field=models.CharField(max_length=16, null=True, verbose_name="debit kind"),
        ),
        migrations.AddField(
            model_name="allocation",
            name="debit_entry_on",
            field=models.DateField(null=True, verbose_name="debit's entry date"),
        ),
        migrations.AddField(
            model_name="allocation",
            name="debit_due_on",
            field=models.DateField(blank=True, null=True, verbose_name="debit's due date"),
        ),
        migrations.RunPython(copy_debit_columns, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="allocation",
            name="customer",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="customers.customer",
                verbose_name="customer",
            ),
        ),
        migrations.AlterField(
            model_name="allocation",
            name="debit_kind",
            field=models.CharField(choices=KINDS, max_length=16, verbose_name="debit kind"),
        ),
        migrations.AlterField(
            model_name="allocation",
            name="debit_entry_on",
            field=models.DateField(verbose_name="debit's entry date"),
        ),
        migrations.AddIndex(
            model_name="allocation",
            index=models.Index(fields=["customer", "allocated_on"], name="ledger_alloc_customer_idx"),
        ),
    ]

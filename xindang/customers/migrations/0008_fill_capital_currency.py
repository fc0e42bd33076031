"""Existing registered capitals were entered in yuan: their currency is CNY. (The new column's default
already gives CNY to the rows present when 0007 runs; this also covers rows written by a process still
running the previous release during the upgrade, and the history rows.)"""

from django.db import migrations


def fill_capital_currency(apps, schema_editor):
    for model in ("Customer", "HistoricalCustomer"):
        apps.get_model("customers", model).objects.filter(registered_capital_currency="").update(
            registered_capital_currency="CNY"
        )


class Migration(migrations.Migration):
    dependencies = [("customers", "0007_capital_currency_and_postal_code")]

    operations = [migrations.RunPython(fill_capital_currency, migrations.RunPython.noop)]

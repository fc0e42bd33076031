from django.db import migrations

from xindang.accounts.roles import grant_role_permissions, revoke_role_permissions
from xindang.credit.control.permissions import STOP_GRANTS


def fill_stop_permissions(apps, schema_editor):
    grant_role_permissions(apps, "credit_control", STOP_GRANTS)


def unfill_stop_permissions(apps, schema_editor):
    revoke_role_permissions(apps, "credit_control", STOP_GRANTS)


class Migration(migrations.Migration):
    dependencies = [("credit_control", "0004_shipment_stop")]
    operations = [migrations.RunPython(fill_stop_permissions, unfill_stop_permissions)]

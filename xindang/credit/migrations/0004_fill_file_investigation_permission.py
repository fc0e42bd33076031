from django.db import migrations

from xindang.accounts.roles import grant_role_permissions, revoke_role_permissions
from xindang.credit.permissions import FILE_GRANTS as GRANTS


def fill_file_permission(apps, schema_editor):
    grant_role_permissions(apps, "credit", GRANTS)


def unfill_file_permission(apps, schema_editor):
    revoke_role_permissions(apps, "credit", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("credit", "0003_investigation_report_items_and_salesperson_opinion")]
    operations = [migrations.RunPython(fill_file_permission, unfill_file_permission)]

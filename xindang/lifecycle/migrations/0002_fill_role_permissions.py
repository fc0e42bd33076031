from django.db import migrations

from xindang.accounts.roles import grant_role_permissions, revoke_role_permissions
from xindang.lifecycle.permissions import ROLE_GRANTS


def fill_role_permissions(apps, schema_editor):
    grant_role_permissions(apps, "lifecycle", ROLE_GRANTS)


def unfill_role_permissions(apps, schema_editor):
    revoke_role_permissions(apps, "lifecycle", ROLE_GRANTS)


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0001_loans_and_transfers"), ("accounts", "0002_fill_roles")]
    operations = [migrations.RunPython(fill_role_permissions, unfill_role_permissions)]

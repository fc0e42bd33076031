from django.db import migrations

from xindang.accounts.roles import grant_role_permissions, revoke_role_permissions
from xindang.custody.permissions import ROLE_GRANTS


def fill_role_permissions(apps, schema_editor):
    grant_role_permissions(apps, "custody", ROLE_GRANTS)


def unfill_role_permissions(apps, schema_editor):
    revoke_role_permissions(apps, "custody", ROLE_GRANTS)


class Migration(migrations.Migration):
    dependencies = [("custody", "0001_lookup_requests"), ("accounts", "0002_fill_roles")]
    operations = [migrations.RunPython(fill_role_permissions, unfill_role_permissions)]

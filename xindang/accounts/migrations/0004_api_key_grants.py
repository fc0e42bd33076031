from django.db import migrations

from xindang.accounts.roles import grant_role_permissions, revoke_role_permissions

GRANTS = {"system_admin": ["view_apikey", "add_apikey", "change_apikey"]}


def fill(apps, schema_editor):
    grant_role_permissions(apps, "accounts", GRANTS)


def unfill(apps, schema_editor):
    revoke_role_permissions(apps, "accounts", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_key")]
    operations = [migrations.RunPython(fill, unfill)]

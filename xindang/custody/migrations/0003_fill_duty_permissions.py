from django.db import migrations

from xindang.accounts.roles import grant_role_permissions, revoke_role_permissions
from xindang.custody.permissions import DUTY_GRANTS


def fill(apps, schema_editor):
    for app_label, grants in DUTY_GRANTS.items():
        grant_role_permissions(apps, app_label, grants)


def unfill(apps, schema_editor):
    for app_label, grants in DUTY_GRANTS.items():
        revoke_role_permissions(apps, app_label, grants)


class Migration(migrations.Migration):
    dependencies = [("custody", "0002_fill_role_permissions"), ("accounts", "0002_fill_roles")]
    operations = [migrations.RunPython(fill, unfill)]

from django.db import migrations

from xindang.accounts.roles import grant_role_permissions, revoke_role_permissions
from xindang.documents.permissions import ROLE_GRANTS


def fill_role_permissions(apps, schema_editor):
    grant_role_permissions(apps, "documents", ROLE_GRANTS)


def unfill_role_permissions(apps, schema_editor):
    revoke_role_permissions(apps, "documents", ROLE_GRANTS)


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_fill_categories"), ("accounts", "0002_fill_roles")]
    operations = [migrations.RunPython(fill_role_permissions, unfill_role_permissions)]

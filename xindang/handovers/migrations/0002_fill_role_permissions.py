from django.db import migrations

from xindang.accounts.roles import grant_role_permissions, revoke_role_permissions
from xindang.handovers.permissions import ROLE_GRANTS


def fill_role_permissions(apps, schema_editor):
    grant_role_permissions(apps, "handovers", ROLE_GRANTS)


def unfill_role_permissions(apps, schema_editor):
    revoke_role_permissions(apps, "handovers", ROLE_GRANTS)


class Migration(migrations.Migration):
    dependencies = [("handovers", "0001_handovers_items_signatures"), ("accounts", "0002_fill_roles")]
    operations = [migrations.RunPython(fill_role_permissions, unfill_role_permissions)]

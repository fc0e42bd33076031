from django.db import migrations

from xindang.accounts.roles import grant_role_permissions, revoke_role_permissions
from xindang.credit.evaluations.permissions import SUPERVISOR_AND_VP_GRANTS


def fill_permissions(apps, schema_editor):
    grant_role_permissions(apps, "evaluations", SUPERVISOR_AND_VP_GRANTS)


def unfill_permissions(apps, schema_editor):
    revoke_role_permissions(apps, "evaluations", SUPERVISOR_AND_VP_GRANTS)


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0003_vp_opinion")]
    operations = [migrations.RunPython(fill_permissions, unfill_permissions)]

from django.db import migrations

from xindang.accounts.roles import grant_role_permissions, revoke_role_permissions
from xindang.relations.permissions import CUSTOMER_GRANTS, ROLE_GRANTS


def fill_role_permissions(apps, schema_editor):
    grant_role_permissions(apps, "relations", ROLE_GRANTS)
    grant_role_permissions(apps, "customers", CUSTOMER_GRANTS)


def unfill_role_permissions(apps, schema_editor):
    revoke_role_permissions(apps, "relations", ROLE_GRANTS)
    revoke_role_permissions(apps, "customers", CUSTOMER_GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("relations", "0001_complaints_visits_surveys"),
        ("accounts", "0002_fill_roles"),
        ("customers", "0008_fill_capital_currency"),
    ]
    operations = [migrations.RunPython(fill_role_permissions, unfill_role_permissions)]

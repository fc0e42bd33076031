from django.db import migrations

from xindang.accounts.roles import grant_role_permissions, revoke_role_permissions

_WORK = ["view_balancestatement", "add_balancestatement"]
_MANAGER = [*_WORK, "change_balancestatement"]
GRANTS = {
    "salesperson": _WORK,
    "department_manager": _MANAGER,
    "marketing_manager": _MANAGER,
    "general_manager": _MANAGER,
    "credit_manager": _MANAGER,
    "finance_credit_controller": _MANAGER,
    "vp_marketing": ["view_balancestatement"],
    "cfo": ["view_balancestatement"],
    "chairman": ["view_balancestatement"],
}


def fill(apps, schema_editor):
    grant_role_permissions(apps, "collection", GRANTS)


def unfill(apps, schema_editor):
    revoke_role_permissions(apps, "collection", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("collection", "0004_balance_statements")]
    operations = [migrations.RunPython(fill, unfill)]

"""Seed the roles of GLOSSARY.md as groups with their permissions."""

from django.db import migrations

from xindang.accounts.permissions import AUDIT_GRANTS, AUTH_GRANTS, POLICY_GRANTS, ROLE_GRANTS
from xindang.accounts.roles import Role, grant_role_permissions, revoke_role_permissions


def fill_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    grant_role_permissions(apps, "accounts", ROLE_GRANTS)
    grant_role_permissions(apps, "auth", AUTH_GRANTS)
    grant_role_permissions(apps, "audit", AUDIT_GRANTS)
    grant_role_permissions(apps, "policy", POLICY_GRANTS)


def unfill_roles(apps, schema_editor):
    for label, grants in (
        ("accounts", ROLE_GRANTS),
        ("auth", AUTH_GRANTS),
        ("audit", AUDIT_GRANTS),
        ("policy", POLICY_GRANTS),
    ):
        revoke_role_permissions(apps, label, grants)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0001_initial"),
        ("policy", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(fill_roles, unfill_roles)]

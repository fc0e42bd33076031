"""Roles (GLOSSARY.md) are auth Groups created by migrations, each with exactly its granted permissions."""

import pytest
from django.contrib.auth.models import Group

from conftest import make_user
from xindang.accounts import permissions as account_grants
from xindang.accounts.roles import Role, role_label
from xindang.custody import permissions as custody_grants
from xindang.customers import permissions as customer_grants
from xindang.relations import permissions as relation_grants

pytestmark = pytest.mark.django_db

# The apps whose role grants are declared in accounts/permissions.py and customers/permissions.py.
GRANTS_BY_APP = {
    "accounts": account_grants.ROLE_GRANTS,
    "auth": account_grants.AUTH_GRANTS,
    "audit": account_grants.AUDIT_GRANTS,
    "policy": account_grants.POLICY_GRANTS,
    "customers": customer_grants.ROLE_GRANTS,
}


# The service roles read the files they serve: granted by relations (relations.permissions).
EXTRA_CUSTOMER_GRANTS = relation_grants.CUSTOMER_GRANTS


def granted(role: Role) -> set[str]:
    out = {f"{app}.{codename}" for app, grants in GRANTS_BY_APP.items() for codename in grants.get(role, [])}
    # separation of duties (三员分立): the auditor's and the security officer's grants, by custody
    out |= {f"{app}.{c}" for app, grants in custody_grants.DUTY_GRANTS.items() for c in grants.get(role, [])}
    out |= {f"accounts.{c}" for c in account_grants.CLEARANCE_GRANTS.get(role, [])}
    out |= {f"customers.{c}" for c in customer_grants.NOT_RELATED_GRANTS.get(role, [])}
    return out | {f"customers.{codename}" for codename in EXTRA_CUSTOMER_GRANTS.get(role, [])}


def held(role: Role) -> set[str]:
    group = Group.objects.get(name=role.value)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
        if p.content_type.app_label in GRANTS_BY_APP
    }


def test_every_role_exists_as_a_group_after_migrations():
    assert set(Role.values) <= set(Group.objects.values_list("name", flat=True))


def test_every_role_has_a_grant_entry_in_customers():
    # a role missing from the table would silently see nothing: every role is listed, even if empty
    assert set(customer_grants.ROLE_GRANTS) == set(Role)


@pytest.mark.parametrize("role", list(Role), ids=Role.values)
def test_each_role_holds_exactly_its_granted_permissions(role):
    assert held(role) == granted(role)


@pytest.mark.parametrize(
    ("role", "perm", "has"),
    [
        (Role.SALESPERSON, "customers.view_customer", True),
        (Role.SALESPERSON, "customers.add_customer", True),
        (Role.SALESPERSON, "customers.view_all_customers", False),
        (Role.SALESPERSON, "customers.view_department_customers", False),
        (Role.SALESPERSON, "customers.assign_customer_code", False),
        (Role.SALESPERSON, "customers.change_customer_status", False),
        (Role.DEPARTMENT_MANAGER, "customers.view_department_customers", True),
        (Role.DEPARTMENT_MANAGER, "customers.view_all_customers", False),
        (Role.CREDIT_MANAGER, "customers.assign_customer_code", True),
        (Role.CREDIT_MANAGER, "customers.view_all_customers", True),
        (Role.CREDIT_MANAGER, "customers.import_customers", True),
        (Role.ARCHIVIST, "customers.view_all_customers", True),
        (Role.ARCHIVIST, "customers.change_customer", False),
        (Role.ARCHIVIST, "customers.add_customer", False),
        (Role.ARCHIVIST, "customers.change_contact", False),
        (Role.GENERAL_MANAGER, "audit.view_auditevent", True),
        (Role.GENERAL_MANAGER, "customers.change_customer", False),
        (Role.SYSTEM_ADMIN, "audit.view_auditevent", True),
        (Role.SYSTEM_ADMIN, "policy.change_policyversion", True),
        (Role.SYSTEM_ADMIN, "accounts.add_user", True),
        (Role.SYSTEM_ADMIN, "accounts.grant_roles", False),  # 三员分立: the security officer grants
        (Role.SECURITY_OFFICER, "accounts.grant_roles", True),
        (Role.SYSTEM_ADMIN, "customers.view_customer", False),  # administers users, not files
        (Role.CREDIT_MANAGER, "policy.change_policyversion", False),
        (Role.CREDIT_MANAGER, "audit.view_auditevent", False),
        (Role.SERVICE_AGENT, "customers.view_all_customers", False),  # the files of their visits only
        (Role.SERVICE_AGENT, "customers.change_customer", False),
        (Role.OFFICE_DIRECTOR, "customers.view_all_customers", True),  # relationship care (000 5.1.1)
        (Role.OFFICE_DIRECTOR, "customers.change_customer", False),
    ],
)
def test_a_user_in_a_role_has_its_capabilities(role, perm, has):
    user = make_user(f"u_{role.value}", role)
    assert user.has_perm(perm) is has


def test_a_user_in_two_roles_has_both_sets():
    user = make_user("duoren", Role.ARCHIVIST, Role.SYSTEM_ADMIN)
    assert user.has_perm("customers.view_all_customers")
    assert user.has_perm("policy.change_policyversion")


def test_role_label_names_known_roles_and_passes_unknown_codes_through():
    from django.utils import translation

    with translation.override("en"):
        assert str(role_label("credit_manager")) == "Credit manager"
    assert role_label("no_such_role") == "no_such_role"

"""Every role holds exactly its approvals grants (data migration 0002); the navigation shows the
approvals page to every role."""

import pytest
from django.contrib.auth.models import Group

from xindang.accounts.roles import Role
from xindang.approvals.permissions import ROLE_GRANTS, ApprovalPermission

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role), ids=Role.values)
def test_each_role_holds_exactly_its_approvals_permissions(role):
    held = set(
        Group.objects.get(name=role.value)
        .permissions.filter(content_type__app_label="approvals")
        .values_list("codename", flat=True)
    )
    assert held == set(ROLE_GRANTS[role])


@pytest.mark.parametrize(
    "role, view_all",
    [
        (Role.GENERAL_MANAGER, True),
        (Role.CHAIRMAN, True),
        (Role.SYSTEM_ADMIN, True),
        (Role.CREDIT_MANAGER, True),
        (Role.SALESPERSON, False),
        (Role.MARKETING_MANAGER, False),
        (Role.CFO, False),
    ],
)
def test_view_all_holders(role, view_all):
    assert ("view_all_approvals" in ROLE_GRANTS[role]) is view_all
    assert ApprovalPermission.VIEW.split(".")[1] in ROLE_GRANTS[role]

"""The left navigation shows only what the user may open: every menu item of every role opens (no 403),
and the audit log obeys the separation of duties (三员分立, GB/T 39784) the audit view checks."""

import pytest
from django.urls import reverse

from conftest import make_user
from xindang.accounts.models import Department
from xindang.accounts.roles import Role
from xindang.navigation import navigation

pytestmark = pytest.mark.django_db


class _Request:
    resolver_match = None

    def __init__(self, user):
        self.user = user


def _items(user) -> list[dict]:
    return navigation(_Request(user))["nav_items"]


@pytest.mark.parametrize("role", list(Role), ids=Role.values)
def test_every_menu_item_of_every_role_opens(client, role):
    department = Department.objects.create(code="NV1", name="导航部")
    user = make_user(f"nav_{role.value}", role, department=department)
    client.force_login(user)
    items = _items(user)
    assert items, role
    for item in items:
        response = client.get(item["url"])
        assert response.status_code not in (403, 404), (role.value, item["url"], response.status_code)


def test_the_system_administrator_sees_no_audit_log_unless_duties_are_combined(client):
    from xindang.testing.samples import set_policy

    admin = make_user("nav_admin", Role.SYSTEM_ADMIN, is_staff=True)
    auditor = make_user("nav_auditor", Role.AUDITOR)
    security_officer = make_user("nav_security", Role.SECURITY_OFFICER)
    audit_url = reverse("audit:list")
    assert audit_url not in {i["url"] for i in _items(admin)}
    assert audit_url in {i["url"] for i in _items(auditor)}
    client.force_login(admin)
    assert client.get(audit_url).status_code == 403
    set_policy(security_officer, "custody", combined_admin_duties=True)
    admin = type(admin).objects.get(pk=admin.pk)
    assert audit_url in {i["url"] for i in _items(admin)}
    assert client.get(audit_url).status_code == 200

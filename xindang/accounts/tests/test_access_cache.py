"""A user's permissions, roles and second-factor device come from the shared cache on every request
(backends.ACCESS) and are still checked on every request: every write that changes them (a role
granted or revoked, a role's permissions, the admin's role and device screens, a device confirmed or
removed) makes the next request read them afresh."""

from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_user
from xindang.accounts import services
from xindang.accounts.backends import AccountBackend
from xindang.accounts.models import User
from xindang.accounts.roles import Role, grant_role_permissions, revoke_role_permissions

pytestmark = pytest.mark.django_db

LIST = "/customers/"


@pytest.fixture
def officer(db):
    return make_user("anquan", Role.SECURITY_OFFICER, display_name="唐安全")


def test_permissions_are_read_once_and_then_come_from_the_cache(salesperson, django_assert_num_queries):
    AccountBackend().get_user(salesperson.pk)
    with django_assert_num_queries(1):  # the user's row only
        user = AccountBackend().get_user(salesperson.pk)
        assert user.has_perm("customers.view_customer") and user.role_codes == {str(Role.SALESPERSON)}


def test_a_revoked_role_is_seen_by_the_next_request(client, salesperson, officer):
    client.force_login(salesperson)
    assert client.get(LIST).status_code == 200
    services.revoke_role(user=salesperson, role=Role.SALESPERSON, by=officer, reason="调岗")
    assert client.get(LIST).status_code == 403
    services.grant_role(user=salesperson, role=Role.SALESPERSON, by=officer, reason="回到销售一部")
    assert client.get(LIST).status_code == 200


def test_a_roles_permissions_changed_by_a_migration_are_seen_at_once(salesperson):
    assert AccountBackend().get_user(salesperson.pk).has_perm("customers.view_customer")
    grants = {Role.SALESPERSON: ["view_customer"]}
    revoke_role_permissions(django_apps, "customers", grants)
    assert not AccountBackend().get_user(salesperson.pk).has_perm("customers.view_customer")
    grant_role_permissions(django_apps, "customers", grants)
    assert AccountBackend().get_user(salesperson.pk).has_perm("customers.view_customer")


def test_roles_changed_in_the_admin_are_seen_at_once(salesperson, sysadmin):
    assert AccountBackend().get_user(salesperson.pk).has_perm("customers.view_customer")
    request = RequestFactory().post("/")
    request.user = sysadmin
    form = SimpleNamespace(
        save_m2m=lambda: salesperson.groups.set([Group.objects.get(name=str(Role.ARCHIVIST))]),
        instance=salesperson,
    )
    admin.site._registry[User].save_related(request, form, [], True)
    user = AccountBackend().get_user(salesperson.pk)
    assert user.role_codes == {str(Role.ARCHIVIST)}
    fresh = User.objects.get(pk=salesperson.pk)
    assert AccountBackend().get_all_permissions(user) == ModelBackend().get_all_permissions(fresh)


def test_a_device_added_or_removed_in_the_admin_is_seen_at_once(salesperson, sysadmin):
    assert AccountBackend().get_user(salesperson.pk).has_confirmed_device is False
    request = RequestFactory().post("/")
    request.user = sysadmin
    device_admin = admin.site._registry[TOTPDevice]
    device = TOTPDevice(user=salesperson, name="phone", confirmed=True)
    device_admin.save_model(request, device, None, False)
    assert AccountBackend().get_user(salesperson.pk).has_confirmed_device is True
    device_admin.delete_model(request, device)
    assert AccountBackend().get_user(salesperson.pk).has_confirmed_device is False


def test_a_change_committed_later_is_read_afresh_after_the_commit(
    salesperson, officer, django_capture_on_commit_callbacks
):
    """A request between the change and its commit may have cached the old permissions under the new
    generation: the commit moves the generation once more."""
    AccountBackend().get_user(salesperson.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.revoke_role(user=salesperson, role=Role.SALESPERSON, by=officer, reason="调岗")
    # what a request that read the rows before the commit would have left in the cache
    stale = AccountBackend().get_user(salesperson.pk)
    assert not stale.has_perm("customers.view_customer")  # (in this test the change is visible)
    for callback in callbacks:
        callback()
    with pytest.MonkeyPatch.context() as mp:
        read = []
        from xindang.accounts import backends

        mp.setattr(backends, "permission_rows", lambda pk: read.append(pk) or [])
        AccountBackend().get_user(salesperson.pk)
    assert read == [salesperson.pk]

"""The account backend answers exactly as Django's ModelBackend, with fewer queries: the user and
their department in one, their permissions and roles in one more."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from xindang.accounts.backends import AccountBackend, access_changed
from xindang.accounts.models import User
from xindang.accounts.selectors import has_confirmed_otp_device

pytestmark = pytest.mark.django_db

PERSONAS = ["salesperson", "manager", "credit_manager", "archivist", "gm", "sysadmin", "auditor"]


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("who", PERSONAS)
def test_same_permissions_and_roles_as_model_backend(request, who):
    user = request.getfixturevalue(who)
    user.user_permissions.add(Permission.objects.get(codename="view_customer"))
    expected_roles = set(fresh(user).groups.values_list("name", flat=True))
    mine, theirs = AccountBackend().get_user(user.pk), fresh(user)
    assert AccountBackend().get_all_permissions(mine) == ModelBackend().get_all_permissions(theirs)
    assert AccountBackend().get_user_permissions(mine) == ModelBackend().get_user_permissions(theirs)
    assert AccountBackend().get_group_permissions(mine) == ModelBackend().get_group_permissions(theirs)
    assert mine.role_codes == expected_roles


def test_one_query_for_user_and_department_one_for_permissions(salesperson, django_assert_num_queries):
    with django_assert_num_queries(2):
        user = AccountBackend().get_user(salesperson.pk)
        assert user.department.code == "XS1"
        assert user.has_perm("customers.view_customer")
        assert user.role_codes
        assert has_confirmed_otp_device(user) is False


def test_a_confirmed_device_is_read_with_the_permissions(salesperson):
    TOTPDevice.objects.create(user=salesperson, name="phone", confirmed=False)
    assert AccountBackend().get_user(salesperson.pk).has_confirmed_device is False
    TOTPDevice.objects.create(user=salesperson, name="phone2", confirmed=True)
    access_changed()  # as the services and the admin do (tests/test_access_cache.py)
    assert AccountBackend().get_user(salesperson.pk).has_confirmed_device is True


def test_a_superuser_has_every_permission(db):
    admin = User.objects.create_superuser(username="root1", password=PASSWORD, display_name="root")
    user = AccountBackend().get_user(admin.pk)
    assert AccountBackend().get_all_permissions(user) == ModelBackend().get_all_permissions(fresh(admin))


def test_inactive_user_is_nobody(salesperson):
    User.objects.filter(pk=salesperson.pk).update(is_active=False)
    assert AccountBackend().get_user(salesperson.pk) is None


def test_a_wrong_password_is_checked_once(client, salesperson, monkeypatch):
    calls = []
    original = User.check_password
    monkeypatch.setattr(User, "check_password", lambda self, raw: calls.append(raw) or original(self, raw))
    assert not client.login(username=salesperson.username, password="wrong")
    assert calls == ["wrong"]
    assert client.login(username=salesperson.username, password=PASSWORD)

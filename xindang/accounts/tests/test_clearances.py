"""Clearances under the separation of duties (三员分立, GB/T 39784): the security officer grants and
revokes roles, with a reason, audited; the system administrator manages the accounts but grants no
role unless the policy combines the duties (a labelled departure); bad input refused."""

import pytest
from django.urls import reverse

from conftest import make_user
from xindang.accounts import rules, services
from xindang.accounts.errors import ClearanceError
from xindang.accounts.models import User
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return make_user("anquan", Role.SECURITY_OFFICER, display_name="唐安全")


@pytest.fixture
def admin(db):
    return make_user("xitong", Role.SYSTEM_ADMIN, display_name="系统管理员", is_staff=True)


@pytest.fixture
def clerk(db):
    return make_user("xinren", display_name="新人")


def _combine(by):
    from xindang.testing.samples import set_policy

    set_policy(by, "custody", combined_admin_duties=True)


BASE = {
    "actor_id": 1,
    "target_id": 2,
    "target_active": True,
    "role": "salesperson",
    "known_roles": Role.values,
    "held": set(),
    "reason": "入职销售一部",
    "granting": True,
    "combined_duties": False,
}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({}, None),
        ({"target_id": 1}, rules.SELF),  # nobody raises themselves
        ({"role": "king"}, rules.UNKNOWN_ROLE),
        ({"role": ""}, rules.UNKNOWN_ROLE),
        ({"held": {"salesperson"}}, rules.ALREADY_HELD),
        ({"granting": False}, rules.NOT_HELD),
        ({"reason": "  "}, rules.NO_REASON),
        ({"target_active": False}, rules.INACTIVE),
        ({"target_active": False, "granting": False, "held": {"salesperson"}}, None),  # revoke: fine
        ({"role": "auditor", "held": {"system_admin"}}, rules.DUTY_CONFLICT),  # GB/T 39784
        ({"role": "security_officer", "held": {"auditor"}}, rules.DUTY_CONFLICT),
        ({"role": "auditor", "held": {"system_admin"}, "combined_duties": True}, None),  # the departure
        ({"role": "auditor", "held": {"salesperson"}}, None),
    ],
)
def test_grant_problem(change, problem):
    assert rules.grant_problem(**{**BASE, **change}) == problem


def test_the_security_officer_grants_and_revokes_a_role_with_its_reason_audited(officer, clerk):
    user = services.grant_role(user=clerk, role=Role.SALESPERSON, by=officer, reason="入职销售一部")
    assert user.has_role(Role.SALESPERSON) and user.has_perm("customers.add_customer")
    event = AuditEvent.objects.filter(action=services.ROLE_GRANTED).latest("seq")
    assert event.actor == officer and event.object_id == str(clerk.pk)
    assert event.data["role"] == "salesperson" and event.data["reason"] == "入职销售一部"
    user = services.revoke_role(user=clerk, role=Role.SALESPERSON, by=officer, reason="离职")
    assert not user.has_role(Role.SALESPERSON)
    assert AuditEvent.objects.filter(action=services.ROLE_REVOKED, object_id=str(clerk.pk)).exists()


@pytest.mark.parametrize(
    ("role", "reason", "code"),
    [
        ("no_such_role", "x", ClearanceError.UNKNOWN_ROLE),
        ("salesperson", "", ClearanceError.NO_REASON),
        ("salesperson", "   ", ClearanceError.NO_REASON),
    ],
)
def test_bad_grants_are_refused_and_change_nothing(officer, clerk, role, reason, code):
    with pytest.raises(DomainError) as exc:
        services.grant_role(user=clerk, role=role, by=officer, reason=reason)
    assert exc.value.code == code
    assert not User.objects.get(pk=clerk.pk).groups.exists()
    assert not AuditEvent.objects.filter(action=services.ROLE_GRANTED).exists()


def test_the_security_officer_does_not_change_their_own_clearances(officer):
    with pytest.raises(DomainError) as exc:
        services.grant_role(user=officer, role=Role.GENERAL_MANAGER, by=officer, reason="x")
    assert exc.value.code == ClearanceError.SELF
    with pytest.raises(DomainError) as exc:
        services.revoke_role(user=officer, role=Role.SECURITY_OFFICER, by=officer, reason="x")
    assert exc.value.code == ClearanceError.SELF


def test_a_role_held_already_or_not_held(officer, clerk):
    services.grant_role(user=clerk, role=Role.ARCHIVIST, by=officer, reason="档案员")
    with pytest.raises(DomainError) as exc:
        services.grant_role(user=clerk, role=Role.ARCHIVIST, by=officer, reason="again")
    assert exc.value.code == ClearanceError.ALREADY_HELD and exc.value.status == 409
    with pytest.raises(DomainError) as exc:
        services.revoke_role(user=clerk, role=Role.CFO, by=officer, reason="x")
    assert exc.value.code == ClearanceError.NOT_HELD


def test_a_disabled_account_is_given_no_role(officer, clerk):
    clerk.is_active = False
    clerk.save()
    with pytest.raises(DomainError) as exc:
        services.grant_role(user=clerk, role=Role.SALESPERSON, by=officer, reason="x")
    assert exc.value.code == ClearanceError.INACTIVE


def test_one_person_holds_one_of_the_three_duties_unless_the_policy_combines_them(officer, admin):
    with pytest.raises(DomainError) as exc:
        services.grant_role(user=admin, role=Role.AUDITOR, by=officer, reason="兼任")
    assert exc.value.code == ClearanceError.DUTY_CONFLICT
    _combine(officer)
    assert services.grant_role(user=admin, role=Role.AUDITOR, by=officer, reason="兼任").has_role(
        Role.AUDITOR
    )


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.GENERAL_MANAGER, Role.AUDITOR, Role.CREDIT_MANAGER])
def test_other_roles_grant_no_clearance(role, clerk):
    actor = make_user(f"actor_{role.value}", role)
    with pytest.raises(DomainError) as exc:
        services.grant_role(user=clerk, role=Role.SALESPERSON, by=actor, reason="x")
    assert exc.value.code == ClearanceError.FORBIDDEN and exc.value.status == 403


def test_the_administrator_grants_roles_only_when_the_policy_combines_the_duties(officer, admin, clerk):
    from xindang.accounts.permissions import may_grant_roles

    assert not may_grant_roles(admin)
    _combine(officer)
    assert may_grant_roles(admin)
    assert services.grant_role(user=clerk, role=Role.SALESPERSON, by=admin, reason="小公司").has_role(
        Role.SALESPERSON
    )


# --- The screens ---------------------------------------------------------------------------------
def test_the_clearance_screen_grants_a_role(client, officer, clerk):
    client.force_login(officer)
    assert client.get(reverse("accounts:clearances")).status_code == 200
    url = reverse("accounts:clearance_detail", args=[clerk.pk])
    page = client.get(url)
    assert page.status_code == 200 and "grant-form" in page.text
    response = client.post(url, {"action": "grant", "role": "salesperson", "reason": "入职"})
    assert response.status_code == 302
    assert User.objects.get(pk=clerk.pk).has_role(Role.SALESPERSON)
    response = client.post(url, {"action": "revoke", "role": "salesperson", "reason": "调岗"})
    assert response.status_code == 302 and not User.objects.get(pk=clerk.pk).groups.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "grant", "role": "no_such_role", "reason": "x"},
        {"action": "grant", "role": "salesperson", "reason": ""},
        {"action": "grant", "role": "", "reason": "x"},
        {"action": "revoke", "role": "cfo", "reason": "x"},
    ],
)
def test_the_clearance_screen_answers_bad_input_with_the_form(client, officer, clerk, data):
    client.force_login(officer)
    response = client.post(reverse("accounts:clearance_detail", args=[clerk.pk]), data)
    assert response.status_code == 400 and "form-errors" in response.text
    assert not User.objects.get(pk=clerk.pk).groups.exists()


def test_the_clearance_screen_refuses_the_officer_their_own_roles(client, officer):
    client.force_login(officer)
    url = reverse("accounts:clearance_detail", args=[officer.pk])
    page = client.get(url)
    assert "own-clearances" in page.text and "grant-form" not in page.text
    response = client.post(url, {"action": "grant", "role": "general_manager", "reason": "x"})
    assert response.status_code == 400
    assert not User.objects.get(pk=officer.pk).has_role(Role.GENERAL_MANAGER)


def test_the_clearance_screens_are_closed_to_the_administrator(client, admin, clerk):
    client.force_login(admin)
    assert client.get(reverse("accounts:clearances")).status_code == 403
    response = client.post(
        reverse("accounts:clearance_detail", args=[clerk.pk]),
        {"action": "grant", "role": "salesperson", "reason": "x"},
    )
    assert response.status_code == 403
    assert client.get(reverse("accounts:clearance_detail", args=[999999])).status_code == 403


def test_the_administrator_cannot_set_roles_in_the_admin_unless_duties_are_combined(
    client, admin, officer, clerk
):
    from django.contrib.auth.models import Group

    client.force_login(admin)
    url = reverse("admin:accounts_user_change", args=[clerk.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="groups"' not in page.text
    group = Group.objects.get(name="salesperson")
    assert client.get(reverse("admin:auth_group_change", args=[group.pk])).status_code == 200  # view only
    assert 'name="permissions"' not in client.get(reverse("admin:auth_group_change", args=[group.pk])).text
    _combine(officer)
    assert 'name="groups"' in client.get(url).text

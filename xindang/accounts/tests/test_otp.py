"""The second factor (TOTP, django-otp): optional for everybody, required for the policy's roles
(core.otp_required_roles). Codes are real TOTP codes computed from the device's key."""

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from pydantic import ValidationError

from conftest import PASSWORD, make_user
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.policy.sections import CoreSection
from xindang.testing.samples import set_policy

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
SETUP = "/accounts/two-factor/"
VERIFY = "/accounts/two-factor/code/"
HOME = "/"


@pytest.fixture
def frozen(time_machine):
    """The clock, stopped now; TOTP codes follow it (django-otp reads time.time())."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def code(device: TOTPDevice) -> str:
    """The code an authenticator app holding the device's secret shows now."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong(device: TOTPDevice) -> str:
    return f"{(int(code(device)) + 1) % 10**6:06d}"


def log_in(client, username):
    return client.post(LOGIN, {"username": username, "password": PASSWORD})


def events(action, user) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_id=user.username).order_by("seq"))


@pytest.fixture
def with_device(salesperson):
    return TOTPDevice.objects.create(user=salesperson, name="default", confirmed=True)


@pytest.fixture
def gm(db):
    return make_user("gm", Role.GENERAL_MANAGER, display_name="总经理")


def test_without_a_device_a_login_is_one_step_as_before(client, salesperson):
    assert log_in(client, "zhangsan")["Location"] == HOME
    assert client.get(HOME).status_code == 200


def test_with_a_device_the_session_waits_for_the_code(client, salesperson, with_device, frozen):
    response = log_in(client, "zhangsan")
    # the password alone does not open any page: every page sends to the code page
    assert client.get(response["Location"])["Location"] == f"{VERIFY}?next=%2F"
    assert client.get("/customers/")["Location"].startswith(VERIFY)
    page = client.get(f"{VERIFY}?next=/customers/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    # a wrong code is refused and audited, the session still waits
    assert client.post(VERIFY, {"code": wrong(with_device), "next": "/customers/"}).status_code == 400
    assert [e.data["purpose"] for e in events("auth.otp_failed", salesperson)] == ["login"]
    assert client.get(HOME)["Location"].startswith(VERIFY)
    # the right code (after the throttle's delay) logs in and goes on
    frozen.shift(2)
    response = client.post(VERIFY, {"code": code(with_device), "next": "/customers/"})
    assert response.status_code == 302 and response["Location"] == "/customers/"
    assert client.get(HOME).status_code == 200
    assert len(events("auth.otp_passed", salesperson)) == 1


def test_wrong_codes_are_throttled(client, salesperson, with_device, frozen):
    log_in(client, "zhangsan")
    for _ in range(3):
        client.post(VERIFY, {"code": wrong(with_device)})
    # throttled: even the right code is refused until the delay (1, 2, 4 … seconds) has passed
    assert client.post(VERIFY, {"code": code(with_device)}).status_code == 400
    failed = events("auth.otp_failed", salesperson)
    assert failed[-1].data.get("throttled") is True
    assert client.get(HOME)["Location"].startswith(VERIFY)
    frozen.shift(5)
    assert client.post(VERIFY, {"code": code(with_device)}).status_code == 302
    assert client.get(HOME).status_code == 200


def test_a_used_code_is_not_accepted_twice(client, salesperson, with_device, frozen):
    log_in(client, "zhangsan")
    used = code(with_device)
    assert client.post(VERIFY, {"code": used}).status_code == 302
    other = type(client)()
    log_in(other, "zhangsan")
    assert other.post(VERIFY, {"code": used}).status_code == 400


def test_set_up_from_the_menu_and_remove_with_a_code(client, salesperson, frozen):
    log_in(client, "zhangsan")
    home = client.get(HOME).content.decode()
    assert f'href="{SETUP}"' in home
    assert client.post(SETUP, {"action": "start"}).status_code == 302
    page = client.get(SETUP).content.decode()
    pending = TOTPDevice.objects.get(user=salesperson, confirmed=False)
    assert "otpauth://totp/XinDang%3Azhangsan?secret=" in page
    # a wrong confirmation code leaves the device unconfirmed
    assert client.post(SETUP, {"action": "confirm", "code": wrong(pending)}).status_code == 400
    assert not TOTPDevice.objects.filter(user=salesperson, confirmed=True).exists()
    frozen.shift(2)
    assert client.post(SETUP, {"action": "confirm", "code": code(pending)}).status_code == 302
    assert TOTPDevice.objects.get(user=salesperson).confirmed
    assert len(events("auth.otp_setup", salesperson)) == 1
    assert client.get(HOME).status_code == 200  # this session is verified by the confirmation
    # removal needs a current code
    frozen.shift(31)
    assert client.post(SETUP, {"action": "remove", "code": wrong(pending)}).status_code == 400
    assert TOTPDevice.objects.filter(user=salesperson).exists()
    frozen.shift(2)
    assert client.post(SETUP, {"action": "remove", "code": code(pending)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=salesperson).exists()
    assert len(events("auth.otp_removed", salesperson)) == 1
    # the next login is one step again
    client.post("/accounts/logout/")
    log_in(client, "zhangsan")
    assert client.get(HOME).status_code == 200


def test_a_required_role_without_a_device_is_sent_to_set_one_up(client, gm, sysadmin, frozen):
    set_policy(sysadmin, "core", otp_required_roles=[Role.GENERAL_MANAGER.value])
    log_in(client, "gm")
    assert client.get(HOME)["Location"] == f"{SETUP}?next=%2F"
    assert client.get("/customers/")["Location"].startswith(SETUP)
    page = client.get(f"{SETUP}?next=/customers/").content.decode()
    assert 'data-testid="otp-required"' in page
    assert client.post(f"{SETUP}?next=/customers/", {"action": "start"}).status_code == 302
    device = TOTPDevice.objects.get(user=gm)
    response = client.post(SETUP, {"action": "confirm", "code": code(device), "next": "/customers/"})
    assert response["Location"] == "/customers/"
    assert client.get(HOME).status_code == 200
    # required: it cannot be removed
    frozen.shift(31)
    assert client.post(SETUP, {"action": "remove", "code": code(device)}).status_code == 400
    assert TOTPDevice.objects.filter(user=gm, confirmed=True).exists()
    # the next login asks for the code
    client.post("/accounts/logout/")
    log_in(client, "gm")
    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_a_role_the_policy_does_not_name_stays_optional(client, salesperson, sysadmin):
    set_policy(sysadmin, "core", otp_required_roles=[Role.GENERAL_MANAGER.value])
    log_in(client, "zhangsan")
    assert client.get(HOME).status_code == 200


def test_the_api_ignores_an_unverified_session_but_keys_are_unaffected(
    client, credit_manager, sysadmin, frozen
):
    from xindang.api.auth import create_api_key

    device = TOTPDevice.objects.create(user=credit_manager, name="default", confirmed=True)
    _key, raw = create_api_key(name="BI", scopes=["ledger:read"], by=sysadmin)
    log_in(client, credit_manager.username)
    assert client.get("/api/ledger/entries").status_code == 401
    assert client.get("/api/ledger/entries", HTTP_X_API_KEY=raw).status_code == 200
    assert type(client)().get("/api/ledger/entries", HTTP_X_API_KEY=raw).status_code == 200
    client.post(VERIFY, {"code": code(device)})
    assert client.get("/api/ledger/entries").status_code == 200


def test_the_policy_takes_role_codes_only():
    assert CoreSection().otp_required_roles == []
    assert CoreSection(otp_required_roles=None).otp_required_roles == []  # a cleared text box
    assert CoreSection(otp_required_roles=["system_admin", "general_manager"]).otp_required_roles == [
        "general_manager",
        "system_admin",
    ]
    with pytest.raises(ValidationError):
        CoreSection(otp_required_roles=["总经理"])

"""Logging in: Argon2 passwords, audited attempts, throttling, language, safe redirects, idle timeout."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD, make_user
from xindang.audit.models import AuditEvent
from xindang.policy.selectors import current_policy

pytestmark = pytest.mark.django_db

PROJECT_HASHERS = list(django_settings.PASSWORD_HASHERS)


LOGIN = "/accounts/login/"
LANGUAGE = "/accounts/language/"
LOGOUT = "/accounts/logout/"


def log_in(client, username="zhangsan", password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def actions(action: str, username: str = "zhangsan") -> int:
    return AuditEvent.objects.filter(action=action, object_id=username).count()


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def frozen(time_machine):
    """The clock, stopped now (after the policy version came into force); shift() moves it on."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


# --- Passwords and the audit of attempts ----------------------------------------------------------
def test_passwords_are_stored_with_argon2(settings, dept_xs1):
    settings.PASSWORD_HASHERS = PROJECT_HASHERS
    user = make_user("zhangsan", department=dept_xs1, display_name="张三")
    assert user.password.startswith("argon2")
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)


def test_an_older_hash_is_upgraded_to_argon2_at_login(settings, client, dept_xs1):
    # given a password hashed with PBKDF2 (e.g. migrated from an older system)
    settings.PASSWORD_HASHERS = PROJECT_HASHERS
    user = make_user("zhangsan", department=dept_xs1, display_name="张三")
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    # when the user logs in, then the stored hash becomes Argon2
    assert log_in(client).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2")


def test_a_successful_login_is_audited(client, salesperson):
    response = log_in(client)
    assert response.status_code == 302
    assert is_logged_in(client)
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor, event.object_id, event.ip) == (salesperson, "zhangsan", "127.0.0.1")


def test_a_wrong_password_is_refused_and_audited(client, salesperson):
    response = log_in(client, password="wrong-password")
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()  # the form shows an error
    assert not is_logged_in(client)
    assert actions("auth.login_failed") == 1
    assert actions("auth.login") == 0


def test_an_unknown_user_is_refused_like_a_wrong_password(client, salesperson):
    response = log_in(client, username="nobody")
    assert response.status_code == 400
    assert actions("auth.login_failed", "nobody") == 1


def test_an_inactive_user_cannot_log_in(client, salesperson):
    salesperson.is_active = False
    salesperson.save(update_fields=["is_active"])
    response = log_in(client)
    assert response.status_code == 400
    assert not is_logged_in(client)
    assert actions("auth.login_failed") == 1


# --- Throttling (policy.core.login_max_failures / login_lockout_minutes) ---------------------------
def test_after_the_allowed_failures_even_the_right_password_is_refused(client, salesperson, frozen):
    # given as many failures as the policy allows
    limit = current_policy().core.login_max_failures
    for _ in range(limit):
        assert log_in(client, password="wrong-password").status_code == 400
    # when the right password comes next
    response = log_in(client)
    # then it is refused, nobody is logged in, and the refusal is audited as throttled
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not is_logged_in(client)
    assert actions("auth.login_failed") == limit
    assert actions("auth.login_throttled") == 1
    assert actions("auth.login") == 0


def test_one_failure_fewer_than_the_limit_still_lets_the_user_in(client, salesperson, frozen):
    for _ in range(current_policy().core.login_max_failures - 1):
        log_in(client, password="wrong-password")
    assert log_in(client).status_code == 302
    assert actions("auth.login_throttled") == 0


def test_login_works_again_after_the_lockout_period(client, salesperson, frozen):
    core = current_policy().core
    for _ in range(core.login_max_failures):
        log_in(client, password="wrong-password")
    # still locked just before the period ends
    frozen.shift(dt.timedelta(minutes=core.login_lockout_minutes - 1))
    assert log_in(client).status_code == 400
    # when the lockout period has passed since the failures
    frozen.shift(dt.timedelta(minutes=2))
    response = log_in(client)
    # then the right password works
    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_success_resets_the_failure_count(client, salesperson, frozen):
    limit = current_policy().core.login_max_failures
    for _ in range(limit - 1):
        log_in(client, password="wrong-password")
    assert log_in(client).status_code == 302
    client.post(LOGOUT)
    for _ in range(limit - 1):
        log_in(client, password="wrong-password")
    assert log_in(client).status_code == 302


@pytest.fixture
def waits(monkeypatch):
    """The delays login attempts wait, recorded instead of slept."""
    from xindang.accounts import services

    recorded = []
    monkeypatch.setattr(services, "sleep", recorded.append)
    return recorded


def test_twenty_failures_from_one_address_lock_nobody_out(client, salesperson, frozen, waits):
    """Behind an office NAT, one address's failures (many names, each under its own
    limit) never lock out a user with the right password; the address is slowed down instead."""
    # given twenty failures from one address, spread over names (none reaches its own limit)
    for i in range(20):
        assert log_in(client, username=f"guess{i % 5}", password="wrong-password").status_code == 400
    # when a real user logs in from that address with the right password
    response = log_in(client)
    # then it works, after a delay; nothing was throttled
    assert response.status_code == 302 and is_logged_in(client)
    assert actions("auth.login_throttled") == 0
    core = current_policy().core
    assert waits and waits[-1] == min(
        core.login_ip_max_delay_seconds,
        core.login_ip_delay_step_seconds * (20 - core.login_ip_slowdown_after + 1),
    )


def test_an_address_is_slowed_down_step_by_step_up_to_the_longest_delay(client, db, frozen, waits):
    core = current_policy().core
    for i in range(core.login_ip_slowdown_after + 30):
        log_in(client, username=f"guess{i}", password="wrong-password")
    assert waits[0] == core.login_ip_delay_step_seconds  # the first attempt after the allowance
    assert waits == sorted(waits) and max(waits) == core.login_ip_max_delay_seconds
    # another address is not slowed down
    waits.clear()
    log_in(Client(REMOTE_ADDR="10.1.2.3"), username="guess0", password="wrong-password")
    assert waits == []


@pytest.mark.parametrize(
    ("failures", "after", "step", "longest", "delay"),
    [
        (0, 10, 0.5, 5, 0),
        (9, 10, 0.5, 5, 0),
        (10, 10, 0.5, 5, 0.5),
        (13, 10, 0.5, 5, 2.0),
        (100, 10, 0.5, 5, 5),
    ],
)
def test_address_delay(failures, after, step, longest, delay):
    from xindang.accounts.services import address_delay

    assert address_delay(failures, after=after, step=step, longest=longest) == delay


def test_a_user_name_is_locked_from_every_address(salesperson, frozen, waits):
    # given the allowed failures for one name, each from a different address
    for i in range(current_policy().core.login_max_failures):
        log_in(Client(REMOTE_ADDR=f"10.0.0.{i + 1}"), password="wrong-password")
    # then the right password is refused from yet another address, and another name logs in there
    fresh = Client(REMOTE_ADDR="10.9.9.9")
    assert log_in(fresh).status_code == 400
    assert actions("auth.login_throttled") == 1
    make_user("lisi2")
    assert log_in(fresh, username="lisi2").status_code == 302


# --- Language: Chinese first, a user's choice sticks (middleware.UserLanguageMiddleware) -------------
def test_chinese_is_the_default_whatever_the_browser_asks(client, db):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-CN">' in response.content.decode()


def test_an_anonymous_visitor_switches_the_login_page_to_english(client, db):
    response = client.post(LANGUAGE, {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    page = client.get(LOGIN)
    assert page["Content-Language"] == "en"
    assert '<html lang="en">' in page.content.decode()
    # and back
    client.post(LANGUAGE, {"language": "zh-hans", "next": LOGIN})
    assert client.get(LOGIN)["Content-Language"] == "zh-hans"


def test_an_unknown_language_falls_back_to_chinese(client, db):
    client.post(LANGUAGE, {"language": "fr", "next": LOGIN})
    assert client.get(LOGIN)["Content-Language"] == "zh-hans"


def test_a_users_language_is_stored_and_sticks_across_logins(client, salesperson):
    # given a logged-in user who chooses English
    log_in(client)
    client.post(LANGUAGE, {"language": "en", "next": "/"})
    salesperson.refresh_from_db()
    assert salesperson.language == "en"
    assert client.get("/")["Content-Language"] == "en"
    # when they log out and log in again from another browser (no language cookie)
    client.post(LOGOUT)
    other_browser = Client()
    assert log_in(other_browser).status_code == 302
    # then the application still speaks English to them
    response = other_browser.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"


def test_a_users_stored_language_beats_the_cookie(client, salesperson):
    salesperson.language = "en"
    salesperson.save(update_fields=["language"])
    client.cookies["django_language"] = "zh-hans"
    log_in(client)
    assert client.get("/")["Content-Language"] == "en"


# --- Redirect after login: never to another site --------------------------------------------------
@pytest.mark.parametrize(
    ("next_url", "location"),
    [
        ("/customers/", "/customers/"),
        ("https://evil.example.com/steal", "/"),
        ("//evil.example.com/", "/"),
        ("http://testserver.evil.example.com/", "/"),
        ("javascript:alert(1)", "/"),
        ("", "/"),
    ],
)
def test_next_redirects_only_within_the_site(client, salesperson, next_url, location):
    response = log_in(client, next=next_url)
    assert response.status_code == 302
    assert response["Location"] == location


def test_next_from_the_query_string_is_checked_too(client, salesperson):
    response = client.post(
        f"{LOGIN}?next=https://evil.example.com/", {"username": "zhangsan", "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_a_logged_in_user_visiting_the_login_page_is_sent_on_safely(client, salesperson):
    log_in(client)
    assert client.get(f"{LOGIN}?next=https://evil.example.com/")["Location"] == "/"


# --- Idle timeout (policy.core.session_timeout_minutes) ---------------------------------------------
def test_an_idle_session_ends_after_the_timeout(client, salesperson, frozen):
    timeout = current_policy().core.session_timeout_minutes
    log_in(client)
    assert client.get("/").status_code == 200
    # a pause shorter than the timeout keeps the session
    frozen.shift(dt.timedelta(minutes=timeout - 1))
    assert client.get("/").status_code == 200
    # when the user is idle longer than the timeout
    frozen.shift(dt.timedelta(minutes=timeout + 1))
    response = client.get("/")
    # then they are sent to the login page, told why, and logged out
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "timeout=1" in response["Location"]
    assert not is_logged_in(client)
    assert client.get(response["Location"]).status_code == 200

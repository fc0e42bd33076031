"""`manage.py demo` on a database it fills: built once for this module (in a transaction rolled back
at its end; each test's own changes are rolled back after it), since building it is most of the cost.
What the demo makes: users for every role, departments, plausible and valid files with their history;
a second run adds files and keeps the users; --if-empty and --print-logins change nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from xindang.accounts.models import Department, User
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.customers import rules
from xindang.customers.demo.organisation import DEMO_PASSWORD
from xindang.customers.models import Contact, Customer, StatusChange

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_suite]  # the demo is what `make run` builds
FILES = 30


def run_demo(**options) -> str:
    out = StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    """The demo of FILES files, for every test of the module; nothing of it outlives the module."""
    # the personas' fast hasher (conftest.py), which the tests' check_password uses
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            run_demo(customers=FILES)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_demo_creates_users_for_every_role_departments_and_valid_files():
    # every role has a user, with a department and the demo password
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    assert not User.objects.filter(department__isnull=True).exists()
    assert User.objects.get(username="xiaoshou1").check_password(DEMO_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    assert set(Department.objects.values_list("code", flat=True)) >= {"XS1", "XS2", "HD", "CG", "XY", "DA"}
    # FILES files with valid credit codes, unique file numbers of their department, search fields
    customers = list(Customer.objects.select_related("department", "owner"))
    assert len(customers) == FILES
    assert len({c.file_no for c in customers}) == FILES
    for c in customers:
        assert rules.credit_code_problem(c.credit_code) is None
        assert c.region == rules.province_of_credit_code(c.credit_code)
        assert c.file_no.startswith(f"{c.department.code}-")
        assert c.owner.has_role(Role.SALESPERSON)
        assert c.name_initials and c.name_initials in c.search_text
    # history: a creation row per file, and some files edited through the service
    assert Customer.history.filter(history_type="+").count() == FILES
    assert Customer.history.filter(history_type="~").exists()
    assert AuditEvent.objects.filter(action="customer.update").exists()
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1
    assert Contact.objects.count() >= FILES
    assert Contact.history.count() >= Contact.objects.count()


def test_closed_files_have_their_status_change():
    closed = Customer.objects.filter(status__in=["suspended", "past"])
    assert closed.exists()
    for c in closed:
        assert StatusChange.objects.filter(customer=c, to_status=c.status).exists()


def test_if_empty_adds_nothing_when_files_exist():
    users = User.objects.count()
    out = run_demo(customers=5, if_empty=True)
    assert Customer.objects.count() == FILES
    assert User.objects.count() == users
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1
    assert "exist" in out


def test_second_run_adds_files_and_keeps_users():
    users = User.objects.count()
    run_demo(customers=5)
    assert Customer.objects.count() == FILES + 5
    assert User.objects.count() == users
    assert Customer.objects.values("credit_code").distinct().count() == FILES + 5


def test_print_logins_lists_the_demo_users_and_changes_nothing():
    events = AuditEvent.objects.count()
    out = run_demo(print_logins=True)
    assert Customer.objects.count() == FILES
    assert AuditEvent.objects.count() == events
    assert "xinyong" in out and "信用管理员" in out and "Credit manager" in out
    assert DEMO_PASSWORD in out and "http://127.0.0.1:8000" in out


def test_each_tests_changes_are_rolled_back():
    # after the second run above added files, this test sees the demo as built
    assert Customer.objects.count() == FILES

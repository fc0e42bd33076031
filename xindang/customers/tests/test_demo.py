"""`manage.py demo`: demo users for every role, departments and plausible, valid customer files."""

from io import StringIO

import pytest
from django.core.management import call_command

from xindang.accounts.models import Department, User
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.customers import rules
from xindang.customers.demo.generator import DemoGenerator
from xindang.customers.demo.organisation import DEMO_PASSWORD
from xindang.customers.models import Contact, Customer, StatusChange

pytestmark = pytest.mark.sqlite_suite  # the demo is what `make run` builds


def run_demo(**options) -> str:
    out = StringIO()
    call_command("demo", stdout=out, **options)
    return out.getvalue()


def test_generated_credit_codes_are_valid_and_registered_where_the_company_is():
    # given a generator; when it makes companies; then every credit code (and related company's) is
    # valid and its positions 3–4 name the company's province
    gen = DemoGenerator(7)
    companies = [gen.company() for _ in range(300)]
    for c in companies:
        assert rules.credit_code_problem(c.credit_code) is None
        assert rules.province_of_credit_code(c.credit_code) == c.region
        for rel in c.related_companies:
            assert rules.credit_code_problem(rel["credit_code"]) is None
    assert len({c.credit_code for c in companies}) == 300
    assert len({rules.normalize_name(c.name) for c in companies}) == 300


def test_generator_is_deterministic_for_a_seed():
    def sample(seed):
        gen = DemoGenerator(seed)
        return [
            (c.name, c.credit_code, c.fields["address"], c.status) for c in (gen.company() for _ in range(5))
        ]

    assert sample(1) == sample(1)
    assert sample(1) != sample(2)


def test_generator_avoids_taken_credit_codes_and_names():
    used = DemoGenerator(3).company()
    gen = DemoGenerator(3, taken_codes=[used.credit_code], taken_names=[used.name])
    fresh = gen.company()
    assert fresh.credit_code != used.credit_code
    assert rules.normalize_name(fresh.name) != rules.normalize_name(used.name)


@pytest.mark.django_db
def test_demo_creates_users_for_every_role_departments_and_valid_files():
    # when
    run_demo(customers=30)
    # then: every role has a user, with a department and the demo password
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    assert not User.objects.filter(department__isnull=True).exists()
    assert User.objects.get(username="xiaoshou1").check_password(DEMO_PASSWORD)
    admin = User.objects.get(username="admin")
    assert admin.is_staff and not admin.is_superuser
    assert set(Department.objects.values_list("code", flat=True)) >= {"XS1", "XS2", "HD", "CG", "XY", "DA"}
    # 30 files with valid credit codes, unique file numbers of their department, search fields
    customers = list(Customer.objects.select_related("department", "owner"))
    assert len(customers) == 30
    assert len({c.file_no for c in customers}) == 30
    for c in customers:
        assert rules.credit_code_problem(c.credit_code) is None
        assert c.region == rules.province_of_credit_code(c.credit_code)
        assert c.file_no.startswith(f"{c.department.code}-")
        assert c.owner.has_role(Role.SALESPERSON)
        assert c.name_initials and c.name_initials in c.search_text
    # history: a creation row per file, and some files edited through the service
    assert Customer.history.filter(history_type="+").count() == 30
    assert Customer.history.filter(history_type="~").exists()
    assert AuditEvent.objects.filter(action="customer.update").exists()
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1
    assert Contact.objects.count() >= 30
    assert Contact.history.count() >= Contact.objects.count()


@pytest.mark.django_db
def test_closed_files_have_their_status_change():
    run_demo(customers=30)
    closed = Customer.objects.filter(status__in=["suspended", "past"])
    assert closed.exists()
    for c in closed:
        assert StatusChange.objects.filter(customer=c, to_status=c.status).exists()


@pytest.mark.django_db
def test_if_empty_adds_nothing_when_files_exist():
    run_demo(customers=5)
    users = User.objects.count()
    out = run_demo(customers=5, if_empty=True)
    assert Customer.objects.count() == 5
    assert User.objects.count() == users
    assert AuditEvent.objects.filter(action="demo.seed").count() == 1
    assert "exist" in out


@pytest.mark.django_db
def test_second_run_adds_files_and_keeps_users():
    run_demo(customers=5)
    users = User.objects.count()
    run_demo(customers=5)
    assert Customer.objects.count() == 10
    assert User.objects.count() == users
    assert Customer.objects.values("credit_code").distinct().count() == 10


@pytest.mark.django_db
def test_print_logins_lists_the_demo_users_and_changes_nothing():
    run_demo(customers=1)
    out = run_demo(print_logins=True)
    assert Customer.objects.count() == 1
    assert "xinyong" in out and "信用管理员" in out and "Credit manager" in out
    assert DEMO_PASSWORD in out and "http://127.0.0.1:8000" in out


@pytest.mark.django_db
def test_print_logins_on_an_empty_database_says_to_run_demo():
    out = run_demo(print_logins=True)
    assert "xinyong" not in out
    assert User.objects.count() == 0

"""`manage.py demo`: demo users for every role, departments and plausible, valid customer files."""

from io import StringIO

import pytest
from django.core.management import call_command

from xindang.accounts.models import User
from xindang.customers import rules
from xindang.customers.demo.generator import DemoGenerator

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
def test_print_logins_on_an_empty_database_says_to_run_demo():
    out = run_demo(print_logins=True)
    assert "xinyong" not in out
    assert User.objects.count() == 0

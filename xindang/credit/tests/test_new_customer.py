"""Who is a new customer (新开发的客户, 002 第十八条 原则上新开发……的客户不应列入信用A级) is a policy
value of its own with its article, not the A condition of 第十五条(1)."""

import pytest

from xindang.credit import selectors
from xindang.credit.sections import CreditSection
from xindang.policy.sections import SECTIONS
from xindang.testing.samples import set_policy


def test_the_policy_carries_the_new_customer_months_with_its_article():
    assert CreditSection().new_customer_months == 12  # the default, one year (after 第十五条(1))
    info = SECTIONS["credit"]
    readings = [r for r in info.readings if "new_customer_months" in r.fields]
    assert [r.article for r in readings] == ["002 第十八条"]


# (new_customer_months, a_min_cooperation_months, is new) for a customer of about three years.
CASES = [
    (12, 12, False),  # the defaults
    (48, 12, True),  # a longer "new" period: still new, whatever the A condition says
    (12, 48, False),  # a stricter A condition does not make the customer new
]


@pytest.mark.django_db
@pytest.mark.parametrize(("new_months", "a_months", "is_new"), CASES)
def test_002_article_18_new_customer_follows_its_own_value(
    investigate, customer, sysadmin, docs_complete, new_months, a_months, is_new
):
    investigate(customer)
    set_policy(sysadmin, "credit", new_customer_months=new_months, a_min_cooperation_months=a_months)
    facts = selectors.rating_facts(customer)
    assert 35 <= facts.months_of_cooperation < 48
    assert facts.is_new is is_new
    assert ("b.new_customer" in [r.code for r in selectors.compute_rating(customer).reasons]) is is_new

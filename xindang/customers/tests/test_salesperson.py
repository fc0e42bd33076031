"""The file's salesperson (业务员) is an active salesperson of the file's department (seed 001:
客户———收集———业务员传递———档案管理员; 专人负责): offered so in the form and checked by the service,
so neither the administrator nor a credit manager nor another department's salesperson is saved."""

import re

import pytest
from django.urls import reverse

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.core.errors import DomainError
from xindang.customers import rules
from xindang.customers.errors import CustomerError
from xindang.customers.models import Customer

from .test_views import _form_data


def _owner_select(client) -> str:
    html = client.get(reverse("customers:create")).content.decode()
    return re.search(r'<select name="owner".*?</select>', html, re.S).group(0)


@pytest.mark.parametrize(
    "is_active, is_salesperson, owner_dept, dept, problem",
    [
        (True, True, 1, 1, None),  # a salesperson of the file's department
        (False, True, 1, 1, rules.OWNER_INACTIVE),  # a leaver
        (True, False, 1, 1, rules.OWNER_NOT_SALESPERSON),  # the administrator, a credit manager…
        (True, True, 2, 1, rules.OWNER_OTHER_DEPARTMENT),  # another department's salesperson
        (True, True, None, 1, rules.OWNER_OTHER_DEPARTMENT),  # a salesperson without department
    ],
)
def test_owner_problem(is_active, is_salesperson, owner_dept, dept, problem):
    assert (
        rules.owner_problem(
            is_active=is_active,
            is_salesperson=is_salesperson,
            owner_department_id=owner_dept,
            department_id=dept,
        )
        == problem
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["sysadmin", "credit_manager", "other_salesperson", "manager"])
def test_only_a_salesperson_of_the_department_is_saved_as_salesperson(
    request, credit_manager, dept_xs1, make_customer, who
):
    # given a credit manager (sees every file) opening a file of 销售一部 for someone not eligible
    owner = request.getfixturevalue(who)
    # when it is saved, it is refused and nothing is saved
    with pytest.raises(DomainError) as exc:
        make_customer(owner, by=credit_manager, department=dept_xs1)
    assert exc.value.code == CustomerError.OWNER_NOT_A_SALESPERSON
    assert exc.value.field == "owner"
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_change_of_salesperson_is_checked_too(credit_manager, salesperson, sysadmin, make_customer):
    from xindang.customers import services

    customer = make_customer(salesperson, by=credit_manager)
    with pytest.raises(DomainError) as exc:
        services.update_customer(
            by=credit_manager,
            customer_id=customer.pk,
            expected_version=customer.version,
            data={"owner": sysadmin},
        )
    assert exc.value.code == CustomerError.OWNER_NOT_A_SALESPERSON
    assert Customer.objects.get().owner == salesperson


@pytest.mark.django_db
def test_the_form_offers_the_departments_salespeople_only(
    client, credit_manager, salesperson, other_salesperson, manager, sysadmin
):
    # given a credit manager opening a new file
    client.force_login(credit_manager)
    html = _owner_select(client)
    # then the salesperson list has the salespeople, grouped by department, and nobody else
    assert f'<option value="{salesperson.pk}"' in html
    assert f'<option value="{other_salesperson.pk}"' in html
    assert '<optgroup label="销售一部 (XS1)">' in html
    for not_eligible in (sysadmin, credit_manager, manager):
        assert f'<option value="{not_eligible.pk}"' not in html
    # when the administrator is posted as salesperson anyway
    data = _form_data(department=salesperson.department_id, owner=sysadmin.pk)
    response = client.post(reverse("customers:create"), data)
    # then the form answers with the error at the field and nothing is saved
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors
    assert not Customer.objects.exists()
    # and another department's salesperson for a 销售一部 file is refused by the server
    data = _form_data(department=salesperson.department_id, owner=other_salesperson.pk)
    response = client.post(reverse("customers:create"), data)
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors
    assert not Customer.objects.exists()


@pytest.mark.django_db
def test_a_department_manager_assigns_files_to_the_departments_salespeople(
    client, manager, salesperson, dept_xs1
):
    colleague = make_user("zhaosi", Role.SALESPERSON, department=dept_xs1)
    client.force_login(manager)
    html = _owner_select(client)
    assert f'<option value="{salesperson.pk}"' in html and f'<option value="{colleague.pk}"' in html
    assert f'<option value="{manager.pk}"' not in html
    data = _form_data(department=dept_xs1.pk, owner=colleague.pk)
    assert client.post(reverse("customers:create"), data).status_code == 302
    assert Customer.objects.get().owner == colleague

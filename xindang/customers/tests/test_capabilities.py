"""Every public write service of the customer file checks the actor's capability itself:
called directly, as a user without the capability, it refuses with customer.permission_denied
and changes nothing — whatever the view or API route in front of it checks."""

import uuid

import pytest

from xindang.core.errors import DomainError
from xindang.customers import services
from xindang.customers.importing import services as importing
from xindang.customers.models import Customer, ImportBatch

pytestmark = pytest.mark.django_db


def _create(by, customer):
    services.create_customer(by=by, data={"name": "长江实业有限公司", "department": customer.department})


def _update(by, customer):
    services.update_customer(
        by=by, customer_id=customer.pk, expected_version=customer.version, data={"phone": "1"}
    )


def _status(by, customer):
    services.change_status(by=by, customer_id=customer.pk, to_status="suspended", reason="停止合作")


def _confirm(by, customer):
    batch = ImportBatch.objects.create(
        created_by=by, token=uuid.uuid4(), original_name="x.csv", stored_name="imports/x", file_format="csv"
    )
    importing.run_import(batch=batch, by=by)


# (service, persona without the capability): the archivist and the CFO read files but never write
# them; a salesperson neither changes a file's status nor imports (customers.permissions.ROLE_GRANTS).
CASES = [
    (_create, "archivist"),
    (_create, "cfo"),
    (_update, "archivist"),
    (_update, "gm"),
    (_status, "salesperson"),
    (_status, "archivist"),
    (_confirm, "salesperson"),
    (_confirm, "cfo"),
]


@pytest.mark.parametrize(("call", "persona"), CASES, ids=lambda v: getattr(v, "__name__", v))
def test_a_write_service_refuses_an_actor_without_the_capability(
    request, make_customer, salesperson, call, persona
):
    customer = make_customer(salesperson)
    before = Customer.objects.get(pk=customer.pk)
    actor = request.getfixturevalue(persona)
    with pytest.raises(DomainError) as err:
        call(actor, customer)
    assert err.value.code == "customer.permission_denied"
    after = Customer.objects.get(pk=customer.pk)
    assert (after.version, after.status, after.phone) == (before.version, before.status, before.phone)
    assert Customer.objects.count() == 1


def test_an_inactive_user_writes_nothing(make_customer, salesperson):
    customer = make_customer(salesperson)
    salesperson.is_active = False
    salesperson.save()
    with pytest.raises(DomainError) as err:
        _update(salesperson, customer)
    assert err.value.code == "customer.permission_denied"

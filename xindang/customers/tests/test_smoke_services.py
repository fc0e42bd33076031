import pytest

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.customers import services
from xindang.customers.errors import CustomerError


@pytest.mark.django_db
def test_create_update_and_stale(salesperson, make_customer):
    c = make_customer(salesperson, name="华夏科技有限公司")
    assert c.file_no.startswith("XS1-")
    assert "hxkj" in c.search_text
    r = services.update_customer(by=salesperson, customer_id=c.pk, expected_version=1, data={"phone": "010-1"})
    assert r.changes == {"phone": ["", "010-1"]}
    with pytest.raises(DomainError) as e:
        services.update_customer(by=salesperson, customer_id=c.pk, expected_version=1, data={"phone": "010-2"})
    assert e.value.code == CustomerError.STALE
    assert AuditEvent.objects.filter(action="customer.update").count() == 1

"""Reads: a customer's related-party group and its balance statements (对帐单, 002 第三十五条)."""

import pytest
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_group_and_statements(client, salesperson, other_salesperson, make_customer):
    from xindang.ledger.collection import services

    a = make_customer(salesperson, name="甲公司", phone="010-62345678")
    b = make_customer(salesperson, name="乙公司", phone="01062345678")
    hidden = make_customer(other_salesperson, name="丙公司", phone="(010)62345678")
    services.issue_statement(customer=a, as_of=timezone.localdate(), by=salesperson)
    client.force_login(salesperson)
    body = client.get(f"/api/customer-groups/{a.pk}").json()
    by_id = {m["customer_id"]: m for m in body["members"]}
    assert set(by_id) == {a.pk, b.pk, None}
    assert by_id[b.pk]["links"][0]["role"] == "phone" and by_id[b.pk]["links"][0]["value"] == "01062345678"
    assert by_id[None]["name"] == "" and by_id[None]["links"][0]["value"] == ""  # 丙公司 is not the reader's
    assert client.get(f"/api/customer-groups/{hidden.pk}").status_code == 404
    assert client.get(f"/api/customer-groups/{2**63}").status_code == 422
    rows = client.get(f"/api/balance-statements/{a.pk}").json()
    assert len(rows) == 1 and rows[0]["status"] == "sent" and rows[0]["customer_id"] == a.pk
    assert client.get(f"/api/balance-statements/{hidden.pk}").status_code == 404

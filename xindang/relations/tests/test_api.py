"""Read endpoints for complaints and visits: visibility as on the screens."""

import pytest

from conftest import PASSWORD
from xindang.relations import services

pytestmark = pytest.mark.django_db


def test_complaints_and_visits_through_the_api(
    client, customer, salesperson, other_salesperson, service_agent
):
    c = services.receive_complaint(
        by=salesperson,
        customer_id=customer.pk,
        data={"product": "热轧钢板", "content": "锈蚀", "severity": "serious"},
    )
    v = services.plan_visit(
        by=salesperson, customer_id=customer.pk, agent=service_agent, data={"purpose": "回访"}
    )
    assert client.login(username=salesperson.username, password=PASSWORD)
    body = client.get("/api/relations/complaints", {"open": "true"}).json()
    assert body["count"] == 1 and body["results"][0]["complaint_no"] == c.complaint_no
    assert body["results"][0]["severity"] == "serious" and body["results"][0]["due_on"]
    assert client.get(f"/api/relations/complaints/{c.pk}").json()["status"] == "received"
    assert client.get(f"/api/relations/visits/{v.pk}").json()["purpose"] == "回访"
    client.logout()
    assert client.login(username=other_salesperson.username, password=PASSWORD)
    assert client.get(f"/api/relations/complaints/{c.pk}").status_code == 404
    assert client.get("/api/relations/complaints").json()["count"] == 0
    assert client.get(f"/api/relations/visits/{v.pk}").status_code == 404
    client.logout()
    assert client.login(username=service_agent.username, password=PASSWORD)
    assert client.get("/api/relations/visits", {"mine": "true"}).json()["count"] == 1


def test_the_api_needs_the_capability(client, archivist):
    assert client.login(username=archivist.username, password=PASSWORD)
    assert client.get("/api/relations/complaints").status_code == 403

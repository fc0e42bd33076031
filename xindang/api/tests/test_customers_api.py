import pytest

from conftest import make_credit_code
from xindang.audit.models import AuditEvent


@pytest.fixture
def api_client(client, salesperson):
    client.force_login(salesperson)
    return client


def test_openapi_schema_is_served(api_client):
    response = api_client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/customers" in response.json()["paths"]


def test_anonymous_is_refused(client, db):
    assert client.get("/api/customers").status_code in (401, 403)


def test_create_list_get_patch_status(api_client, salesperson, manager):
    code = make_credit_code()
    r = api_client.post(
        "/api/customers",
        {
            "name": "华夏科技有限公司",
            "department": "XS1",
            "credit_code": code,
            "registered_capital": "5000000",
            "founded_on": "2010-05-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["file_no"].startswith("XS1-") and body["department"] == "XS1" and body["owner"] == "zhangsan"
    cid = body["id"]
    listed = api_client.get("/api/customers", {"q": "hxkj"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == cid
    detail = api_client.get(f"/api/customers/{cid}").json()
    assert detail["credit_code"] == code and detail["contacts"] == []
    assert AuditEvent.objects.filter(action="customer.view", object_id=str(cid)).exists()
    r = api_client.patch(
        f"/api/customers/{cid}",
        {"version": 1, "fields": {"phone": "010-88", "founded_on": "2010-05-01"}},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["phone"] == "010-88"
    stale = api_client.patch(
        f"/api/customers/{cid}",
        {"version": 1, "fields": {"phone": "010-99"}},
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["code"] == "customer.stale"
    bad = api_client.patch(
        f"/api/customers/{cid}",
        {"version": 2, "fields": {"founded_on": "not a date"}},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["code"] == "customer.invalid"
    # salespeople may not change trade status
    assert (
        api_client.post(
            f"/api/customers/{cid}/status",
            {"to_status": "active", "reason": "首单"},
            content_type="application/json",
        ).status_code
        == 403
    )


def test_duplicate_credit_code_is_409_with_existing_id(api_client, make_customer, salesperson):
    existing = make_customer(salesperson)
    r = api_client.post(
        "/api/customers",
        {"name": "另一家公司", "department": "XS1", "credit_code": existing.credit_code},
        content_type="application/json",
    )
    assert r.status_code == 409
    assert r.json() == {
        "code": "customer.duplicate_credit_code",
        "message": r.json()["message"],
        "field": "credit_code",
        "existing_id": existing.pk,
    }


def test_invisible_file_is_404(client, other_salesperson, salesperson, make_customer):
    customer = make_customer(salesperson)
    client.force_login(other_salesperson)
    assert client.get(f"/api/customers/{customer.pk}").status_code == 404
    assert client.get("/api/customers").json()["count"] == 0

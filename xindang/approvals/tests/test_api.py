"""GET /api/approvals/{id} and GET /api/approvals?status=pending&mine=1."""

import pytest

from xindang.approvals import services

pytestmark = pytest.mark.django_db


def test_get_one_with_steps(client, submit, marketing_manager):
    approval = submit()
    services.approve_step(approval=approval, approver=marketing_manager)
    client.force_login(marketing_manager)
    body = client.get(f"/api/approvals/{approval.pk}").json()
    assert body["status"] == "pending" and body["kind"] == "test.thing"
    assert body["object_type"] == "customers.customer" and body["current_role"] == "vp_marketing"
    assert [(s["position"], s["status"], s["acted_by"]) for s in body["steps"]] == [
        (1, "approved", "wujiu"),
        (2, "pending", None),
    ]


def test_outsider_gets_404_and_anonymous_is_refused(client, submit, other_salesperson):
    approval = submit()
    assert client.get(f"/api/approvals/{approval.pk}").status_code in (401, 403)
    client.force_login(other_salesperson)
    assert client.get(f"/api/approvals/{approval.pk}").status_code == 404


def test_list_mine_pending_and_waiting(client, submit, salesperson, marketing_manager):
    approval = submit()
    client.force_login(salesperson)
    body = client.get("/api/approvals", {"status": "pending", "mine": 1}).json()
    assert [r["id"] for r in body["results"]] == [approval.pk]
    assert client.get("/api/approvals", {"status": "approved", "mine": 1}).json()["count"] == 0
    assert client.get("/api/approvals", {"waiting": 1}).json()["count"] == 0
    client.force_login(marketing_manager)
    assert [r["id"] for r in client.get("/api/approvals", {"waiting": 1}).json()["results"]] == [approval.pk]


def test_openapi_lists_the_approvals_paths(client, salesperson):
    client.force_login(salesperson)
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/approvals" in paths and "/api/approvals/{approval_id}" in paths

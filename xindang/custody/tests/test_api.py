"""The lookup API: list, ask, read one with its decision state; bad input answers with its code."""

from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import approve

pytestmark = pytest.mark.django_db


def _payload(customer, docs, **extra):
    today = timezone.localdate()
    return {
        "customer_id": customer.pk,
        "purpose": "签订新合同前核对资信",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=3)).isoformat(),
        "document_ids": [docs["contract"].pk],
        **extra,
    }


def test_ask_then_read_the_decision_state(client, other_salesperson, customer, docs, archive_leader, gm):
    client.force_login(other_salesperson)
    r = client.post("/api/custody/lookups", _payload(customer, docs), content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "pending" and body["chain"] == ["archive_leader", "general_manager"]
    assert body["current_role"] == "archive_leader" and body["document_ids"] == [docs["contract"].pk]
    from xindang.custody.models import LookupRequest

    approve(LookupRequest.objects.get(pk=body["id"]), archive_leader, gm)
    one = client.get(f"/api/custody/lookups/{body['id']}").json()
    assert one["status"] == "approved" and one["phase"] == "open" and one["current_role"] is None
    listed = client.get("/api/custody/lookups", {"state": "open"}).json()
    assert [x["id"] for x in listed["results"]] == [body["id"]]


@pytest.mark.parametrize(
    ("extra", "status", "code"),
    [
        ({"purpose": ""}, 422, "custody.no_purpose"),
        ({"document_ids": []}, 422, "custody.nothing_asked"),
        ({"document_ids": [999999]}, 422, "custody.foreign_document"),
    ],
)
def test_bad_requests_answer_with_their_code(client, other_salesperson, customer, docs, extra, status, code):
    client.force_login(other_salesperson)
    r = client.post(
        "/api/custody/lookups", _payload(customer, docs, **extra), content_type="application/json"
    )
    assert r.status_code == status and r.json()["code"] == code


def test_a_request_of_someone_else_is_not_found(client, colleague, other_salesperson, customer, docs, ask):
    lookup = ask(other_salesperson, customer, [docs["contract"]])
    client.force_login(colleague)
    assert client.get(f"/api/custody/lookups/{lookup.pk}").status_code == 404
    assert client.get("/api/custody/lookups").json()["count"] == 0

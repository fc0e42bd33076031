"""The card over the API: read, fill in, submit (a blank refused with its stable code)."""

import json

import pytest

pytestmark = pytest.mark.django_db


def _post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_read_fill_and_submit_the_card(client, salesperson, make_prospect, today):
    from .conftest import FULL_CARD

    prospect = make_prospect(salesperson)
    client.force_login(salesperson)
    url = f"/api/onboarding/{prospect.pk}/card"
    empty = client.get(url).json()
    assert (empty["onboarded"], empty["status"]) == (False, None)
    partial = _post(client, url, {"head_office": "上海市浦东新区", "first_contact_on": str(today)}).json()
    assert partial["status"] == "draft" and "trading_site" in partial["blank_fields"]
    refused = _post(client, url + "/submit")
    assert refused.status_code == 422 and refused.json()["code"] == "onboarding.card_incomplete"
    full = {k: str(v) for k, v in FULL_CARD.items() if v is not None}
    assert _post(client, url, full).json()["blank_fields"] == []
    submitted = _post(client, url + "/submit").json()
    assert submitted["status"] == "submitted" and submitted["approval_id"]
    again = _post(client, url, {"head_office": "北京"})
    assert again.status_code == 409 and again.json()["code"] == "onboarding.card_not_editable"


def test_another_departments_card_is_not_found(client, other_salesperson, salesperson, make_prospect):
    prospect = make_prospect(salesperson)
    client.force_login(other_salesperson)
    assert client.get(f"/api/onboarding/{prospect.pk}/card").status_code == 404

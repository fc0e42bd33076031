"""Defaults follow the regulations' text; a departure is an explicit, labelled policy value."""

import pytest
from django.test import Client
from django.urls import reverse
from pydantic import BaseModel

from xindang.policy.models import PolicyVersion
from xindang.policy.sections import SECTIONS, Departure, Reading, register_section
from xindang.policy.selectors import policy_departures, section_defaults


def test_the_default_policy_departs_from_no_article():
    defaults = {name: section_defaults(name) for name in SECTIONS}
    assert policy_departures(defaults) == []


class _Sample(BaseModel):
    chairman_from: int = 0


@pytest.fixture
def sample_section():
    register_section(
        "zz_sample",
        _Sample,
        "sample",
        {"chairman_from": ("Chairman from", "")},
        departures=[Departure("chairman_from", "002 第三十条", lambda v: bool(v), "skips the chairman")],
        readings=[Reading("原则上", "002 第三十五条", ("chairman_from",), "as a rule")],
    )
    yield
    SECTIONS.pop("zz_sample")


def test_a_value_away_from_the_text_is_listed_with_its_article(sample_section):
    rows = policy_departures({"zz_sample": {"chairman_from": 1_000_000}})
    assert [(r.section, r.field, r.value, r.article) for r in rows] == [
        ("zz_sample", "chairman_from", 1_000_000, "002 第三十条")
    ]
    assert policy_departures({"zz_sample": {"chairman_from": 0}}) == []


def test_a_departure_must_name_a_field_of_its_section():
    with pytest.raises(ValueError, match="no field"):
        register_section("zz_bad", _Sample, "bad", {}, departures=[Departure("nope", "x", bool, "x")])
    assert "zz_bad" not in SECTIONS


@pytest.mark.django_db
def test_the_policy_page_says_the_default_has_no_departures(credit_manager):
    client = Client()
    client.force_login(credit_manager)
    page = client.get(reverse("policy:detail", args=[PolicyVersion.objects.get(number=1).pk]))
    assert page.status_code == 200
    assert page.context["departures"] == []
    assert 'data-testid="policy-departures"' in page.content.decode()

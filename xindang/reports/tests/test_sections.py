"""The analysis section of the policy: defaults from the text, departures listed with their article."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from xindang.policy.selectors import policy_departures
from xindang.reports.sections import ReportsSection


def test_defaults_follow_the_text():
    section = ReportsSection()
    assert (section.abc_a_pct, section.abc_b_pct, section.seasonal_years) == (Decimal(75), Decimal(20), 3)
    assert section.required_share_pct is None  # 第三条3(4) names no level
    assert [r for r in policy_departures({"reports": section.model_dump()}) if r.section == "reports"] == []


@pytest.mark.parametrize(
    "values, fields",
    [
        ({"abc_a_pct": 70}, ["abc_a_pct"]),
        ({"abc_b_pct": 25}, ["abc_b_pct"]),
        ({"seasonal_years": 2}, ["seasonal_years"]),
    ],
)
def test_other_cutoffs_or_years_are_departures(values, fields):
    rows = policy_departures({"reports": values})
    assert [r.field for r in rows if r.section == "reports"] == fields


def test_a_and_b_leave_a_share_for_c():
    with pytest.raises(ValidationError):
        ReportsSection(abc_a_pct=80, abc_b_pct=20)

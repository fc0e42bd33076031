"""The credit policy section: seed defaults and validation."""

import pytest
from pydantic import ValidationError

from xindang.credit.sections import CreditSection


def test_defaults_are_the_seed_numbers():
    s = CreditSection()
    assert s.scheme == "abc"
    assert s.a_min_cooperation_months == 12  # 002 第十五条(1): 一年或以上
    assert s.lookback_months == 24  # 002 第十五条(2): 过去2年内
    assert s.good_operations_years == 2  # 002 第十五条(4): 最近连续2年
    assert s.investigation_valid_months == 3  # default 3 months
    assert s.bing_max_employees == 100  # 004 客户信息管理制度 第九条: 员工不足100人
    assert s.rating_chain == ["marketing_manager", "finance_credit_controller", "general_manager"]


@pytest.mark.parametrize(
    "values",
    [
        {"scheme": "xyz"},
        {"investigation_valid_months": 13},  # at most 12
        {"rating_chain": ["nobody"]},
        {"rating_chain": []},
        {"key_data_fields": ["shoe_size"]},
        {"a_max_debt_ratio_pct": 90, "c_weak_debt_ratio_pct": 80},
        {"unknown": 1},
    ],
)
def test_invalid_values_are_refused(values):
    with pytest.raises(ValidationError):
        CreditSection(**values)


def test_retired_cap_fields_of_stored_versions_are_ignored():
    assert CreditSection.model_validate({"cap_jia_amount": "5000000"}).scheme == "abc"

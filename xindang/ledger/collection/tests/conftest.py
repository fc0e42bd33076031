"""Collection fixtures on top of the root personas: a customer file of 张三 (销售一部)."""

import pytest


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


@pytest.fixture
def other_customer(make_customer, other_salesperson):
    return make_customer(other_salesperson, name="长江机电设备有限公司")

"""Relations fixtures on top of the root personas: a customer file of 张三 (销售一部), the service roles."""

import pytest

from conftest import make_user
from xindang.accounts.roles import Role


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


@pytest.fixture
def service_agent(dept_xs1):
    return make_user("kefu1", Role.SERVICE_AGENT, department=dept_xs1, display_name="客服小刘")


@pytest.fixture
def supervisor(dept_xs1):
    return make_user("kefuzg", Role.SERVICE_SUPERVISOR, department=dept_xs1, display_name="客服主管老陈")


@pytest.fixture
def office_director(db):
    return make_user("bangongshi", Role.OFFICE_DIRECTOR, display_name="办公室主任")

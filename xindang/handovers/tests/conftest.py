"""Handover fixtures: a second salesperson of 销售一部 to take over, an approval kind, and helpers that
give the leaver open contracts, duties, requests and loans through their own services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.approvals import registry
from xindang.approvals import services as approval_services

KIND = "handovers.test"


@pytest.fixture
def successor(dept_xs1):
    return make_user("qianjin", Role.SALESPERSON, department=dept_xs1, display_name="钱进")


@pytest.fixture
def approval_kind():
    registry.register(KIND, on_approved=lambda a: None, label="交接测试审批")
    yield KIND
    registry.unregister(KIND)


@pytest.fixture
def submit(approval_kind):
    def _submit(customer, requested_by, chain=("department_manager",), title="临时授信申请"):
        return approval_services.submit_request(
            kind=KIND,
            obj=customer,
            chain=list(chain),
            requested_by=requested_by,
            title=title,
            customer=customer,
        )

    return _submit


@pytest.fixture
def make_contract(db):
    from xindang.contracts import services

    def _make(customer, by, **fields):
        data = {
            "title": fields.pop("title", "热轧钢板购销合同"),
            "kind": "sale",
            "amount": Decimal("1250000.00"),
            "currency": "CNY",
            "handler": fields.pop("handler", by),
            "starts_on": date(2026, 1, 1),
            "ends_on": date(2026, 12, 31),
        }
        return services.create_contract(by=by, customer_id=customer.pk, data=data)

    return _make


@pytest.fixture
def lend(archivist):
    from xindang.lifecycle import services

    def _lend(customer, borrower):
        today = timezone.localdate()
        return services.lend(
            by=archivist,
            customer=customer,
            borrower=borrower,
            purpose="授信复核",
            lent_on=today,
            due_on=today + timedelta(days=14),
            documents=(),
            whole_file=True,
        )

    return _lend


@pytest.fixture
def make_duty(db):
    from xindang.duties.models import Duty

    def _make(user, customer=None, key="k1"):
        return Duty.objects.create(
            assignee=user, key=key, kind="customers.review", label="档案复查", title="复查档案",
            url="/customers/", customer=customer,
        )  # fmt: skip

    return _make

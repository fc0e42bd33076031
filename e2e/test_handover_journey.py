"""A salesperson leaves, in a real browser: the administrator picks them, sees their three customer
files and their pending request, hands everything to a colleague of the department in one step;
the colleague finds the handover list on the workbench, signs it and sees the files as theirs."""

import re

import pytest

from conftest import make_user
from e2e.journey import log_in, snapshot
from xindang.accounts.models import User
from xindang.accounts.roles import Role
from xindang.approvals import registry
from xindang.approvals import services as approval_services
from xindang.approvals.models import ApprovalRequest
from xindang.customers.models import Customer

expect = pytest.importorskip(
    "playwright.sync_api", reason="browser tests skipped: playwright not installed"
).expect

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KIND = "handovers.e2e"


@pytest.fixture
def approval_kind():
    registry.register(KIND, on_approved=lambda a: None, label="交接演示审批")
    yield KIND
    registry.unregister(KIND)


def test_salesperson_leaves(
    page, live_server, make_customer, salesperson, manager, sysadmin, dept_xs1, approval_kind
):
    errors: list = []
    page.on("response", lambda r: r.status >= 500 and errors.append(r.url))
    names = ["瑞丰电子有限公司", "华夏钢铁贸易有限公司", "长江机电设备有限公司"]
    customers = [make_customer(salesperson, name=n) for n in names]
    approval = approval_services.submit_request(
        kind=KIND, obj=customers[0], chain=["department_manager"], requested_by=salesperson,
        title="临时授信申请", customer=customers[0],
    )  # fmt: skip
    successor = make_user("qianjin", Role.SALESPERSON, department=dept_xs1, display_name="钱进")

    # given the administrator on the new handover page, choosing the leaver
    log_in(page, sysadmin.username)
    page.goto("/handovers/new/")
    page.select_option("[data-testid=leaver]", str(salesperson.pk))
    page.click("[data-testid=show-holdings]")
    expect(page.locator("[data-testid=customers]")).to_contain_text("长江机电设备有限公司")
    expect(page.locator("[data-testid=counts]")).to_contain_text("3")

    # when they name the successor and the manager and confirm
    page.select_option("#id_successor", str(successor.pk))
    page.select_option("#id_manager", str(manager.pk))
    snapshot(page, "handover-form", errors)
    page.click("[data-testid=confirm]")

    # then the handover list shows what went to whom, and the leaver's access has ended
    expect(page).to_have_url(re.compile(r"/handovers/\d+/$"))
    expect(page.locator("[data-testid=items]")).to_contain_text("临时授信申请")
    expect(page.locator("[data-testid=survey]")).to_contain_text("瑞丰电子有限公司")
    snapshot(page, "handover-list", errors)
    assert Customer.objects.filter(owner=successor).count() == 3
    assert ApprovalRequest.objects.get(pk=approval.pk).requested_by == successor
    assert not User.objects.get(pk=salesperson.pk).is_active

    # when the successor logs in, the list to sign is on the workbench
    log_in(page, successor.username)
    page.goto("/")
    page.locator("[data-testid=todo-list] a", has_text="交接").first.click()
    page.click("[data-testid=sign-successor]")
    expect(page.locator("[data-testid=signatures]")).to_contain_text("钱进")
    page.goto("/customers/")
    for name in names:
        expect(page.locator("body")).to_contain_text(name)

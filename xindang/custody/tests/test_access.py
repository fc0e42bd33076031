"""Who opens a file without a lookup request (001 客户档案管理制度及操作细则 六 2: 未经总经理授权,非相关人员
不得查阅; 000 客户信息管理办法 三.2; 000 5.1.1, 6 b, 7 for the relationship work; 002 第十九、二十六、
二十七、三十、三十二、三十七条 for the credit chains): the decision as a table (role × relation to the file
× policy switch), then the same table over the database."""

import pytest

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.custody import rules
from xindang.custody.rules import DEPARTMENT, NONE, OWNER, RELATIONSHIP, SERVES, SIGNS, WHOLE

WIDE = list(rules.WIDENABLE_ROLES)


@pytest.mark.parametrize(
    ("role", "relation", "wide", "expected"),
    [
        # the responsible people (六 2 相关人员): owner, the file's department manager, the keepers
        ("salesperson", OWNER, [], (WHOLE, "owner")),
        ("salesperson", DEPARTMENT, [], None),
        ("salesperson", NONE, WIDE, None),  # the switch widens only the listed roles
        ("department_manager", DEPARTMENT, [], (WHOLE, "department_manager")),
        ("department_manager", NONE, [], None),
        ("credit_manager", NONE, [], (WHOLE, "keeper")),
        ("finance_credit_controller", NONE, [], (WHOLE, "keeper")),  # 002 第十九、三十二、三十七条
        ("archivist", NONE, [], (WHOLE, "keeper")),
        ("general_manager", NONE, [], (WHOLE, "keeper")),
        ("chairman", NONE, [], (WHOLE, "keeper")),
        # the credit chains: the files they sign for (an approver opens what they approve)
        ("marketing_manager", SIGNS, [], (WHOLE, "signs")),
        ("marketing_manager", NONE, [], None),
        ("marketing_manager", NONE, ["marketing_manager"], (WHOLE, "departure")),
        ("marketing_manager", NONE, ["cfo"], None),
        ("vp_marketing", SIGNS, [], (WHOLE, "signs")),
        ("vp_marketing", NONE, [], None),
        ("vp_marketing", NONE, ["vp_marketing"], (WHOLE, "departure")),
        ("cfo", SIGNS, [], (WHOLE, "signs")),
        ("cfo", NONE, [], None),
        ("cfo", NONE, ["cfo"], (WHOLE, "departure")),
        # the relationship work: the header and relationship records of every file
        ("office_director", NONE, [], (RELATIONSHIP, "relationship")),
        ("office_director", NONE, ["office_director"], (WHOLE, "departure")),
        ("service_supervisor", NONE, [], (RELATIONSHIP, "relationship")),
        ("service_supervisor", NONE, ["service_supervisor"], (WHOLE, "departure")),
        ("service_agent", SERVES, [], (WHOLE, "serves")),  # 002 篇三 二: the files of their visits
        ("service_agent", NONE, [], None),
        ("service_agent", NONE, WIDE, None),
        # the administrator and the archive leader read no file standing (三员分立; they approve)
        ("system_admin", NONE, WIDE, None),
        ("archive_leader", NONE, [], None),
        ("auditor", NONE, [], None),
    ],
)
def test_standing_access_by_role_relation_and_policy(role, relation, wide, expected):
    assert rules.standing_access(roles={role}, relation=relation, wide_roles=wide) == expected


@pytest.mark.parametrize(
    ("roles", "wide", "limited"),
    [
        ({"marketing_manager"}, [], True),
        ({"marketing_manager"}, ["marketing_manager"], False),
        ({"marketing_manager", "credit_manager"}, [], False),  # a keeper role keeps every file
        ({"finance_credit_controller"}, [], False),
        ({"office_director"}, [], True),
        ({"office_director"}, ["office_director"], False),
        ({"general_manager"}, [], False),
        ({"salesperson"}, [], False),  # holds no view-all: nothing to limit
    ],
)
def test_who_loses_the_view_all_permission(roles, wide, limited):
    assert rules.limits_view_all(roles, wide) is limited


# --- The same decisions over the database -------------------------------------------------------------


def _sign_on(customer, role, requested_by):
    from xindang.approvals.registry import register, unregister
    from xindang.approvals.services import submit_request

    register("zz.access", on_approved=None)
    try:
        return submit_request(
            kind="zz.access", obj=customer, chain=[role], requested_by=requested_by, title="授信审批"
        )
    finally:
        unregister("zz.access")


PERSONAS = {
    "marketing_manager": Role.MARKETING_MANAGER,
    "vp_marketing": Role.VP_MARKETING,
    "cfo": Role.CFO,
    "finance_credit_controller": Role.FINANCE_CREDIT_CONTROLLER,
    "office_director": Role.OFFICE_DIRECTOR,
    "service_supervisor": Role.SERVICE_SUPERVISOR,
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "signs", "wide", "whole", "relationship"),
    [
        # (sees the signed file / the other file in full), (sees both files' relationship records)
        ("marketing_manager", False, False, (False, False), (False, False)),
        ("marketing_manager", True, False, (True, False), (True, False)),
        ("marketing_manager", False, True, (True, True), (True, True)),
        ("vp_marketing", True, False, (True, False), (True, False)),
        ("cfo", True, False, (True, False), (True, False)),
        ("cfo", False, True, (True, True), (True, True)),
        ("finance_credit_controller", False, False, (True, True), (True, True)),
        ("office_director", False, False, (False, False), (True, True)),
        ("office_director", False, True, (True, True), (True, True)),
        ("service_supervisor", False, False, (False, False), (True, True)),
        ("service_supervisor", False, True, (True, True), (True, True)),
    ],
)
def test_visibility_follows_the_decision(
    role, signs, wide, whole, relationship, make_customer, salesperson, manager, sysadmin
):
    from xindang.customers.selectors import can_see_customer
    from xindang.testing.samples import set_policy

    user = make_user(f"p_{role}", PERSONAS[role])
    signed = make_customer(salesperson, name="华夏科技有限公司")
    other = make_customer(salesperson, name="长城贸易有限公司")
    if signs:
        _sign_on(signed, role, manager)
    if wide:
        set_policy(sysadmin, "custody", wide_standing_roles=[role])
    assert (can_see_customer(user, signed), can_see_customer(user, other)) == whole
    assert (
        can_see_customer(user, signed, scope="relations"),
        can_see_customer(user, other, scope="relations"),
    ) == relationship
    # the relationship scope never opens the documents or the file's other sections
    assert not can_see_customer(user, other, scope="documents") or whole[1]


@pytest.mark.django_db
def test_an_approver_of_a_pending_request_opens_the_file_and_loses_it_when_withdrawn(
    make_customer, salesperson, manager, vp_marketing
):
    from xindang.approvals.services import withdraw
    from xindang.customers.selectors import can_see_customer

    customer = make_customer(salesperson, name="华夏科技有限公司")
    approval = _sign_on(customer, "vp_marketing", manager)
    assert can_see_customer(vp_marketing, customer)  # pending: they open what they approve
    withdraw(approval=approval, by=manager, reason="不再需要")
    assert not can_see_customer(vp_marketing, customer)


@pytest.mark.django_db
def test_the_departure_is_labelled_on_the_policy_page(sysadmin):
    from xindang.policy.selectors import policy_departures
    from xindang.testing.samples import set_policy

    def rows(values):
        return [d for d in policy_departures(values) if d.field == "wide_standing_roles"]

    assert not rows({"custody": {"wide_standing_roles": []}})
    set_policy(sysadmin, "custody", wide_standing_roles=["cfo"])
    found = rows({"custody": {"wide_standing_roles": ["cfo"]}})
    assert found and found[0].article == "001 客户档案管理制度及操作细则 六 2"


@pytest.mark.django_db
def test_a_refused_file_is_audited(make_customer, salesperson, client):
    from xindang.audit.models import AuditEvent

    customer = make_customer(salesperson, name="华夏科技有限公司")
    cfo = make_user("cfo_x", Role.CFO)
    client.force_login(cfo)
    assert client.get(customer.get_absolute_url()).status_code == 404
    assert AuditEvent.objects.filter(
        action="customer.access_denied", actor=cfo, object_id=str(customer.pk)
    ).exists()


@pytest.mark.django_db
def test_the_file_page_says_who_reads_and_why(make_customer, salesperson, manager, sysadmin):
    from xindang.custody.selectors import who_may_read
    from xindang.testing.samples import set_policy

    customer = make_customer(salesperson, name="华夏科技有限公司")
    cfo = make_user("cfo_w", Role.CFO, display_name="冯财务")
    make_user("bgs_w", Role.OFFICE_DIRECTOR, display_name="沈主任")

    def names():
        return {r.name for r in who_may_read(customer)}

    assert "冯财务" not in names() and "沈主任" in names()  # relationship records only
    _sign_on(customer, "cfo", manager)
    assert "冯财务" in names()  # signs an approval on this file
    set_policy(sysadmin, "custody", wide_standing_roles=["office_director"])
    assert [r for r in who_may_read(customer) if r.name == "沈主任"][0].reason.count("001") == 1
    assert cfo.pk

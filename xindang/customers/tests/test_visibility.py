"""Who sees which customer file (SPEC §7, seed 001 客户档案管理制度及操作细则 六 2, 000 客户信息管理办法 三.2:
files are secrets, responsible staff only).

The rule (customers/permissions.py): a salesperson sees their own files; a department manager the
department's and their own; credit managers, the finance credit controller (the credit department),
archivists, the GM and the chairman see all; the approvers in the credit chains (marketing manager, VP
marketing, CFO) the files they sign for, and every file only under the custody policy's labelled
departure (wide_standing_roles); the office director and service supervisor the header and
relationship records of every file (scope "relations"); roles without customer permissions, inactive
users and anonymous visitors see none.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db.models import Q
from django.http import Http404

from conftest import make_user
from xindang.accounts.models import Department
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.core import request_cache
from xindang.customers import selectors
from xindang.customers.models import Customer
from xindang.customers.permissions import get_customer_for_user
from xindang.customers.selectors import can_see_customer, visibility, visible_customers

pytestmark = pytest.mark.django_db


ALL = {"own", "colleague", "other_dept", "manager_elsewhere", "leaver"}

# viewer → the files they see. Files: "own" (the salesperson's, XS1), "colleague" (another XS1
# salesperson's), "other_dept" (an XS2 salesperson's), "manager_elsewhere" (owned by the XS1 manager
# but filed under XS2 — visible to the manager as their own, not through the department), "leaver" (filed
# in XS1 by a salesperson who has since left and been deactivated).
MATRIX = {
    "salesperson": {"own"},
    "department_manager": {"own", "colleague", "manager_elsewhere", "leaver"},
    "other_dept_salesperson": {"other_dept"},
    "credit_manager": ALL,
    "archivist": ALL,
    "general_manager": ALL,
    "chairman": ALL,
    # the credit approval chains: the files they sign for (none here; custody tests), every file only
    # under the custody policy's departure from 001 六 2 (wide_standing_roles)
    "marketing_manager": set(),
    "cfo": set(),
    "vp_marketing": set(),
    "finance_credit_controller": ALL,  # the credit department: 002 第十九、三十二、三十七条
    "service_agent": set(),  # only the files of their visits (relations), none here
    # relationship care, complaints, surveys, visits (000 5.1.1, 6, 7; 002 篇三): the header and the
    # relationship records of every file (scope "relations", below), not the whole file
    "service_supervisor": set(),
    "office_director": set(),
    "system_admin": set(),
    # 三员分立 and the archive leader: they approve lookups or policy, they read files only by request
    "archive_leader": set(),
    "security_officer": set(),
    "auditor": set(),
    "inactive_credit_manager": set(),  # would see all if active
    "inactive_salesperson": set(),  # would see "own" if active
    "no_role": set(),
    "superuser": ALL,
    "anonymous": set(),
}


@pytest.fixture
def world(db, make_customer):
    """The departments, the viewers and five files."""
    xs1 = Department.objects.create(code="XS1", name="销售一部")
    xs2 = Department.objects.create(code="XS2", name="销售二部")
    v = {
        "salesperson": make_user("zhangsan", Role.SALESPERSON, department=xs1, display_name="张三"),
        "colleague": make_user("qianjiu", Role.SALESPERSON, department=xs1, display_name="钱九"),
        "department_manager": make_user("lisi", Role.DEPARTMENT_MANAGER, department=xs1, display_name="李四"),
        "other_dept_salesperson": make_user("wangwu", Role.SALESPERSON, department=xs2, display_name="王五"),
        "credit_manager": make_user("zhaoliu", Role.CREDIT_MANAGER, display_name="赵六"),
        "archivist": make_user("sunqi", Role.ARCHIVIST, display_name="孙七"),
        "general_manager": make_user("zhouba", Role.GENERAL_MANAGER, display_name="周八"),
        "chairman": make_user("wujiu", Role.CHAIRMAN, display_name="吴九"),
        "marketing_manager": make_user("zhengshi", Role.MARKETING_MANAGER, display_name="郑十"),
        "cfo": make_user("fengcw", Role.CFO, display_name="冯财务"),
        "vp_marketing": make_user("chenyx", Role.VP_MARKETING, display_name="陈营销"),
        "finance_credit_controller": make_user(
            "chuxk", Role.FINANCE_CREDIT_CONTROLLER, display_name="褚信控"
        ),
        "service_agent": make_user("weikf", Role.SERVICE_AGENT, display_name="卫客服"),
        "service_supervisor": make_user("jiangkf", Role.SERVICE_SUPERVISOR, display_name="蒋主管"),
        "office_director": make_user("shenbg", Role.OFFICE_DIRECTOR, display_name="沈主任"),
        "system_admin": make_user("hanxt", Role.SYSTEM_ADMIN, display_name="韩系统", is_staff=True),
        "archive_leader": make_user("gaoxz", Role.ARCHIVE_LEADER, display_name="高行政"),
        "security_officer": make_user("tangaq", Role.SECURITY_OFFICER, display_name="唐安全"),
        "auditor": make_user("songsj", Role.AUDITOR, display_name="宋审计"),
        "inactive_credit_manager": make_user(
            "yangtx", Role.CREDIT_MANAGER, display_name="杨退休", is_active=False
        ),
        "inactive_salesperson": make_user("zhulz", Role.SALESPERSON, department=xs1, display_name="朱离职"),
        "no_role": make_user("qinxr", department=xs1, display_name="秦新人"),
        "superuser": make_user("root", display_name="超级用户", is_superuser=True),
        "anonymous": AnonymousUser(),
    }
    files = {
        "own": make_customer(v["salesperson"], name="华夏科技有限公司"),
        "colleague": make_customer(v["colleague"], name="长城贸易有限公司"),
        "other_dept": make_customer(v["other_dept_salesperson"], name="长江实业有限公司"),
        "manager_elsewhere": make_customer(
            v["other_dept_salesperson"], name="黄河机械有限公司", department=xs2, by=v["credit_manager"]
        ),
    }
    # a file of another department kept by the department manager (from before a file's salesperson
    # had to be a salesperson of its department; the service no longer saves such an owner)
    Customer.objects.filter(pk=files["manager_elsewhere"].pk).update(owner=v["department_manager"])
    files["manager_elsewhere"].refresh_from_db()
    # the leaver filed a customer while employed, then was deactivated
    files["leaver"] = make_customer(v["inactive_salesperson"], name="珠江电子有限公司")
    v["inactive_salesperson"].is_active = False
    v["inactive_salesperson"].save(update_fields=["is_active"])
    v["inactive_salesperson"] = type(v["inactive_salesperson"]).objects.get(pk=v["inactive_salesperson"].pk)
    return v, files


def test_the_matrix_covers_every_role():
    covered = {
        "salesperson",
        "department_manager",
        "credit_manager",
        "archivist",
        "general_manager",
        "chairman",
        "marketing_manager",
        "cfo",
        "vp_marketing",
        "finance_credit_controller",
        "service_agent",
        "service_supervisor",
        "office_director",
        "system_admin",
        "archive_leader",
        "security_officer",
        "auditor",
    }
    assert covered == set(Role.values)
    assert covered <= set(MATRIX)


@pytest.mark.parametrize(("viewer", "expected"), sorted(MATRIX.items()), ids=sorted(MATRIX))
def test_visible_customers(world, viewer, expected):
    users, files = world
    user = users[viewer]
    names = {key for key, c in files.items() if visible_customers(user).filter(pk=c.pk).exists()}
    assert names == expected
    assert visible_customers(user).count() == len(expected)  # and nothing else


@pytest.mark.parametrize(("viewer", "expected"), sorted(MATRIX.items()), ids=sorted(MATRIX))
def test_get_customer_for_user_opens_visible_files_and_hides_the_rest(world, viewer, expected):
    users, files = world
    user = users[viewer]
    for key, customer in files.items():
        before = AuditEvent.objects.filter(action="customer.access_denied").count()
        if key in expected:
            # then the file opens, and opening it is not an access-denied event
            assert get_customer_for_user(user, customer.pk).pk == customer.pk
            assert AuditEvent.objects.filter(action="customer.access_denied").count() == before
        else:
            # then it is "not found" — like a file that does not exist — and the attempt is logged
            with pytest.raises(Http404):
                get_customer_for_user(user, customer.pk)
            denied = AuditEvent.objects.filter(action="customer.access_denied").order_by("-seq").first()
            assert AuditEvent.objects.filter(action="customer.access_denied").count() == before + 1
            assert (denied.object_type, denied.object_id) == ("customers.customer", str(customer.pk))
            assert denied.actor_id == (user.pk if user.is_authenticated else None)


@pytest.mark.parametrize("pk", [987654321, "987654321", "abc", None, "1 OR 1=1"])
def test_a_file_that_does_not_exist_is_not_found_and_not_logged(world, pk):
    users, files = world
    assert not Customer.objects.filter(pk=987654321).exists()
    for user in (users["salesperson"], users["credit_manager"], users["anonymous"]):
        with pytest.raises(Http404):
            get_customer_for_user(user, pk)
    assert not AuditEvent.objects.filter(action="customer.access_denied").exists()


def test_the_for_update_path_applies_the_same_rule(world):
    users, files = world
    with pytest.raises(Http404):
        get_customer_for_user(users["salesperson"], files["colleague"].pk, for_update=True)
    assert get_customer_for_user(users["salesperson"], files["own"].pk, for_update=True).pk == files["own"].pk


def test_moving_a_file_to_another_owner_moves_its_visibility(world):
    # given the salesperson's file is handed to the colleague (e.g. a change of territory)
    users, files = world
    Customer.objects.filter(pk=files["own"].pk).update(owner=users["colleague"])
    # then the salesperson no longer sees it, the colleague and the manager do
    assert not visible_customers(users["salesperson"]).filter(pk=files["own"].pk).exists()
    assert visible_customers(users["colleague"]).filter(pk=files["own"].pk).exists()
    assert visible_customers(users["department_manager"]).filter(pk=files["own"].pk).exists()


def test_a_department_manager_without_a_department_sees_only_their_own(world):
    users, files = world
    mgr = users["department_manager"]
    type(mgr).objects.filter(pk=mgr.pk).update(department=None)
    mgr = type(mgr).objects.get(pk=mgr.pk)
    assert set(visible_customers(mgr).values_list("pk", flat=True)) == {files["manager_elsewhere"].pk}


@pytest.mark.parametrize("viewer", ["office_director", "service_supervisor"])
def test_the_relationship_roles_open_every_file_for_their_relationship_work(world, viewer):
    """000 5.1.1, 6 b, 7: the header and the relationship records of every file (scope "relations")."""
    users, files = world
    user = users[viewer]
    seen = set(visible_customers(user, scope="relations"))
    assert seen == set(files.values())
    assert not visible_customers(user, scope="documents").exists()


# --- The same rule through the statement compiled once per user (selectors.seen_file) -------------
@pytest.fixture
def answering():
    """As while a page is answered: the request's store is open, so a file is looked up through the
    statement compiled once per visibility_key."""
    with request_cache.answering():
        yield


def test_the_compiled_statement_answers_the_matrix(world, answering):
    users, files = world
    for viewer, expected in MATRIX.items():
        user = users[viewer]
        before = AuditEvent.objects.filter(action="customer.access_denied").count()
        for key, customer in files.items():
            assert can_see_customer(user, customer) is (key in expected), (viewer, key)
            if key in expected:
                got = get_customer_for_user(user, customer.pk)
                want = Customer.objects.select_related(*selectors.FILE_RELATED).get(pk=customer.pk)
                # every field as the ORM reads it, the related rows too
                for f in Customer._meta.concrete_fields:
                    assert getattr(got, f.attname) == getattr(want, f.attname), (viewer, f.name)
                for name in selectors.FILE_RELATED:
                    mine, theirs = getattr(got, name), getattr(want, name)
                    assert (mine is None) == (theirs is None), (viewer, name)
                    for f in type(theirs)._meta.concrete_fields if theirs is not None else ():
                        assert getattr(mine, f.attname) == getattr(theirs, f.attname), (viewer, name, f.name)
            else:
                with pytest.raises(Http404):
                    get_customer_for_user(user, customer.pk)
        # each refusal audited, as on the uncompiled path
        denied = AuditEvent.objects.filter(action="customer.access_denied").count() - before
        assert denied == len(files) - len(expected), viewer


def test_the_statement_is_compiled_once_per_user_and_then_only_executed(
    world, answering, monkeypatch, django_assert_num_queries
):
    users, files = world
    manager = users["department_manager"]
    selectors.visibility_changed()  # no plan of an earlier test of this process (ids repeat on SQLite)
    get_customer_for_user(manager, files["own"].pk)  # compiled here
    built = []
    real = selectors.visible_customers
    monkeypatch.setattr(visibility, "visible_customers", lambda *a, **k: built.append(a) or real(*a, **k))
    with django_assert_num_queries(1):
        assert get_customer_for_user(manager, files["colleague"].pk).pk == files["colleague"].pk
    assert built == []  # nothing built: the plan was executed with the other file's id
    # another user is another plan: built (twice, to find the id's places) and compiled
    get_customer_for_user(users["colleague"], files["colleague"].pk)
    assert len(built) == 2


def test_what_opens_a_file_during_the_day_is_seen_by_the_compiled_statement(world, answering):
    # Given the salesperson's plan is compiled, a colleague's file handed to them later that day opens at
    # once: the rows that open a file are read by the statement, not baked into it.
    users, files = world
    salesperson = users["salesperson"]
    assert not can_see_customer(salesperson, files["colleague"])
    Customer.objects.filter(pk=files["colleague"].pk).update(owner=salesperson)
    assert can_see_customer(salesperson, files["colleague"])
    Customer.objects.filter(pk=files["colleague"].pk).update(owner=users["colleague"])
    assert not can_see_customer(salesperson, files["colleague"])


def test_a_change_of_department_or_role_is_a_new_plan(world, answering):
    users, files = world
    salesperson = users["salesperson"]
    assert not can_see_customer(salesperson, files["colleague"])
    # made the department's manager: the same user id, other permissions → another statement
    salesperson.groups.add(Group.objects.get(name=Role.DEPARTMENT_MANAGER))
    promoted = type(salesperson).objects.get(pk=salesperson.pk)
    assert can_see_customer(promoted, files["colleague"])
    # moved to the other department: the same permissions, another department
    promoted.department = Department.objects.get(code="XS2")
    promoted.save(update_fields=["department"])
    moved = type(salesperson).objects.get(pk=salesperson.pk)
    assert not can_see_customer(moved, files["colleague"])
    assert can_see_customer(moved, files["other_dept"])


def test_a_grant_registered_later_is_a_new_plan(world, answering):
    users, files = world
    salesperson = users["salesperson"]
    assert not can_see_customer(salesperson, files["other_dept"])
    grant = lambda user: Q(pk__in=Customer.objects.filter(name="长江实业有限公司").values("pk"))  # noqa: E731
    selectors.register_visibility(grant)
    try:
        assert can_see_customer(salesperson, files["other_dept"])
    finally:
        visibility._VISIBILITY_GRANTS.remove(grant)
        selectors.visibility_changed()
    assert not can_see_customer(salesperson, files["other_dept"])


def test_the_visible_files_are_built_once_per_key(world, answering, monkeypatch):
    # The workbench asks some twenty modules for their to-dos, each through visible_customers, and
    # every page asks again: the statement is built once per process and visibility_key and each
    # caller gets a copy of its own.
    users, files = world
    selectors.visibility_changed()  # keys of their own: none of them built by an earlier test
    built = []
    real = visibility._visible_customers
    monkeypatch.setattr(visibility, "_visible_customers", lambda *a, **k: built.append(a) or real(*a, **k))
    manager = users["department_manager"]
    first = selectors.visible_customers(manager)
    second = selectors.visible_customers(manager)
    assert len(built) == 1 and first is not second
    assert set(first.filter(pk=files["own"].pk).values_list("pk", flat=True)) == {files["own"].pk}
    assert set(second.values_list("pk", flat=True)) == {files[k].pk for k in MATRIX["department_manager"]}
    # another way of asking (standing only, a scope) or another user: built for that
    selectors.visible_customers(manager, standing_only=True)
    selectors.visible_customers(manager, scope="documents")
    selectors.visible_customers(users["salesperson"])
    assert len(built) == 4
    # a file handed over during the request is seen: the statement reads the rows when it runs
    salesperson = users["salesperson"]
    assert files["colleague"].pk not in set(
        selectors.visible_customers(salesperson).values_list("pk", flat=True)
    )
    Customer.objects.filter(pk=files["colleague"].pk).update(owner=salesperson)
    assert files["colleague"].pk in set(selectors.visible_customers(salesperson).values_list("pk", flat=True))
    assert len(built) == 4
    # the next request (a new store) asks again: the statement kept for the key is used
    with request_cache.answering():
        assert set(selectors.visible_customers(salesperson).values_list("pk", flat=True)) >= {
            files["colleague"].pk
        }
    assert len(built) == 4

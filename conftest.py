"""Persona fixtures (ARCHITECTURE.md): a salesperson, their manager, another department's
salesperson, the credit manager, the archivist, the GM — plus helpers to make customer files."""

import os

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, settings

from xindang.accounts.models import Department
from xindang.accounts.roles import Role
from xindang.accounts.services import forget_api_keys
from xindang.testing import db_template
from xindang.testing.factories import PASSWORD, CustomerFactory, make_credit_code, make_user

__all__ = ["PASSWORD", "make_credit_code", "make_user"]  # imported by tests as `from conftest import …`

# Property tests check behaviour, not speed (speed is measured in bench/): on a busy two-core CI
# machine an example may take longer than Hypothesis's default 200 ms deadline.
settings.register_profile("xindang", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("xindang")
# The SQLite test database is copied from one migrated before with the same migrations, when there is one.
db_template.install()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Argon2 is deliberately slow (~0.3 s a hash); personas need no strength. The Argon2 behaviour
    itself is tested in accounts/tests/test_login.py, which restores the project's hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _forget_api_keys():
    """Each case looks its API keys up afresh (a key remembered by the process belongs to an earlier
    case's rolled-back data)."""
    yield
    forget_api_keys()


@pytest.fixture(autouse=True)
def _empty_shared_cache():
    """Each case starts with an empty cache: the sessions, permissions and policy an earlier case
    left there belong to its rolled-back rows (and a row's id may come again)."""
    cache.clear()


@pytest.fixture
def dept_xs1(db):
    return Department.objects.create(code="XS1", name="销售一部", name_en="Sales 1")


@pytest.fixture
def dept_xs2(db):
    return Department.objects.create(code="XS2", name="销售二部", name_en="Sales 2")


@pytest.fixture
def salesperson(dept_xs1):
    return make_user("zhangsan", Role.SALESPERSON, department=dept_xs1, display_name="张三")


@pytest.fixture
def manager(dept_xs1):
    return make_user("lisi", Role.DEPARTMENT_MANAGER, department=dept_xs1, display_name="李四")


@pytest.fixture
def other_salesperson(dept_xs2):
    return make_user("wangwu", Role.SALESPERSON, department=dept_xs2, display_name="王五")


@pytest.fixture
def credit_manager(db):
    return make_user("zhaoliu", Role.CREDIT_MANAGER, display_name="赵六")


@pytest.fixture
def archivist(db):
    return make_user("sunqi", Role.ARCHIVIST, display_name="孙七")


@pytest.fixture
def gm(db):
    return make_user("zhouba", Role.GENERAL_MANAGER, display_name="周八")


@pytest.fixture
def marketing_manager(dept_xs1):
    return make_user("wujiu", Role.MARKETING_MANAGER, department=dept_xs1, display_name="吴九")


@pytest.fixture
def finance_controller(db):
    return make_user("zhengshi", Role.FINANCE_CREDIT_CONTROLLER, display_name="郑十")


@pytest.fixture
def vp_marketing(db):
    return make_user("fengyi", Role.VP_MARKETING, display_name="冯一")


@pytest.fixture
def cfo(db):
    return make_user("chener", Role.CFO, display_name="陈二")


@pytest.fixture
def chairman(db):
    return make_user("chusan", Role.CHAIRMAN, display_name="褚三")


@pytest.fixture
def sysadmin(db):
    return make_user("admin1", Role.SYSTEM_ADMIN, display_name="系统管理员", is_staff=True)


@pytest.fixture
def auditor(db):
    return make_user("songsj", Role.AUDITOR, display_name="宋审计")


@pytest.fixture
def security_officer(db):
    return make_user("tangaq", Role.SECURITY_OFFICER, display_name="唐安全")


@pytest.fixture
def make_customer(db):
    """make_customer(owner, name=…, **fields) → a saved file, created through the service."""

    def _make(owner, name="华夏科技有限公司", **fields):
        return CustomerFactory(owner=owner, name=name, **fields)

    return _make


@pytest.fixture(autouse=True)
def _credit_check_records_written_at_once(settings):
    """A check's record is written before the answer in tests (test_recorder.py tests the recorder
    thread that writes it just behind the answer in production, on PostgreSQL)."""
    settings.CREDIT_CHECK_RECORD_BEHIND = False


@pytest.fixture(autouse=True)
def _own_connection_inserts_only_when_tests_commit(request, settings):
    """A test inside pytest-django's wrapping transaction commits nothing: a row that
    core.numbering.ensure_row committed on a connection of its own (MariaDB) would outlive the test
    and could not see the test's uncommitted rows it refers to. Tests that commit (transactional_db,
    live_server: concurrency and browser tests) keep the production behaviour."""
    marker = request.node.get_closest_marker("django_db")
    committing = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    settings.XINDANG_OWN_CONNECTION_INSERTS = bool(committing)


DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def pytest_collection_modifyitems(config, items):
    """XINDANG_TESTS_DB_ONLY=1 (CI's PostgreSQL and MariaDB suites): only the tests that use the
    database. The others (pure rules, property tests of plain functions) cannot reach a database
    (pytest-django refuses it to an unmarked test), so their result does not depend on the engine:
    the SQLite suite runs them."""
    if os.environ.get("XINDANG_TESTS_DB_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        uses_db = item.get_closest_marker("django_db") is not None or bool(
            DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        )
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep

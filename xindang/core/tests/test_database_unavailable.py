"""A database that cannot be reached answers 503 with a message and Retry-After — JSON under /api/,
the 503 page elsewhere — instead of a bare 500 (xindang.core.errorpages). Any other uncaught error
keeps the 500 page. The real thing (PostgreSQL restarted under load) is
xindang/api/tests/test_database_restart.py."""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_gone(monkeypatch):
    """Every query fails as on a dropped connection (transaction control still works, so that the
    test's own wrapping transaction can roll back)."""
    real = CursorWrapper.execute

    def execute(self, sql, params=None):
        if sql.split(None, 1)[0].upper() in {"SAVEPOINT", "RELEASE", "ROLLBACK"}:
            return real(self, sql, params)
        raise OperationalError("server closed the connection unexpectedly")

    def fail():
        monkeypatch.setattr(CursorWrapper, "execute", execute)

    return fail


def test_the_api_answers_503_with_a_message(database_gone):
    client = Client(raise_request_exception=False)
    database_gone()
    answer = client.get("/api/ledger/entries", headers={"X-API-Key": "xd_nothing"})
    assert answer.status_code == 503
    assert answer.json()["code"] == "unavailable.database"
    assert answer.json()["message"]
    assert answer["Retry-After"] == "5"


def test_a_page_answers_the_503_page(database_gone, salesperson):
    client = Client(raise_request_exception=False)
    client.force_login(salesperson)
    database_gone()
    answer = client.get("/customers/")
    assert answer.status_code == 503
    assert answer["Retry-After"] == "5"
    assert 'data-testid="error-page"' in answer.content.decode()
    assert "503" in answer.content.decode()


def test_any_other_error_keeps_the_500_page(monkeypatch, salesperson):
    client = Client(raise_request_exception=False)
    client.force_login(salesperson)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("xindang.core.middleware.request_has_nul", broken)
    answer = client.get("/customers/")
    assert answer.status_code == 500
    assert "Retry-After" not in answer


def test_the_bench_floor_is_not_routed_unless_asked_for(client):
    assert client.get("/bench/floor/").status_code in (302, 404)

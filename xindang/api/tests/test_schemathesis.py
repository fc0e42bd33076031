"""Schemathesis against the OpenAPI document: for every operation, requests generated from the
schema (valid and invalid bodies, paths and query parameters, bounded) go through the whole WSGI
stack, with an API key that holds every scope and with a credit manager's browser session; no
answer may be a server error. Run on PostgreSQL and MariaDB in CI (server_suites), and on SQLite by
`make test`."""

import pytest
import schemathesis
from django.conf import settings as settings_
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from xindang.accounts.services import SCOPES, create_api_key
from xindang.api.api import api
from xindang.wsgi import application

pytestmark = pytest.mark.server_suites
EXAMPLES = 15  # per operation: bounded, a few seconds per operation


schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api"))
schema.app = application


@pytest.fixture
def keep_connection():
    """As Django's test client does: a request's end must not close the test's database connection
    (its transaction holds the test's data)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(db, keep_connection, sysadmin, make_customer, salesperson):
    make_customer(salesperson, name="华夏钢铁贸易有限公司")
    _key, raw = create_api_key(name="schemathesis", scopes=list(SCOPES), by=sysadmin)
    return raw


@pytest.fixture
def session(client, credit_manager):
    client.force_login(credit_manager)
    csrf = "k" * 32  # a CSRF secret: the cookie and the header carry the same one
    return {
        "cookies": {
            settings_.SESSION_COOKIE_NAME: client.cookies[settings_.SESSION_COOKIE_NAME].value,
            "csrftoken": csrf,
        },
        "headers": {"X-CSRFToken": csrf},
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_request_makes_a_server_error(case, api_key, session):
    # once as an integration (API key with every scope), once as a credit manager in a browser
    # session (every customer file, the CSRF token sent as a browser would)
    for auth in ({"headers": {"X-API-Key": api_key}}, session):
        headers = {**auth.get("headers", {}), "Host": "localhost"}
        response = case.call(headers=headers, cookies=auth.get("cookies"))
        assert response.status_code < 500, (
            case.method,
            case.formatted_path,
            response.status_code,
            response.text[:500],
        )

"""/api/docs runs Swagger UI from vendored static files (no CDN: it works on an intranet), and the
docs and the schema need a login (a session, or an integration's API key for the schema)."""

import re

import pytest
from django.contrib.staticfiles import finders

from xindang.accounts.services import create_api_key


@pytest.mark.django_db
def test_docs_page_loads_swagger_ui_from_the_apps_own_static_files(client, salesperson):
    # given a logged-in user
    client.force_login(salesperson)
    # when the docs page opens
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    # then every script and style sheet is the app's own static file, none from another host
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert any("vendor/swagger-ui/swagger-ui-bundle.js" in a for a in assets)
    assert any("vendor/swagger-ui/swagger-ui.css" in a for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    # and the page points Swagger UI at the schema
    assert "/api/openapi.json" in html
    # and the vendored licence is kept beside the files
    assert finders.find("vendor/swagger-ui/LICENSE")


@pytest.mark.django_db
def test_docs_and_schema_need_a_login(client, sysadmin):
    # given nobody logged in
    # then the docs page leads to the login page and the schema answers 401
    response = client.get("/api/docs")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/openapi.json").status_code == 401
    # and an integration with a valid API key (any scope) reads the schema
    _key, raw = create_api_key(name="ERP", scopes=["ledger:read"], by=sysadmin)
    response = client.get("/api/openapi.json", headers={"X-API-Key": raw})
    assert response.status_code == 200 and "/api/customers" in response.json()["paths"]
    # but a wrong key does not
    assert client.get("/api/openapi.json", headers={"X-API-Key": "xd_wrong_key"}).status_code == 401
    # and a logged-in user reads both
    client.force_login(sysadmin)
    assert client.get("/api/openapi.json").status_code == 200

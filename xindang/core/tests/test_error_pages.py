"""Error pages 403 / 404 / 500 (DEBUG off, as in production): the app's layout, the user's language
and a way back — not Django's bare English pages."""

import pytest
from django.test import Client

from conftest import PASSWORD

TEXTS = {
    # language → (404 title, 403 title, 500 title, way back)
    "zh-hans": ("页面不存在", "无权访问", "服务器错误", "返回工作台"),
    "en": ("Page not found", "Not allowed", "Server error", "Back to the workbench"),
}


@pytest.fixture
def reader(salesperson):
    def _login(client, language):
        type(salesperson).objects.filter(pk=salesperson.pk).update(language=language)
        client.login(username=salesperson.username, password=PASSWORD)
        return client

    return _login


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_404_has_the_layout_the_language_and_a_way_back(settings, client, reader, language):
    # given a logged-in salesperson reading in one language, DEBUG off
    settings.DEBUG = False
    reader(client, language)
    # when they open an address that does not exist, and another department's customer file
    for url in ("/no-such-page/", "/customers/999999/"):
        response = client.get(url)
        # then the app's page answers 404 in their language, with the navigation and a way back
        assert response.status_code == 404
        html = response.content.decode()
        assert 'data-testid="error-page"' in html
        assert TEXTS[language][0] in html
        assert 'class="side"' in html  # the left navigation of the layout
        assert 'data-testid="error-home"' in html and TEXTS[language][3] in html
        assert "The requested resource was not found" not in html  # Django's bare page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_403_has_the_layout_the_language_and_a_way_back(settings, client, reader, language):
    # given a salesperson, who may not read the audit log
    settings.DEBUG = False
    reader(client, language)
    # when they open it
    response = client.get("/audit/")
    # then the app's 403 page answers in their language with a way back
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert TEXTS[language][1] in html
    assert TEXTS[language][3] in html
    assert "403 Forbidden" not in html


@pytest.mark.django_db
def test_404_for_a_visitor_not_logged_in_leads_to_the_login_page(settings, client):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert TEXTS["zh-hans"][0] in html
    assert 'href="/accounts/login/"' in html


@pytest.mark.django_db
@pytest.mark.urls("xindang.core.tests.urls_errors")
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_500_is_a_plain_page_in_the_users_language_with_a_way_back(settings, reader, language):
    # given a logged-in user and a view that fails, DEBUG off
    settings.DEBUG = False
    client = reader(Client(raise_request_exception=False), language)
    # when it is opened
    response = client.get("/fail/")
    # then the 500 page (no database, no request context) speaks their language and leads back
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert TEXTS[language][2] in html
    assert 'href="/"' in html and TEXTS[language][3] in html
    assert f'lang="{"zh-CN" if language == "zh-hans" else "en"}"' in html

"""/api/docs in a real browser with every request to another host blocked (an intranet): Swagger UI
comes up from the vendored files and lists the API's operations."""

import pytest

from .journey import expect, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_api_docs_render_without_internet(page, live_server, salesperson):
    # given a browser that reaches nothing but the app
    blocked = []

    def only_the_app(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_app)
    log_in(page, salesperson.username)
    # when the API docs open
    page.goto("/api/docs")
    # then Swagger UI shows the API's title and its operations, and nothing was fetched from elsewhere
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("XinDang API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert blocked == []

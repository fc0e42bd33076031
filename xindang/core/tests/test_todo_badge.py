"""The top bar's to-do badge counts the workbench items, overdue ones marked (UI.md)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from conftest import PASSWORD


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _badge(client, user):
    client.login(username=user.username, password=PASSWORD)
    response = client.get("/todo-badge/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_badge_counts_items_and_marks_overdue(client, salesperson, make_customer):
    # given one expired and one expiring licence among the salesperson's files
    today = timezone.localdate()
    make_customer(salesperson, name="华夏科技有限公司", licence_valid_until=today - timedelta(days=1))
    make_customer(salesperson, name="长城贸易有限公司", licence_valid_until=today + timedelta(days=5))
    # when the badge loads
    html = _badge(client, salesperson)
    # then it shows both, and marks that one is overdue
    assert 'data-testid="todo-count"' in html
    assert ">2</span>" in html
    assert "overdue" in html


@pytest.mark.django_db
def test_badge_of_a_user_with_nothing_to_do_shows_zero(client, salesperson):
    html = _badge(client, salesperson)
    assert ">0</span>" in html
    assert "count overdue" not in html


@pytest.mark.django_db
def test_badge_needs_a_login(client):
    response = client.get("/todo-badge/")
    assert response.status_code == 302


@pytest.mark.django_db
def test_badge_does_not_write_the_session(client, salesperson):
    """The badge is a request the page makes by itself: it must not refresh the idle timer nor set the
    session cookie again (a late answer could otherwise bring back a session after a logout)."""
    client.login(username=salesperson.username, password=PASSWORD)
    assert "sessionid" in client.get("/").cookies  # a page the user opens counts as activity
    assert "sessionid" not in client.get("/todo-badge/").cookies

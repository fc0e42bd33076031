"""The duty screens: the digest setting, the team's overdue duties, and the workbench lines merged
with the stored duties."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from conftest import PASSWORD, make_user
from xindang.accounts.roles import Role
from xindang.duties import rules
from xindang.duties.daily import run_daily
from xindang.duties.models import Duty, DutyPreference
from xindang.duties.tests.test_daily import FAKE, _item


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr("xindang.views.WORKBENCH_PROVIDERS", ["xindang.duties.tests.test_daily.fake_items"])
    FAKE.clear()
    cache.clear()
    yield FAKE
    FAKE.clear()
    cache.clear()


def _login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_user_chooses_no_digest_on_the_settings_page(client, salesperson):
    _login(client, salesperson)
    html = client.get("/duties/settings/").content.decode()
    assert 'data-testid="no-email"' in html  # told that no mail can reach them
    response = client.post("/duties/settings/", {"digest": rules.NONE})
    assert response.status_code == 302
    assert DutyPreference.objects.get(user=salesperson).digest == rules.NONE
    response = client.post("/duties/settings/", {"digest": "hourly"})
    assert response.status_code == 200 and DutyPreference.objects.get(user=salesperson).digest == rules.NONE


@pytest.mark.django_db
def test_manager_sees_the_departments_overdue_duties(client, fake, salesperson, other_salesperson, manager):
    today = timezone.localdate()
    fake["zhangsan"] = [_item(1, due=today - timedelta(days=2)), _item(2, due=today + timedelta(days=2))]
    fake[other_salesperson.username] = [_item(3, due=today - timedelta(days=2))]
    run_daily()
    html = _login(client, manager).get("/duties/team/").content.decode()
    assert "事项1" in html  # 张三's overdue duty, same department
    assert "事项2" not in html  # not overdue
    assert "事项3" not in html  # another department's
    assert 'data-testid="team-duties-link"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_company_roles_see_every_departments_overdue_duties(client, fake, salesperson, other_salesperson, gm):
    today = timezone.localdate()
    fake["zhangsan"] = [_item(1, due=today - timedelta(days=2))]
    fake[other_salesperson.username] = [_item(3, due=today - timedelta(days=2))]
    run_daily()
    response = _login(client, gm).get("/duties/team/")
    html = response.content.decode()
    assert "事项1" in html and "事项3" in html
    html = client.get(f"/duties/team/?assignee={other_salesperson.pk}").content.decode()
    assert "事项3" in html and "事项1" not in html


@pytest.mark.django_db
def test_a_salesperson_has_no_team_view(client, salesperson):
    assert _login(client, salesperson).get("/duties/team/").status_code == 403
    assert 'data-testid="team-duties-link"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_team_view_without_overdue_says_so(client, manager):
    html = _login(client, manager).get("/duties/team/").content.decode()
    assert 'data-testid="team-empty"' in html


@pytest.mark.django_db
def test_workbench_lines_show_since_when_the_duty_is_open_and_its_rule(client, fake, salesperson):
    today = timezone.localdate()
    fake["zhangsan"] = [_item(1, due=today + timedelta(days=3), kind="credit.quarterly_refresh")]
    _login(client, salesperson)
    [row] = client.get("/").context["rows"]
    assert row.open_since is None  # live, not stored yet
    assert row.rule.startswith("002 第十二条")  # the rule the duties app knows for the kind
    run_daily()
    cache.clear()
    response = client.get("/")
    [row] = response.context["rows"]
    assert row.open_since == today
    assert 'data-testid="todo-rule"' in response.content.decode()


@pytest.mark.django_db
def test_workbench_shows_live_items_even_before_the_daily_run_and_not_the_done_ones(
    client, fake, salesperson
):
    fake["zhangsan"] = [_item(1), _item(2)]
    run_daily()
    fake["zhangsan"] = [_item(2), _item(3)]  # 事项1 done, 事项3 new since the run
    cache.clear()
    titles = [r.item.title for r in _login(client, salesperson).get("/").context["rows"]]
    assert sorted(titles) == ["事项2", "事项3"]
    assert Duty.objects.get(title="事项1").state == rules.OPEN  # closed by the next run


@pytest.mark.django_db
def test_workbench_reads_the_stored_duties_in_one_query(client, fake, salesperson):
    """The merge costs one query however many lines the page shows (the page is no slower)."""
    today = timezone.localdate()
    fake["zhangsan"] = [_item(n, due=today + timedelta(days=n)) for n in range(40)]
    run_daily()
    _login(client, salesperson)
    cache.clear()
    client.get("/")  # warm the session and policy caches
    cache.clear()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    duty_queries = [q for q in queries.captured_queries if "duties_duty" in q["sql"]]
    assert len(duty_queries) == 1


@pytest.mark.django_db
def test_duty_pages_need_a_login(client):
    assert client.get("/duties/settings/").status_code == 302
    assert client.get("/duties/team/").status_code == 302


@pytest.mark.django_db
def test_department_manager_without_department_has_no_team_view(client):
    lonely = make_user("wangwu", Role.DEPARTMENT_MANAGER)
    assert _login(client, lonely).get("/duties/team/").status_code == 403

from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from xindang.audit.models import AuditEvent
from xindang.audit.services import record_event, record_events, spec

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_of(response) -> list[str]:
    """The data-action attribute of each table row, in page order."""
    html = response.content.decode()
    return [part.split('"', 1)[0] for part in html.split('<tr data-action="')[1:]]


@pytest.mark.parametrize("persona", ["salesperson", "credit_manager", "archivist", "manager"])
def test_non_auditors_are_refused(persona, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.post(reverse("audit:export")).status_code == 403
    assert client.post(reverse("audit:verify")).status_code == 403
    assert not AuditEvent.objects.filter(action__in=["audit.export", "audit.verify"]).exists()


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# 三员分立 (GB/T 39784; custody policy): the auditor reads the log, the system administrator does not
@pytest.mark.parametrize("persona", ["gm", "auditor"])
def test_auditors_browse_and_filter_by_action(persona, request, salesperson):
    record_event("auth.login", actor=salesperson, object_type="accounts.user", object_id="zhangsan")
    record_event(
        "customer.view",
        actor=salesperson,
        object_type="customers.customer",
        object_id="1",
        object_repr="华夏科技有限公司",
    )
    client = client_for(request.getfixturevalue(persona))

    everything = client.get(reverse("audit:list"))
    only_logins = client.get(reverse("audit:list"), {"action": "auth.login"})

    assert everything.status_code == 200
    assert rows_of(everything) == ["customer.view", "auth.login"]  # newest first
    assert rows_of(only_logins) == ["auth.login"]
    assert "张三" in only_logins.content.decode()


def test_a_failed_login_shows_up_as_a_failed_login_row(gm, salesperson):
    response = Client(REMOTE_ADDR="10.1.2.3").post(
        reverse("accounts:login"), {"username": "zhangsan", "password": "wrong-password"}
    )
    assert response.status_code == 400

    page = client_for(gm).get(reverse("audit:list"), {"action": "auth.login_failed"})

    assert rows_of(page) == ["auth.login_failed"]
    html = page.content.decode()
    assert "zhangsan" in html and "10.1.2.3" in html


def test_the_action_group_filter_matches_every_action_of_the_group(gm, salesperson):
    record_event("auth.login", actor=salesperson)
    record_event("customer.create", actor=salesperson)
    record_event("auth.logout", actor=salesperson)

    page = client_for(gm).get(reverse("audit:list"), {"action": "auth.*"})

    assert rows_of(page) == ["auth.logout", "auth.login"]


def test_unknown_actions_show_their_code_and_known_ones_their_label(gm, salesperson):
    record_event("reminders.sent", actor=salesperson)
    record_event("auth.logout", actor=salesperson)
    gm.language = "en"
    gm.save(update_fields=["language"])

    html = client_for(gm).get(reverse("audit:list")).content.decode()

    assert ">reminders.sent<" in html
    assert ">Logged out<" in html


def test_the_object_links_to_the_customer_page(gm, salesperson, make_customer):
    customer = make_customer(salesperson, name="华夏科技有限公司")

    html = client_for(gm).get(reverse("audit:list"), {"action": "customer.create"}).content.decode()

    assert f'href="{reverse("customers:detail", args=[customer.pk])}"' in html


def test_pages_hold_fifty_events_and_show_the_total(gm, salesperson):
    record_events([spec("customer.view", actor=salesperson, object_id=str(n)) for n in range(120)])
    client = client_for(gm)

    first, third = client.get(reverse("audit:list")), client.get(reverse("audit:list"), {"page": 3})

    assert len(rows_of(first)) == 50
    assert len(rows_of(third)) == 20
    assert first.context["page"].paginator.count == 120


def test_time_is_shown_in_shanghai_time(gm, salesperson, time_machine):
    time_machine.move_to("2026-03-01T15:30:05+00:00", tick=False)
    record_event("auth.login", actor=salesperson)

    html = client_for(gm).get(reverse("audit:list")).content.decode()

    assert "2026-03-01 23:30:05" in html


def test_an_empty_log_says_so(gm):
    response = client_for(gm).get(reverse("audit:list"), {"action": "customer.export"})
    assert rows_of(response) == []
    assert 'class="empty' in response.content.decode()


def test_an_invalid_filter_is_shown_not_applied(gm, salesperson):
    record_event("auth.login", actor=salesperson)
    response = client_for(gm).get(reverse("audit:list"), {"ip": "not an ip", "date_from": "2026-13-45"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"ip", "date_from"}
    assert rows_of(response) == ["auth.login"]


def test_export_writes_the_filtered_log_and_records_the_export(gm, salesperson):
    record_event("auth.login", actor=salesperson)
    record_event("customer.view", actor=salesperson, object_repr='=HYPERLINK("http://x")', object_id="9")
    record_event("customer.view", actor=salesperson, object_repr="华夏科技有限公司", object_id="8")

    response = client_for(gm).post(reverse("audit:export"), {"action": "customer.view"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[4], r[7]) for r in rows] == [
        (3, "customer.view", "华夏科技有限公司"),
        (2, "customer.view", '=HYPERLINK("http://x")'),
    ]
    assert sheet.cell(row=3, column=8).data_type == "s"  # a name that looks like a formula stays text
    event = AuditEvent.objects.get(action="audit.export")
    assert (event.actor_id, event.data) == (gm.pk, {"filters": {"action": "customer.view"}, "rows": 2})


def test_the_system_administrator_does_not_read_the_audit_log(sysadmin):
    assert client_for(sysadmin).get(reverse("audit:list")).status_code == 403


def test_the_verify_button_reports_an_intact_chain_and_records_the_check(auditor, salesperson):
    record_event("auth.login", actor=salesperson)

    response = client_for(auditor).post(reverse("audit:verify"), follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and "1" in messages[0]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    event = AuditEvent.objects.get(action="audit.verify")
    assert event.data == {"ok": True, "count": 1, "head_seq": 1}


def test_the_verify_button_reports_a_broken_chain(gm, salesperson, audit_tampering):
    for _ in range(3):
        record_event("customer.view", actor=salesperson)
    AuditEvent.objects.filter(seq=2).update(actor_name="别人")

    response = client_for(gm).post(reverse("audit:verify"), follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert "#2" in str(list(response.context["messages"])[0])
    assert AuditEvent.objects.get(action="audit.verify").data == {
        "ok": False,
        "count": 2,
        "head_seq": 3,
        "seq": 2,
        "reason": "altered",
    }


def test_viewing_the_log_writes_no_event(gm):
    client_for(gm).get(reverse("audit:list"))
    assert not AuditEvent.objects.exists()


def test_an_export_over_the_row_limit_is_refused_without_an_event(gm, salesperson, monkeypatch):
    monkeypatch.setattr("xindang.audit.views.MAX_EXPORT_ROWS", 1)
    record_event("auth.login", actor=salesperson)
    record_event("auth.logout", actor=salesperson)

    response = client_for(gm).post(reverse("audit:export"), {"action": "auth.*"}, follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert response.context["form"].cleaned_data["action"] == "auth.*"  # back to the same filter
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_control_characters_do_not_break_the_export(gm, salesperson):
    record_event("customer.view", actor=salesperson, object_repr="华夏\x01科技\x1f有限公司", object_id="1")

    response = client_for(gm).post(reverse("audit:export"), {})

    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=8).value == "华夏科技有限公司"

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from xindang.audit.models import AuditEvent
from xindang.policy import services
from xindang.policy.models import PolicyVersion
from xindang.policy.sections import CoreSection

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def v1() -> PolicyVersion:
    return PolicyVersion.objects.get(number=1)


def core_post(**changes) -> dict:
    values = {**CoreSection().model_dump(), **changes}
    return {f"core-{k}": v for k, v in values.items()}


@pytest.fixture
def draft(sysadmin):
    return services.create_draft(by=sysadmin, comment="调整上传限制")


def test_without_the_view_permission_policy_pages_are_refused(salesperson):
    client = client_for(salesperson)
    assert client.get(reverse("policy:list")).status_code == 403
    assert client.get(reverse("policy:detail", args=[v1().pk])).status_code == 403
    assert client.get(reverse("policy:diff", args=[v1().pk])).status_code == 403


def test_a_credit_manager_reads_the_policy_but_cannot_change_it(credit_manager, sysadmin, draft):
    client = client_for(credit_manager)
    assert client.get(reverse("policy:list")).status_code == 200
    page = client.get(reverse("policy:detail", args=[draft.pk]))
    assert page.status_code == 200
    assert page.context["editable"] is False
    refused = [
        client.post(reverse("policy:create"), {"comment": "x"}),
        client.post(reverse("policy:edit", args=[draft.pk, "core"]), core_post(upload_limit_mb=99)),
        client.post(reverse("policy:activate", args=[draft.pk]), {"reason": "x", "confirm": "on"}),
        client.post(reverse("policy:discard", args=[draft.pk]), {"reason": "x", "confirm": "on"}),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    draft.refresh_from_db()
    assert (draft.status, draft.data["core"]["upload_limit_mb"]) == (PolicyVersion.Status.DRAFT, 20)


def test_the_list_shows_versions_with_their_status_and_who(sysadmin, draft):
    response = client_for(sysadmin).get(reverse("policy:list"))
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert response.context["draft"] == draft
    html = response.content.decode()
    assert "调整上传限制" in html and "系统管理员" in html


def test_a_new_draft_copies_the_version_in_force(sysadmin):
    response = client_for(sysadmin).post(reverse("policy:create"), {"comment": "年度修订"})
    draft = PolicyVersion.objects.get(status=PolicyVersion.Status.DRAFT)
    assert response.status_code == 302 and response["Location"] == reverse("policy:detail", args=[draft.pk])
    assert (draft.data, draft.based_on, draft.created_by) == (v1().data, v1(), sysadmin)


def test_a_second_new_draft_leads_to_the_existing_one(sysadmin, draft):
    response = client_for(sysadmin).post(reverse("policy:create"), {"comment": ""})
    assert response["Location"] == reverse("policy:detail", args=[draft.pk])
    assert PolicyVersion.objects.filter(status=PolicyVersion.Status.DRAFT).count() == 1


def test_editing_a_draft_section_saves_it_and_records_the_change(sysadmin, draft):
    response = client_for(sysadmin).post(
        reverse("policy:edit", args=[draft.pk, "core"]), core_post(upload_limit_mb=50)
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.data["core"]["upload_limit_mb"] == 50
    event = AuditEvent.objects.get(action="policy.draft_changed")
    assert (event.actor_id, event.data) == (
        sysadmin.pk,
        {"section": "core", "changes": {"upload_limit_mb": [20, 50]}},
    )


@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("session_timeout_minutes", 1, "5"),
        ("duplicate_name_similarity", 1.5, "1.0"),
        ("file_no_format", "{dept}-{year}", "{seq}"),
    ],
)
def test_an_invalid_value_shows_an_error_next_to_the_field_and_changes_nothing(
    sysadmin, draft, field, value, limit
):
    response = client_for(sysadmin).post(
        reverse("policy:edit", args=[draft.pk, "core"]), core_post(**{field: value})
    )
    assert response.status_code == 400
    form = next(s["form"] for s in response.context["sections"] if s["name"] == "core")
    assert list(form.errors) == [field]
    assert limit in form.errors[field][0]
    assert str(value) in response.content.decode()  # the user's input is kept for correction
    draft.refresh_from_db()
    assert draft.data == v1().data
    assert not AuditEvent.objects.filter(action="policy.draft_changed").exists()


def test_a_value_that_is_not_a_number_is_refused_by_the_form(sysadmin, draft):
    response = client_for(sysadmin).post(
        reverse("policy:edit", args=[draft.pk, "core"]), core_post(upload_limit_mb="二十")
    )
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.data == v1().data


def test_a_version_in_force_is_read_only(sysadmin):
    response = client_for(sysadmin).get(reverse("policy:detail", args=[v1().pk]))
    assert response.context["editable"] is False
    assert reverse("policy:edit", args=[v1().pk, "core"]) not in response.content.decode()
    posted = client_for(sysadmin).post(
        reverse("policy:edit", args=[v1().pk, "core"]), core_post(upload_limit_mb=50)
    )
    assert posted.status_code == 302
    assert v1().data["core"]["upload_limit_mb"] == 20


def test_putting_in_force_needs_confirmation_and_a_reason(sysadmin, draft):
    response = client_for(sysadmin).post(reverse("policy:activate", args=[draft.pk]), {"reason": "年度修订"})
    assert response.status_code == 400
    assert list(response.context["activate_form"].errors) == ["confirm"]
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT


def test_putting_in_force_supersedes_the_old_version_and_the_date_form_finds_each(
    sysadmin, draft, time_machine
):
    time_machine.move_to("2030-01-10T04:00:00+00:00", tick=False)  # 12:00 in Shanghai
    client = client_for(sysadmin)

    response = client.post(
        reverse("policy:activate", args=[draft.pk]), {"reason": "年度修订", "confirm": "on"}
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.IN_FORCE
    assert v1().effective_to == draft.effective_from
    assert AuditEvent.objects.get(action="policy.put_in_force").purpose == "年度修订"
    day_before = client.get(reverse("policy:list"), {"on": "2030-01-09"})
    same_day = client.get(reverse("policy:list"), {"on": "2030-01-10"})
    assert day_before.context["in_force_on"] == {"date": dt.date(2030, 1, 9), "version": v1()}
    assert same_day.context["in_force_on"]["version"] == draft


def test_the_date_form_says_when_no_version_was_in_force(sysadmin):
    response = client_for(sysadmin).get(reverse("policy:list"), {"on": "2000-01-01"})
    assert response.context["in_force_on"] == {"date": dt.date(2000, 1, 1), "version": None}


def test_discarding_needs_confirmation_and_a_reason(sysadmin, draft):
    client = client_for(sysadmin)
    assert client.post(reverse("policy:discard", args=[draft.pk]), {"confirm": "on"}).status_code == 400
    response = client.post(
        reverse("policy:discard", args=[draft.pk]), {"reason": "重新起草", "confirm": "on"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DISCARDED


def test_the_diff_shows_each_changed_setting_old_and_new(sysadmin, credit_manager, draft):
    services.update_draft_section(
        draft_id=draft.pk,
        section="core",
        values={**CoreSection().model_dump(), "upload_limit_mb": 50},
        by=sysadmin,
    )
    response = client_for(credit_manager).get(reverse("policy:diff", args=[draft.pk]))
    assert response.context["against"] == v1()
    assert [(c["field"], c["old"], c["new"]) for c in response.context["changes"]] == [
        ("upload_limit_mb", "20", "50")
    ]


def test_the_diff_compares_with_any_chosen_version(sysadmin, draft):
    response = client_for(sysadmin).get(reverse("policy:diff", args=[v1().pk]), {"against": draft.pk})
    assert response.context["against"] == draft
    assert response.context["changes"] == []


def test_the_version_page_shows_who_changed_what(sysadmin, credit_manager, draft):
    services.update_draft_section(
        draft_id=draft.pk,
        section="core",
        values={**CoreSection().model_dump(), "upload_limit_mb": 50},
        by=sysadmin,
    )
    response = client_for(credit_manager).get(reverse("policy:detail", args=[draft.pk]))
    assert [e.action for e, _label in response.context["events"]] == [
        "policy.draft_created",
        "policy.draft_changed",
    ]
    assert "upload_limit_mb" in response.content.decode()

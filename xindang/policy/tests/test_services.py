from datetime import timedelta

import pytest
from django.utils import timezone

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.policy import services
from xindang.policy.errors import PolicyError
from xindang.policy.models import PolicyVersion
from xindang.policy.selectors import current_policy, previous_version, version_changes, version_in_force

pytestmark = pytest.mark.django_db

CORE = {
    "file_no_format": "{dept}-{year}-{seq:05d}",
    "customer_code_format": "KH{seq:06d}",
    "duplicate_name_similarity": 0.85,
    "session_timeout_minutes": 30,
    "upload_limit_mb": 20,
    "import_max_rows": 20000,
    "login_max_failures": 5,
    "login_lockout_minutes": 15,
}


def v1() -> PolicyVersion:
    return PolicyVersion.objects.get(number=1)


def test_putting_a_draft_in_force_supersedes_the_previous_version(sysadmin, time_machine):
    time_machine.move_to("2030-01-10T04:00:00+00:00", tick=False)  # 12:00 in Shanghai
    draft = services.create_draft(by=sysadmin, comment="放宽会话超时")
    services.update_draft_section(
        draft_id=draft.pk, section="core", values={**CORE, "session_timeout_minutes": 60}, by=sysadmin
    )

    v2 = services.put_in_force(draft_id=draft.pk, by=sysadmin, comment="放宽会话超时")

    old = v1()
    assert (old.status, old.effective_to) == (PolicyVersion.Status.SUPERSEDED, v2.effective_from)
    assert (v2.status, v2.activated_by, v2.effective_to) == (PolicyVersion.Status.IN_FORCE, sysadmin, None)
    assert version_in_force(on=v2.effective_from - timedelta(seconds=1)) == old
    assert version_in_force() == v2
    assert current_policy().core.session_timeout_minutes == 60
    assert current_policy(on=v2.effective_from - timedelta(minutes=1)).core.session_timeout_minutes == 30
    assert previous_version(v2) == old
    assert AuditEvent.objects.get(action="policy.put_in_force").data == {"replaces": [1]}


def test_a_version_in_force_cannot_be_edited(sysadmin):
    with pytest.raises(DomainError) as exc:
        services.update_draft_section(
            draft_id=v1().pk, section="core", values={**CORE, "upload_limit_mb": 50}, by=sysadmin
        )
    assert exc.value.code == PolicyError.NOT_DRAFT
    assert v1().data["core"]["upload_limit_mb"] == 20


def test_an_invalid_value_changes_nothing(sysadmin):
    draft = services.create_draft(by=sysadmin)
    with pytest.raises(DomainError) as exc:
        services.update_draft_section(
            draft_id=draft.pk, section="core", values={**CORE, "session_timeout_minutes": 1}, by=sysadmin
        )
    assert exc.value.code == PolicyError.INVALID
    assert [e["loc"] for e in exc.value.params["errors"]] == [("session_timeout_minutes",)]
    draft.refresh_from_db()
    assert draft.data["core"]["session_timeout_minutes"] == 30
    assert not AuditEvent.objects.filter(action="policy.draft_changed").exists()


def test_only_one_draft_at_a_time(sysadmin):
    services.create_draft(by=sysadmin)
    with pytest.raises(DomainError) as exc:
        services.create_draft(by=sysadmin)
    assert exc.value.code == PolicyError.DRAFT_EXISTS


def test_a_draft_that_no_longer_validates_is_refused_and_the_old_version_stays(sysadmin):
    draft = services.create_draft(by=sysadmin)
    PolicyVersion.objects.filter(pk=draft.pk).update(data={"core": {**CORE, "upload_limit_mb": 0}})
    with pytest.raises(DomainError) as exc:
        services.put_in_force(draft_id=draft.pk, by=sysadmin, comment="试试")
    assert exc.value.code == PolicyError.INVALID
    assert version_in_force() == v1()
    assert PolicyVersion.objects.get(pk=draft.pk).status == PolicyVersion.Status.DRAFT


def test_discarding_keeps_the_draft_and_records_the_reason(sysadmin):
    draft = services.create_draft(by=sysadmin)
    services.discard_draft(draft_id=draft.pk, by=sysadmin, reason="不再需要")
    assert PolicyVersion.objects.get(pk=draft.pk).status == PolicyVersion.Status.DISCARDED
    assert AuditEvent.objects.get(action="policy.draft_discarded").purpose == "不再需要"
    with pytest.raises(DomainError) as exc:
        services.put_in_force(draft_id=draft.pk, by=sysadmin)
    assert exc.value.code == PolicyError.NOT_DRAFT


def test_the_changes_of_a_draft_are_listed_against_the_version_in_force(sysadmin):
    draft = services.create_draft(by=sysadmin)
    services.update_draft_section(
        draft_id=draft.pk,
        section="core",
        values={**CORE, "upload_limit_mb": 50, "login_max_failures": 3},
        by=sysadmin,
    )
    draft.refresh_from_db()
    assert previous_version(draft) == v1()
    assert [(c.field, c.old, c.new) for c in version_changes(v1(), draft)] == [
        ("upload_limit_mb", 20, 50),
        ("login_max_failures", 5, 3),
    ]


def test_no_version_in_force_before_the_first_one(db):
    assert version_in_force(on=v1().effective_from - timedelta(seconds=1)) is None
    assert version_in_force(on=timezone.now()) == v1()

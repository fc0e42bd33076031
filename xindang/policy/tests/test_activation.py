"""Activation checks: an app above the policy (credit's back-test) registers a check a draft must pass
before it is put in force; a written reason skips it and is audited."""

import pytest

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.policy import activation, services
from xindang.policy.activation import ActivationCheck, register_activation_check
from xindang.policy.models import PolicyVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def checks(monkeypatch):
    monkeypatch.setattr(activation, "_CHECKS", [])
    state = {"done": False}
    register_activation_check(lambda version: ActivationCheck("sample.check", "Sample", True, state["done"]))
    return state


def test_a_required_check_not_done_refuses_and_changes_nothing(checks, sysadmin):
    draft = services.create_draft(by=sysadmin)
    with pytest.raises(DomainError) as exc:
        services.put_in_force(draft_id=draft.pk, by=sysadmin, skip_checks_reason="   ")
    assert exc.value.code == "policy.checks_missing" and exc.value.params["checks"] == ["sample.check"]
    draft.refresh_from_db()
    assert draft.status == PolicyVersion.Status.DRAFT


def test_a_written_reason_skips_it_and_the_event_records_why(checks, sysadmin):
    draft = services.create_draft(by=sysadmin)
    services.put_in_force(draft_id=draft.pk, by=sysadmin, skip_checks_reason="紧急修订")
    event = AuditEvent.objects.get(action="policy.put_in_force")
    assert event.data["skipped_checks"] == ["sample.check"] and event.data["skip_reason"] == "紧急修订"


def test_a_done_check_lets_the_draft_go_in_force(checks, sysadmin):
    checks["done"] = True
    draft = services.create_draft(by=sysadmin)
    assert services.put_in_force(draft_id=draft.pk, by=sysadmin).status == PolicyVersion.Status.IN_FORCE


def test_registering_twice_keeps_one(monkeypatch):
    monkeypatch.setattr(activation, "_CHECKS", [])

    def fn(version):
        return None

    register_activation_check(fn)
    register_activation_check(fn)
    assert [fn] == activation._CHECKS

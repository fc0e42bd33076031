"""Back-test before force: a draft that changes the credit or grant rules is put in force
only after a completed back-test of the draft as it stands, or with a written reason to skip it
(audited); the policy page shows the back-test's summary beside the put-in-force button."""

import pytest
from django.test import Client
from django.urls import reverse

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.credit.grants import backtest
from xindang.credit.grants.models import BacktestRun
from xindang.policy import services as policy_services
from xindang.policy.models import PolicyVersion
from xindang.policy.selectors import current_policy

from .conftest import make_facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def credit_draft(sysadmin, monkeypatch):
    """A draft that departs from 002 第三十条 (the chairman only above ¥1,000,000)."""
    monkeypatch.setattr(backtest, "_ledger", lambda ids, *, on, window_months: {i: make_facts() for i in ids})
    draft = policy_services.create_draft(by=sysadmin)
    grants = current_policy().grants.model_dump(mode="json")
    return policy_services.update_draft_section(
        draft_id=draft.pk,
        section="grants",
        values={**grants, "chairman_above_amount": "1000000"},
        by=sysadmin,
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _activate(user, draft, **extra):
    return _client(user).post(
        reverse("policy:activate", args=[draft.pk]), {"reason": "年度修订", "confirm": "on", **extra}
    )


def test_a_credit_draft_without_a_back_test_is_refused_and_stays_a_draft(credit_draft, sysadmin):
    with pytest.raises(DomainError) as exc:
        policy_services.put_in_force(draft_id=credit_draft.pk, by=sysadmin)
    assert exc.value.code == "policy.checks_missing"
    response = _activate(sysadmin, credit_draft)
    assert response.status_code == 400
    assert "skip_reason" in response.context["activate_form"].errors
    credit_draft.refresh_from_db()
    assert credit_draft.status == PolicyVersion.Status.DRAFT
    assert not AuditEvent.objects.filter(action="policy.put_in_force").exists()


def test_after_the_back_test_the_page_shows_its_summary_and_the_draft_goes_in_force(
    credit_draft, sysadmin, customer
):
    client = _client(sysadmin)
    page = client.get(reverse("policy:detail", args=[credit_draft.pk]))
    assert 'data-check="grants.backtest" data-done="0"' in page.content.decode()
    assert client.get(reverse("grants:backtest", args=[credit_draft.pk])).status_code == 200
    run = BacktestRun.objects.get(version=credit_draft)
    assert run.customers == 1 and run.computed_by == sysadmin
    html = client.get(reverse("policy:detail", args=[credit_draft.pk])).content.decode()
    assert 'data-check="grants.backtest" data-done="1"' in html
    # The summary sits in the put-in-force form, above its button.
    form = html[html.index('data-testid="policy-activate"') :]
    check = form[form.index('data-check="grants.backtest"') : form.index('type="submit"')]
    assert "<dd>1</dd>" in check and "<dd>v1</dd>" in check and str(sysadmin) in check
    assert _activate(sysadmin, credit_draft).status_code == 302
    credit_draft.refresh_from_db()
    assert credit_draft.status == PolicyVersion.Status.IN_FORCE
    event = AuditEvent.objects.get(action="policy.put_in_force")
    assert event.data["checks"] == {"grants.backtest": {"backtest": run.pk}}
    assert "skipped_checks" not in event.data


def test_a_draft_changed_after_its_back_test_needs_a_new_one(credit_draft, sysadmin, customer):
    _client(sysadmin).get(reverse("grants:backtest", args=[credit_draft.pk]))
    grants = current_policy().grants.model_dump(mode="json")
    policy_services.update_draft_section(
        draft_id=credit_draft.pk, section="grants", values={**grants, "reduction_months": 6}, by=sysadmin
    )
    with pytest.raises(DomainError) as exc:
        policy_services.put_in_force(draft_id=credit_draft.pk, by=sysadmin)
    assert exc.value.code == "policy.checks_missing"


def test_a_written_reason_skips_the_back_test_and_is_audited(credit_draft, sysadmin):
    assert _activate(sysadmin, credit_draft, skip_reason="董事会决议, 当日生效").status_code == 302
    credit_draft.refresh_from_db()
    assert credit_draft.status == PolicyVersion.Status.IN_FORCE
    event = AuditEvent.objects.get(action="policy.put_in_force")
    assert event.data["skipped_checks"] == ["grants.backtest"]
    assert event.data["skip_reason"] == "董事会决议, 当日生效"


def test_a_draft_that_leaves_the_credit_rules_alone_needs_no_back_test(sysadmin):
    draft = policy_services.create_draft(by=sysadmin)
    core = current_policy().core.model_dump(mode="json")
    policy_services.update_draft_section(
        draft_id=draft.pk, section="core", values={**core, "upload_limit_mb": 50}, by=sysadmin
    )
    assert (
        policy_services.put_in_force(draft_id=draft.pk, by=sysadmin).status == PolicyVersion.Status.IN_FORCE
    )


def test_the_back_test_command_also_records_the_run(credit_draft, customer):
    from django.core.management import call_command

    call_command("backtest_policy")
    assert BacktestRun.objects.filter(version=credit_draft, draft_updated_at=credit_draft.updated_at).exists()


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏机电有限公司")

"""Grant screens: list/export, request form with the ceiling, detail with the trail, notice PDF, the
file section, header badge and contract badge, the policy back-test."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xindang.approvals import services as approvals
from xindang.approvals.models import ApprovalRequest
from xindang.audit.models import AuditEvent
from xindang.credit.grants import backtest, services
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.policy import services as policy_services

from .conftest import make_facts

D = Decimal


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏机电有限公司")


@pytest.fixture
def rated(customer, ledger, rate):
    rate(customer, "A")
    ledger.facts[customer.pk] = make_facts(shipments="100000", collections="80000")
    return customer


@pytest.fixture
def active_grant(rated, salesperson, vp_marketing, cfo, gm, chairman):
    grant = services.request_grant(
        customer=rated,
        by=salesperson,
        kind="long_term",
        limit_amount=D("60000"),
        term_days=30,
        reason="年度授信",
    )
    for user in (vp_marketing, cfo, gm, chairman):  # 002 第三十条: the GM and the chairman last
        approvals.approve_step(
            approval=ApprovalRequest.objects.get(pk=grant.approval_id), approver=user, comment="同意"
        )
    grant.refresh_from_db()
    assert grant.status == GrantStatus.ACTIVE
    return grant


def test_request_form_shows_the_ceiling_with_reasons(client, salesperson, rated):
    client.force_login(salesperson)
    page = client.get(reverse("grants:request", args=[rated.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="ceiling-amount">¥80,000.00' in html
    assert "002 第二十六条2" in html


def test_ceiling_fragment_recalculates_and_flags_over_ceiling(client, salesperson, rated):
    client.force_login(salesperson)
    data = {
        "kind": "long_term",
        "limit_amount": "9",
        "limit_unit": "wan",
        "term_days": "30",
        "collateral-TOTAL_FORMS": "0",
        "collateral-INITIAL_FORMS": "0",
    }
    html = client.post(reverse("grants:ceiling", args=[rated.pk]), data).content.decode()
    assert 'data-testid="over-ceiling"' in html and "¥90,000.00" in html
    data["limit_amount"] = "8"
    html = client.post(reverse("grants:ceiling", args=[rated.pk]), data).content.decode()
    assert 'data-testid="over-ceiling"' not in html


def _form(limit, unit="yuan", **extra):
    return {
        "kind": "long_term",
        "limit_amount": limit,
        "limit_unit": unit,
        "term_days": "30",
        "reason": "年度授信",
        "collateral-TOTAL_FORMS": "1",
        "collateral-INITIAL_FORMS": "0",
        "collateral-0-type": "real_estate",
        "collateral-0-value_unit": "yuan",
        "guarantee-TOTAL_FORMS": "1",
        "guarantee-INITIAL_FORMS": "0",
        "guarantee-0-amount_unit": "yuan",
        **extra,
    }


def test_request_above_ceiling_refused_in_the_form(client, salesperson, rated):
    client.force_login(salesperson)
    response = client.post(reverse("grants:request", args=[rated.pk]), _form("8.5", "wan"))
    assert response.status_code == 422
    assert 'data-code="grant.over_ceiling"' in response.content.decode()
    assert not CreditGrant.objects.exists()


def test_request_within_ceiling_in_wan_goes_to_approval(client, salesperson, rated):
    client.force_login(salesperson)
    response = client.post(reverse("grants:request", args=[rated.pk]), _form("8万"))
    grant = CreditGrant.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("grants:detail", args=[grant.pk])
    assert grant.limit_amount == D("80000") and grant.status == GrantStatus.PENDING
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="approval-trail"' in detail and 'data-testid="object-approvals"' in detail


def test_notice_pdf_after_approval_is_audited(client, salesperson, active_grant, settings):
    settings.XINDANG_PDF_FONT = "cid"
    client.force_login(salesperson)
    detail = client.get(reverse("grants:detail", args=[active_grant.pk])).content.decode()
    assert 'data-testid="notice"' in detail
    response = client.get(reverse("grants:notice", args=[active_grant.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"STSong-Light" in response.content
    from pypdf import PdfReader

    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "授信通知函" in text and "¥60,000.00" in text and "30 天" in text
    assert active_grant.valid_until.strftime("%Y年%-m月%-d日") in text
    assert "同意" not in text  # the customer's copy: no approvers' comments (the internal copy has them)
    assert AuditEvent.objects.filter(action="grant.notice", object_id=str(active_grant.pk)).exists()


def test_notice_of_pending_grant_is_404(client, salesperson, rated):
    grant = services.request_grant(
        customer=rated, by=salesperson, kind="long_term", limit_amount=D("1"), term_days=30
    )
    client.force_login(salesperson)
    assert client.get(reverse("grants:notice", args=[grant.pk])).status_code == 404


def test_other_department_cannot_see_the_grant(client, other_salesperson, active_grant):
    client.force_login(other_salesperson)
    assert client.get(reverse("grants:detail", args=[active_grant.pk])).status_code == 404
    assert client.get(reverse("grants:customer_header", args=[active_grant.customer_id])).status_code == 404
    assert AuditEvent.objects.filter(action="grant.access_denied").exists()
    page = client.get(reverse("grants:list")).content.decode()
    assert 'data-testid="grant-row"' not in page


def test_list_filters_and_export(client, credit_manager, active_grant):
    client.force_login(credit_manager)
    page = client.get(
        reverse("grants:list"), {"status": "active", "grade": "A", "sort": "-limit"}
    ).content.decode()
    assert page.count('data-testid="grant-row"') == 1
    page = client.get(reverse("grants:list"), {"status": "rejected"}).content.decode()
    assert 'data-testid="grant-row"' not in page
    response = client.get(reverse("grants:export"), {"status": "active"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "华夏机电有限公司" and rows[1][5] == 60000


def test_customer_section_and_header(client, salesperson, active_grant, ledger):
    client.force_login(salesperson)
    section = client.get(reverse("grants:customer_section", args=[active_grant.customer_id])).content.decode()
    assert 'data-testid="active-grant"' in section and "¥60,000.00" in section
    ledger.exposures[active_grant.customer_id] = D("66000")
    header = client.get(reverse("grants:customer_header", args=[active_grant.customer_id])).content.decode()
    assert 'data-testid="header-grade">A' in header
    assert 'data-testid="header-utilisation">110%' in header
    # No investigation on file, and over the limit; the grant is not expiring, trade not suspended.
    assert header.count('data-testid="header-warning"') == 2
    # The salesperson may run the credit check from the header (credit control, 002 第三十一–三十五条).
    assert salesperson.has_perm("credit_control.check_credit")
    assert reverse("credit_control:check", args=[active_grant.customer_id]) in header


def test_contract_badge_shows_the_grant(client, salesperson, active_grant):
    from xindang.contracts import services as contracts

    contract = contracts.create_contract(
        by=salesperson,
        customer_id=active_grant.customer_id,
        data={"title": "年度购销合同", "kind": "sale", "amount": D("100000"), "handler": salesperson},
    )
    client.force_login(salesperson)
    html = client.get(reverse("grants:contract_badge", args=[contract.pk])).content.decode()
    assert 'data-testid="contract-grant"' in html and "¥60,000.00" in html


@pytest.fixture
def draft(sysadmin):
    return policy_services.create_draft(by=sysadmin)


def test_backtest_stricter_draft_shows_changes_and_changes_nothing(
    client, credit_manager, active_grant, draft, sysadmin, monkeypatch, ledger
):
    """A stricter draft (every customer C) — grade changes, the limit above the new ceiling, blocked
    — and nothing in the database changes."""
    from xindang.policy.selectors import current_policy

    credit = current_policy().credit.model_dump(mode="json")
    credit["a_min_cooperation_months"] = credit["a_min_cooperation_months"] + 12
    draft = policy_services.update_draft_section(
        draft_id=draft.pk, section="credit", values=credit, by=sysadmin
    )
    monkeypatch.setattr(
        backtest,
        "_rate",
        lambda facts, policy: dict.fromkeys(facts, "C" if policy.version == draft.number else "A"),
    )
    monkeypatch.setattr(backtest, "_ledger", lambda ids, *, on, window_months: {i: make_facts() for i in ids})
    ledger.exposures[active_grant.customer_id] = D("1000")
    before = list(CreditGrant.objects.values_list("pk", "status", "limit_amount"))
    client.force_login(credit_manager)
    page = client.get(reverse("grants:backtest", args=[draft.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="bt-grade-changed">1<' in html
    assert 'data-testid="bt-below-limit">1<' in html
    assert 'data-testid="bt-blocked">1<' in html
    assert 'data-testid="bt-newly-blocked">1<' in html  # under the version in force it was within
    xlsx = client.get(reverse("grants:backtest", args=[draft.pk]), {"format": "xlsx"})
    sheet = load_workbook(BytesIO(xlsx.content)).worksheets[1]
    assert list(sheet.iter_rows(values_only=True))[1][0] == "华夏机电有限公司"
    assert list(CreditGrant.objects.values_list("pk", "status", "limit_amount")) == before
    assert AuditEvent.objects.filter(action="grant.backtest").count() == 1  # the export reused the run
    client.get(reverse("grants:backtest", args=[draft.pk]), {"fresh": "1"})
    assert AuditEvent.objects.filter(action="grant.backtest").count() == 2


def test_backtest_same_policy_shows_no_change_with_real_rules(
    credit_manager, active_grant, draft, monkeypatch
):
    """The real rating facts and rules of both versions: an unchanged draft changes nobody's grade."""
    monkeypatch.setattr(backtest, "_ledger", lambda ids, *, on, window_months: {i: make_facts() for i in ids})
    result = backtest.run_backtest(draft)
    assert result.customers == 1 and result.grade_changed == 0


def test_backtest_only_for_drafts_and_editors(client, salesperson, credit_manager, draft, sysadmin):
    client.force_login(salesperson)
    assert client.get(reverse("grants:backtest", args=[draft.pk])).status_code == 403
    policy_services.put_in_force(draft_id=draft.pk, by=sysadmin)
    client.force_login(credit_manager)
    assert client.get(reverse("grants:backtest", args=[draft.pk])).status_code == 404


def test_header_is_empty_without_the_grants_capability(client, archivist, active_grant):
    client.force_login(archivist)
    response = client.get(reverse("grants:customer_header", args=[active_grant.customer_id]))
    assert response.status_code == 200 and response.content == b""


@pytest.mark.parametrize(
    "section,field,gathers",
    [
        ("grants", "window_months", 1),  # grant rules only: the grades are not recomputed
        ("credit", "a_max_debt_ratio_pct", 1),  # a rating threshold: same facts, rated again
        ("credit", "a_min_cooperation_months", 1),  # an A condition: same facts, rated again
        ("credit", "new_customer_months", 2),  # read while gathering the facts (002 第十八条)
    ],
)
def test_backtest_gathers_facts_again_only_when_needed(
    active_grant, draft, sysadmin, monkeypatch, section, field, gathers
):
    from xindang.policy.selectors import current_policy

    values = current_policy().sections[section].model_dump(mode="json")
    values[field] = values[field] + 1
    draft = policy_services.update_draft_section(
        draft_id=draft.pk, section=section, values=values, by=sysadmin
    )
    calls = []
    real = backtest._facts
    monkeypatch.setattr(
        backtest,
        "_facts",
        lambda ids, *, on, policy: calls.append(policy.version) or real(ids, on=on, policy=policy),
    )
    monkeypatch.setattr(backtest, "_ledger", lambda ids, *, on, window_months: {i: make_facts() for i in ids})
    result = backtest.run_backtest(draft)
    assert len(calls) == gathers and result.customers == 1


def test_backtest_command_prints_the_summary(active_grant, draft, monkeypatch, capsys):
    from django.core.management import call_command

    monkeypatch.setattr(backtest, "_ledger", lambda ids, *, on, window_months: {i: make_facts() for i in ids})
    call_command("backtest_policy")
    out = capsys.readouterr().out
    assert f"draft v{draft.number}" in out and "1 customers" in out


def test_reduction_schedule_shown_on_request_grant_page_and_header(
    client, salesperson, active_grant, ledger, vp_marketing, cfo, gm, chairman
):
    """002 第二十六条2 并应逐步减少: the rules now allow 40,000 against the limit of 60,000 in force — the
    request form shows the steps, the grant page their dates, the file header the limit of the day."""
    customer = active_grant.customer
    ledger.facts[customer.pk] = make_facts(shipments="40000", collections="40000")
    client.force_login(salesperson)
    data = {
        "kind": "long_term",
        "limit_amount": "40000",
        "limit_unit": "yuan",
        "term_days": "30",
        "collateral-TOTAL_FORMS": "0",
        "collateral-INITIAL_FORMS": "0",
    }
    html = client.post(reverse("grants:ceiling", args=[customer.pk]), data).content.decode()
    assert 'data-testid="reduction-schedule"' in html and "¥53,333.33" in html and "¥40,000.00" in html
    grant = services.request_grant(
        customer=customer, by=salesperson, kind="long_term", limit_amount=D("40000"), term_days=30
    )
    for user in (vp_marketing, cfo, gm, chairman):
        approvals.approve_step(approval=ApprovalRequest.objects.get(pk=grant.approval_id), approver=user)
    html = client.get(reverse("grants:detail", args=[grant.pk])).content.decode()
    assert 'data-testid="reduction-steps"' in html
    assert 'data-testid="limit-today">¥60,000.00' in html
    header = client.get(reverse("grants:customer_header", args=[customer.pk])).content.decode()
    assert 'data-testid="header-limit">¥60,000.00' in header


def test_backtest_shows_the_departure_from_the_existing_limit_as_raised_ceilings(
    active_grant, draft, sysadmin, monkeypatch, ledger
):
    """The old default (a lower existing limit only warns) back-tested against the regulation's
    reading (002 第二十六条2): the customer with a limit of 60,000 and averages of 80,000 gets a ceiling
    of 80,000 under the departure — one ceiling raised, listed."""
    from xindang.policy.selectors import current_policy

    grants = current_policy().grants.model_dump(mode="json")
    draft = policy_services.update_draft_section(
        draft_id=draft.pk,
        section="grants",
        values={**grants, "existing_limit_is_ceiling": False},
        by=sysadmin,
    )
    monkeypatch.setattr(backtest, "_ledger", lambda ids, *, on, window_months: {i: make_facts() for i in ids})
    monkeypatch.setattr(backtest, "_rate", lambda facts, policy: dict.fromkeys(facts, "A"))
    result = backtest.run_backtest(draft)
    assert (result.ceiling_raised, result.ceiling_lowered) == (1, 0)
    [row] = result.rows
    assert (row.ceiling_old, row.ceiling_new) == (D("60000"), D("80000")) and row.ceiling_changed

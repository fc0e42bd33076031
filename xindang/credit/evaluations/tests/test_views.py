"""The evaluation screens through the test client, and the workbench items (第三十七–四十二条)."""

import io
from datetime import date
from decimal import Decimal as D

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from xindang.audit.models import AuditEvent
from xindang.credit.evaluations import rules, selectors, services
from xindang.credit.evaluations.models import GrantEvaluation

from .conftest import OCT

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


# --- List, export, quarter -------------------------------------------------------------------------
def test_list_shows_the_month_with_filters(
    client, evaluation, finance_controller, make_customer, other_salesperson
):
    page = _login(client, finance_controller).get(reverse("evaluations:list"), {"month": "2026-10"})
    assert page.status_code == 200
    assert "华夏钢铁贸易有限公司" in page.content.decode()
    assert page.context["page"].paginator.count == 1
    assert client.get(reverse("evaluations:list"), {"month": "2026-09"}).context["page"].paginator.count == 0
    assert (
        client.get(reverse("evaluations:list"), {"month": "2026-10", "q": "长江"})
        .context["page"]
        .paginator.count
        == 0
    )
    assert (
        client.get(reverse("evaluations:list"), {"month": "2026-10", "status": "reviewed"})
        .context["page"]
        .paginator.count
        == 0
    )
    assert (
        client.get(reverse("evaluations:list"), {"month": "2026-10", "status": "open"})
        .context["page"]
        .paginator.count
        == 1
    )


def test_a_salesperson_lists_only_own_files(client, evaluation, other_salesperson):
    page = _login(client, other_salesperson).get(reverse("evaluations:list"), {"month": "2026-10"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 0


def test_export_is_xlsx_and_audited(client, evaluation, finance_controller):
    response = _login(client, finance_controller).get(reverse("evaluations:export"), {"month": "2026-10"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][2] == "华夏钢铁贸易有限公司"
    assert AuditEvent.objects.filter(action="evaluation.export").exists()


def test_export_needs_the_permission(client, evaluation, salesperson):
    assert _login(client, salesperson).get(reverse("evaluations:export")).status_code == 403


def test_quarter_puts_three_months_side_by_side(client, grant, finance_controller):
    for month in (date(2026, 10, 1), date(2026, 12, 1)):
        services.generate_month(month)
    page = _login(client, finance_controller).get(reverse("evaluations:quarter"), {"quarter": "2026-Q4"})
    assert page.status_code == 200
    [row] = page.context["rows"]
    assert [ev.month if ev else None for ev in row.months] == [date(2026, 10, 1), None, date(2026, 12, 1)]


def test_generate_button_for_the_controller_only(client, grant, finance_controller, salesperson):
    url = reverse("evaluations:generate")
    with time_machine.travel(date(2026, 11, 2), tick=False):
        assert _login(client, salesperson).post(url, {"month": "2026-10"}).status_code == 403
        _login(client, finance_controller)
        client.post(url, {"month": "2026-11"})  # not ended yet: refused
        assert not GrantEvaluation.objects.exists()
        client.post(url, {"month": "2026-10"})
        response = client.post(url, {"month": "2026-10"}, follow=True)
    assert GrantEvaluation.objects.filter(month=OCT).count() == 1
    assert response.status_code == 200
    runs = AuditEvent.objects.filter(action="evaluation.generate").order_by("seq")
    assert [e.data["created"] for e in runs] == [1, 0]


# --- The form page and its three steps ------------------------------------------------------------
def test_detail_page_is_laid_out_like_the_form(client, evaluation, finance_controller):
    page = _login(client, finance_controller).get(evaluation.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="figures"' in body and 'data-testid="sign-form"' in body
    assert 'data-testid="report-form"' not in body  # not the file's salesperson
    assert AuditEvent.objects.filter(action="evaluation.view", object_id=str(evaluation.pk)).exists()


def test_the_three_steps_through_the_screens(
    client, evaluation, finance_controller, manager, marketing_manager
):
    _login(client, finance_controller)
    assert (
        client.post(reverse("evaluations:sign", args=[evaluation.pk]), {"remarks": "数据属实"}).status_code
        == 302
    )
    _login(client, manager)
    response = client.post(
        reverse("evaluations:report", args=[evaluation.pk]), {"operations_report": "经营正常"}
    )
    assert response.status_code == 400  # not confirmed as true (第三十九条)
    response = client.post(
        reverse("evaluations:report", args=[evaluation.pk]),
        {"operations_report": "经营正常", "payment_outlook": "", "confirmed": "on"},
    )
    assert response.status_code == 302
    _login(client, marketing_manager)
    page = client.get(evaluation.get_absolute_url())
    assert 'data-testid="review-form"' in page.content.decode()
    response = client.post(
        reverse("evaluations:review", args=[evaluation.pk]), {"opinion": "同意", "amount_unit": "yuan"}
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == rules.REVIEWED


def test_steps_need_the_capability(client, evaluation, salesperson, finance_controller, gm):
    _login(client, salesperson)
    assert client.post(reverse("evaluations:sign", args=[evaluation.pk]), {"remarks": ""}).status_code == 403
    _login(client, finance_controller)
    response = client.post(
        reverse("evaluations:report", args=[evaluation.pk]), {"operations_report": "x", "confirmed": "on"}
    )
    assert response.status_code == 403
    _login(client, gm)
    assert client.get(evaluation.get_absolute_url()).status_code == 200  # the GM reads
    assert (
        client.post(reverse("evaluations:review", args=[evaluation.pk]), {"opinion": "x"}).status_code == 403
    )


def test_review_with_a_proposal_error_shows_on_the_form(
    client, evaluation, finance_controller, manager, marketing_manager
):
    services.sign_figures(evaluation=evaluation, by=finance_controller)
    services.submit_report(evaluation=evaluation, by=manager, operations_report="正常", confirmed=True)
    response = _login(client, marketing_manager).post(
        reverse("evaluations:review", args=[evaluation.pk]),
        {"opinion": "压缩", "proposed_limit_amount": "60", "amount_unit": "wan", "proposal_reason": ""},
    )
    assert response.status_code == 400
    assert response.context["review_form"].errors["proposal_reason"]


def test_print_view_has_the_signature_lines(client, evaluation, finance_controller):
    services.sign_figures(evaluation=evaluation, by=finance_controller, remarks="已核对")
    page = _login(client, finance_controller).get(reverse("evaluations:print", args=[evaluation.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "客户授信额度执行评价表" in body
    assert body.count('class="line"') >= 8 and "郑十" in body


def test_customer_page_lists_the_files_evaluations(client, evaluation, salesperson):
    page = _login(client, salesperson).get(reverse("evaluations:customer", args=[evaluation.customer_id]))
    assert page.status_code == 200
    assert evaluation.get_absolute_url() in page.content.decode()


@pytest.mark.parametrize(
    "name",
    [
        "evaluations:detail",
        "evaluations:print",
        "evaluations:sign",
        "evaluations:report",
        "evaluations:refresh",
    ],
)
def test_invisible_files_answer_404(client, evaluation, other_salesperson, name):
    _login(client, other_salesperson)
    method = client.get if name in ("evaluations:detail", "evaluations:print") else client.post
    response = method(reverse(name, args=[evaluation.pk]))
    assert response.status_code in (403, 404)
    if name in ("evaluations:detail", "evaluations:print", "evaluations:report"):
        assert response.status_code == 404
    assert AuditEvent.objects.filter(action="customer.access_denied").exists() or response.status_code == 403


def test_invisible_customer_page_answers_404(client, evaluation, other_salesperson):
    response = _login(client, other_salesperson).get(
        reverse("evaluations:customer", args=[evaluation.customer_id])
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="customer.access_denied").exists()


def test_unknown_evaluation_answers_404(client, finance_controller):
    assert (
        _login(client, finance_controller).get(reverse("evaluations:detail", args=[999999])).status_code
        == 404
    )


# --- Workbench (overdue evaluations on the to-do lists) --------------------------------------------
def _kinds(items):
    return {(i.label, i.overdue) for i in items}


def test_controller_sees_the_month_to_sign_overdue_after_the_due_day(evaluation, finance_controller):
    with time_machine.travel(date(2026, 11, 5), tick=False):
        [item] = selectors.workbench_items(finance_controller)
        assert item.due == date(2026, 11, 10) and not item.overdue
        assert "2026-10" in item.title
    with time_machine.travel(date(2026, 11, 11), tick=False):
        [item] = selectors.workbench_items(finance_controller)
        assert item.overdue
    services.sign_figures(evaluation=evaluation, by=finance_controller)
    with time_machine.travel(date(2026, 11, 11), tick=False):
        assert selectors.workbench_items(finance_controller) == []


def test_business_supervisor_sees_the_report_missing(evaluation, manager, salesperson, other_salesperson):
    with time_machine.travel(date(2026, 11, 12), tick=False):
        [item] = [i for i in selectors.workbench_items(manager) if i.url == evaluation.get_absolute_url()]
        assert item.overdue
        assert selectors.workbench_items(salesperson) == []  # 业务主管 reports, not the salesperson
        assert selectors.workbench_items(other_salesperson) == []
    services.submit_report(evaluation=evaluation, by=manager, operations_report="正常", confirmed=True)
    with time_machine.travel(date(2026, 11, 12), tick=False):
        assert not [i for i in selectors.workbench_items(manager) if i.url == evaluation.get_absolute_url()]


def test_marketing_manager_sees_reviews_once_signed_and_reported(
    evaluation, marketing_manager, finance_controller, manager
):
    with time_machine.travel(date(2026, 11, 25), tick=False):
        assert selectors.workbench_items(marketing_manager) == []
    services.sign_figures(evaluation=evaluation, by=finance_controller)
    services.submit_report(evaluation=evaluation, by=manager, operations_report="正常", confirmed=True)
    with time_machine.travel(date(2026, 11, 15), tick=False):
        [item] = selectors.workbench_items(marketing_manager)
        assert item.due == date(2026, 11, 20) and not item.overdue
    with time_machine.travel(date(2026, 11, 21), tick=False):
        assert selectors.workbench_items(marketing_manager)[0].overdue


def test_the_running_month_is_not_on_the_workbench(grant, finance_controller):
    services.generate_month(date(2026, 10, 1))
    with time_machine.travel(date(2026, 10, 20), tick=False):
        assert selectors.workbench_items(finance_controller) == []


def test_due_day_comes_from_policy(evaluation, finance_controller, monkeypatch):
    from xindang.policy import selectors as policy_selectors

    real = policy_selectors.current_policy

    def patched(on=None):
        policy = real(on)
        policy.evaluations.due_day = 3
        return policy

    monkeypatch.setattr(selectors.workbench, "current_policy", patched)
    with time_machine.travel(date(2026, 11, 4), tick=False):
        [item] = selectors.workbench_items(finance_controller)
        assert item.due == date(2026, 11, 3) and item.overdue


def test_workbench_registered():
    from xindang.views import WORKBENCH_PROVIDERS

    assert "xindang.credit.evaluations.selectors.workbench_items" in WORKBENCH_PROVIDERS


def test_limit_in_wan_on_the_review_form():
    from xindang.credit.evaluations.forms import ReviewForm

    form = ReviewForm({"opinion": "x", "proposed_limit_amount": "60", "amount_unit": "wan"})
    assert form.is_valid() and form.cleaned_data["proposed_limit_amount"] == D("600000")


def test_pdf_of_the_form(client, evaluation, finance_controller, other_salesperson):
    response = _login(client, finance_controller).get(reverse("evaluations:pdf", args=[evaluation.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        _login(client, other_salesperson).get(reverse("evaluations:pdf", args=[evaluation.pk])).status_code
        == 404
    )


def test_history_records_who_signed(evaluation, finance_controller):
    services.sign_figures(evaluation=evaluation, by=finance_controller)
    assert evaluation.history.order_by("-history_date").first().history_user == finance_controller


def test_reviewed_page_links_the_adjustment_request(
    client, evaluation, finance_controller, manager, marketing_manager, ceiling_allows
):
    services.sign_figures(evaluation=evaluation, by=finance_controller)
    services.submit_report(evaluation=evaluation, by=manager, operations_report="正常", confirmed=True)
    response = _login(client, marketing_manager).post(
        reverse("evaluations:review", args=[evaluation.pk]),
        {
            "opinion": "压缩额度",
            "proposed_limit_amount": "60",
            "amount_unit": "wan",
            "proposal_reason": "回款放缓",
        },
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.proposed_limit_amount == D("600000")
    page = client.get(evaluation.get_absolute_url())
    assert reverse("grants:detail", args=[evaluation.proposed_grant_id]) in page.content.decode()
    assert client.get(reverse("evaluations:pdf", args=[evaluation.pk])).status_code == 200


def test_policy_section_defaults_are_the_seeds_days():
    from xindang.policy.selectors import default_policy

    section = default_policy().evaluations
    assert (section.due_day, section.review_due_day) == (10, 20)


def test_all_months_of_one_customer_in_the_list_and_export(client, grant, finance_controller):
    for month in (date(2026, 9, 1), date(2026, 10, 1)):
        services.generate_month(month)
    params = {"month": "all", "customer": grant.customer_id}
    _login(client, finance_controller)
    assert client.get(reverse("evaluations:list"), params).context["page"].paginator.count == 2
    response = client.get(reverse("evaluations:export"), params)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["2026-10", "2026-09"]


def test_the_adjusted_limit_shows_the_general_managers_and_chairmans_approval(
    client,
    evaluation,
    finance_controller,
    manager,
    marketing_manager,
    vp_marketing,
    cfo,
    gm,
    ceiling_allows,
):
    """002 第四十一条 报总经理、董事长批准: the form shows the approval of the adjusted limit — the page
    its trail, the printout a sign-off line for the general manager and one for the chairman."""
    from xindang.approvals import services as approvals
    from xindang.credit.evaluations.pdf import _adjustment_approvals

    services.sign_figures(evaluation=evaluation, by=finance_controller)
    # 第三十九条: the business supervisor (the customer's department manager) reports
    services.submit_report(evaluation=evaluation, by=manager, operations_report="正常", confirmed=True)
    services.review_evaluation(
        evaluation=evaluation,
        by=marketing_manager,
        opinion="压缩额度",
        proposed_limit_amount=D("600000"),
        proposal_reason="回款放缓",
    )
    evaluation.refresh_from_db()
    approval = evaluation.proposed_grant.approval
    for user in (vp_marketing, cfo, gm):
        approval = approvals.approve_step(approval=approval, approver=user, comment="同意")
    page = _login(client, marketing_manager).get(evaluation.get_absolute_url()).content.decode()
    block = page[page.index('data-testid="adjustment-approval"') :]
    assert "第四十一条" in block and str(gm) in block
    rows = _adjustment_approvals(evaluation, lambda label, article, text, who, when: (label, who, when))
    assert [(label, who) for label, who, _when in rows] == [("总经理审批", str(gm)), ("董事长审批", "")]
    assert rows[0][2] is not None and rows[1][2] is None

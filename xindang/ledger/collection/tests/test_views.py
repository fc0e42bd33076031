"""Collection screens: permissions, 404 for invisible files, forms through the services, exports."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from xindang.audit.models import AuditEvent
from xindang.ledger.collection import selectors, services
from xindang.ledger.collection.models import AnomalyReport, CollectionRecord, DangerReport, PaymentPromise
from xindang.testing.factories import entry


@pytest.fixture
def late_customer(customer):
    entry(customer, "shipment", "5000.00", date(2026, 1, 1), due_on=date(2026, 2, 1))
    return customer


def _as(client, user):
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_customer_section_lists_collection_work(client, late_customer, salesperson):
    services.add_record(
        customer=late_customer,
        by=salesperson,
        method="call",
        contacted_on=date(2026, 3, 1),
        summary="客户说下周付款",
    )
    response = _as(client, salesperson).get(reverse("collection:customer_section", args=[late_customer.pk]))
    assert response.status_code == 200
    assert "客户说下周付款" in response.content.decode()
    assert response.context["ageing_row"][-1][1] == Decimal("5000.00")  # long overdue: the last bucket


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, args",
    [
        ("collection:customer_section", None),
        ("collection:record_create", None),
        ("collection:promise_create", None),
        ("collection:danger_create", None),
        ("collection:ageing_entries", None),
    ],
)
def test_another_departments_file_is_404_and_audited(client, late_customer, other_salesperson, name, args):
    response = _as(client, other_salesperson).get(reverse(name, args=[late_customer.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(
        action="customer.access_denied", object_id=str(late_customer.pk)
    ).exists()


@pytest.mark.django_db
def test_reports_of_invisible_files_are_404(client, late_customer, other_salesperson):
    services.run_daily(today=date(2026, 6, 30))
    report = AnomalyReport.objects.get()
    _as(client, other_salesperson)
    assert client.get(reverse("collection:anomaly", args=[report.pk])).status_code == 404
    assert client.get(reverse("collection:anomaly_print", args=[report.pk])).status_code == 404


@pytest.mark.django_db
def test_record_with_promise_from_the_form(client, late_customer, salesperson):
    response = _as(client, salesperson).post(
        reverse("collection:record_create", args=[late_customer.pk]),
        {
            "method": "visit",
            "contacted_on": "2026-03-02",
            "contact_person": "王经理",
            "summary": "上门催收，客户承诺本月付一半",
            "next_step": "月底复核",
            "next_step_on": "2026-03-31",
            "promise_amount": "2500.00",
            "promised_on": "2026-03-31",
        },
    )
    assert response.status_code == 302
    record = CollectionRecord.objects.get()
    promise = PaymentPromise.objects.get()
    assert (promise.record, promise.amount, promise.made_on) == (record, Decimal("2500.00"), date(2026, 3, 2))


@pytest.mark.django_db
def test_record_form_errors_are_shown(client, late_customer, salesperson):
    response = _as(client, salesperson).post(
        reverse("collection:record_create", args=[late_customer.pk]),
        {
            "method": "call",
            "contacted_on": "2026-03-02",
            "summary": "x",
            "next_step_on": "2026-03-01",
            "next_step": "y",
        },
    )
    assert response.status_code == 400
    assert not CollectionRecord.objects.exists()


@pytest.mark.django_db
def test_salesperson_cannot_suspend_trade(client, late_customer, salesperson):
    response = _as(client, salesperson).post(
        reverse("collection:suspend", args=[late_customer.pk]), {"reason": "x"}
    )
    assert response.status_code == 403
    assert not selectors.is_trade_suspended(late_customer)


@pytest.mark.django_db
def test_manager_suspends_and_lifts_with_reasons(client, late_customer, manager):
    _as(client, manager)
    url = reverse("collection:suspend", args=[late_customer.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "逾期五个月"}).status_code == 302
    assert selectors.is_trade_suspended(late_customer)
    assert (
        client.post(reverse("collection:resume", args=[late_customer.pk]), {"reason": "已还清"}).status_code
        == 302
    )
    assert not selectors.is_trade_suspended(late_customer)


@pytest.mark.django_db
def test_anomaly_report_completed_on_its_page_and_printable(client, late_customer, salesperson, manager):
    services.run_daily(today=date(2026, 6, 30))
    report = AnomalyReport.objects.get()
    url = reverse("collection:anomaly", args=[report.pk])
    assert _as(client, manager).post(url, {"delay_reason": "x", "measures_proposed": "y"}).status_code == 403
    response = _as(client, salesperson).post(
        url, {"delay_reason": "资金紧张", "customer_situation": "", "measures_proposed": "分期"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.delay_reason == "资金紧张"
    page = client.get(reverse("collection:anomaly_print", args=[report.pk]))
    assert "收款异样报告表" in page.content.decode() and "资金紧张" in page.content.decode()
    pdf = client.get(reverse("collection:anomaly_print", args=[report.pk]), {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_problem_report_flow_through_the_page(client, late_customer, salesperson, manager):
    services.run_daily(today=date(2026, 6, 30))
    report = late_customer.problem_reports.get()
    url = reverse("collection:problem", args=[report.pk])
    _as(client, salesperson).post(
        url, {"action": "submit", "facts": "欠款五个月", "cause": "经营困难", "measures": "起诉"}
    )
    _as(client, manager).post(url, {"action": "review", "opinion": "同意起诉"})
    report.refresh_from_db()
    assert (report.status, report.manager_opinion) == ("reviewed", "同意起诉")
    assert (
        "问题帐款报告书" in client.get(reverse("collection:problem_print", args=[report.pk])).content.decode()
    )


@pytest.mark.django_db
def test_dangerous_customer_report_and_decision(client, late_customer, salesperson, manager):
    _as(client, salesperson).post(
        reverse("collection:danger_create", args=[late_customer.pk]),
        {
            "kind": "urgent",
            "situation": "客户被起诉，账户冻结",
            "propose_deposit": "on",
            "notes_deposit": "追加20万保证金",
        },
    )
    report = DangerReport.objects.get()
    assert report.measures["deposit"]["proposed"] and report.measures["deposit"]["notes"] == "追加20万保证金"
    assert client.post(reverse("collection:danger", args=[report.pk]), {"decision": "ok"}).status_code == 403
    _as(client, manager).post(
        reverse("collection:danger", args=[report.pk]),
        {"decision": "同意追加保证金", "approve_deposit": "on"},
    )
    report.refresh_from_db()
    assert report.status == "decided" and report.measures["deposit"]["approved"] is True


@pytest.mark.django_db
def test_collection_list_and_export(client, late_customer, credit_manager):
    services.run_daily(today=date(2026, 6, 30))
    _as(client, credit_manager)
    response = client.get(reverse("collection:list"))
    assert response.status_code == 200 and late_customer.name in response.content.decode()
    assert client.get(reverse("collection:list"), {"kind": "anomaly"}).status_code == 200
    export = client.get(reverse("collection:export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_ageing_drill_down_and_export(
    client, late_customer, make_customer, other_salesperson, credit_manager, salesperson
):
    hidden = make_customer(other_salesperson, name="看不见的公司")
    entry(hidden, "shipment", "700.00", date(2026, 1, 1), due_on=date(2026, 2, 1))
    _as(client, credit_manager)
    for by in ("company", "department", "salesperson", "customer"):
        assert client.get(reverse("collection:ageing"), {"on": "2026-06-30", "by": by}).status_code == 200
    export = client.get(reverse("collection:ageing_export"), {"on": "2026-06-30", "by": "customer"})
    assert export.status_code == 200
    entries = client.get(reverse("collection:ageing_entries", args=[late_customer.pk]), {"on": "2026-06-30"})
    assert "5,000.00" in entries.content.decode()
    # The salesperson's ageing counts only their own files.
    response = _as(client, salesperson).get(
        reverse("collection:ageing"), {"on": "2026-06-30", "by": "customer"}
    )
    assert late_customer.name in response.content.decode() and hidden.name not in response.content.decode()
    assert response.context["report"].totals.total == Decimal("5000.00")


@pytest.mark.django_db
def test_nobody_without_the_capability_sees_the_list(client, archivist):
    assert _as(client, archivist).get(reverse("collection:list")).status_code == 403


@pytest.mark.django_db
def test_every_page_renders_for_the_credit_manager(client, late_customer, salesperson, credit_manager):
    services.run_daily(today=date(2026, 6, 30))
    danger = services.report_danger(
        customer=late_customer, by=salesperson, kind="urgent", situation="失联", measures={}
    )
    record = services.add_record(
        customer=late_customer, by=salesperson, method="call", contacted_on=date(2026, 6, 1), summary="s"
    )
    assert record.pk
    pk = late_customer.pk
    _as(client, credit_manager)
    urls = [
        reverse("collection:list"),
        reverse("collection:ageing"),
        reverse("collection:ageing_entries", args=[pk]),
        reverse("collection:customer_section", args=[pk]),
        reverse("collection:record_create", args=[pk]),
        reverse("collection:promise_create", args=[pk]),
        reverse("collection:danger_create", args=[pk]),
        reverse("collection:suspend", args=[pk]),
        reverse("collection:resume", args=[pk]),
        reverse("collection:anomaly", args=[AnomalyReport.objects.get().pk]),
        reverse("collection:problem", args=[late_customer.problem_reports.get().pk]),
        reverse("collection:danger", args=[danger.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("collection:ageing_entries", args=[999999])).status_code == 404

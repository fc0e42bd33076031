"""Collection work: promises kept/broken, the daily job, reports, suspension."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.ledger.collection import selectors, services
from xindang.ledger.collection.models import (
    AnomalyReport,
    PaymentPromise,
    ProblemAccountReport,
    PromiseStatus,
    ReportStatus,
)
from xindang.testing.factories import entry, pay

TODAY = date(2026, 6, 30)


def _promise(customer, by, amount="1000.00", made=date(2026, 6, 1), promised=date(2026, 6, 10)):
    return services.add_promise(
        customer=customer, by=by, amount=Decimal(amount), made_on=made, promised_on=promised
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payments, today, status",
    [
        ([], date(2026, 6, 10), PromiseStatus.OPEN),  # the promised day itself: still open
        ([], date(2026, 6, 11), PromiseStatus.BROKEN),  # the day after: broken
        (
            [("600.00", date(2026, 6, 5)), ("400.00", date(2026, 6, 10))],
            date(2026, 6, 11),
            PromiseStatus.KEPT,
        ),
        ([("1000.00", date(2026, 6, 11))], date(2026, 6, 12), PromiseStatus.BROKEN),  # a day too late
        ([("1000.00", date(2026, 5, 31))], date(2026, 6, 12), PromiseStatus.BROKEN),  # before the promise
        ([("1000.00", date(2026, 6, 3))], date(2026, 6, 4), PromiseStatus.KEPT),  # kept early
    ],
)
def test_promise_kept_or_broken(customer, salesperson, payments, today, status):
    promise = _promise(customer, salesperson)
    for amount, on in payments:
        entry(customer, "payment", amount, on)
    services.evaluate_promises(today=today)
    promise.refresh_from_db()
    assert promise.status == status
    if status == PromiseStatus.BROKEN:
        assert promise.settled_on == date(2026, 6, 11)


@pytest.mark.django_db
def test_open_promise_past_its_date_shows_broken_before_the_daily_job(customer, salesperson):
    promise = _promise(customer, salesperson)
    assert selectors.promise_display_state(promise, date(2026, 6, 11)) == "broken"
    assert promise.status == PromiseStatus.OPEN


@pytest.mark.django_db
@pytest.mark.parametrize(
    "amount, made, promised, code",
    [
        ("0", date(2026, 6, 1), date(2026, 6, 2), "collection.amount_positive"),
        ("-5", date(2026, 6, 1), date(2026, 6, 2), "collection.amount_positive"),
        ("10", date(2026, 6, 2), date(2026, 6, 1), "collection.promise_before_made"),
    ],
)
def test_bad_promises_are_refused(customer, salesperson, amount, made, promised, code):
    with pytest.raises(DomainError) as exc:
        _promise(customer, salesperson, amount, made, promised)
    assert exc.value.code == code


@pytest.mark.django_db
def test_collection_daily_is_idempotent(customer, other_customer, salesperson):
    late = entry(customer, "shipment", "5000.00", date(2026, 3, 1), due_on=date(2026, 3, 31))  # 91 days late
    entry(other_customer, "shipment", "800.00", date(2026, 5, 1), due_on=date(2026, 6, 10))  # 20 days late
    entry(other_customer, "shipment", "900.00", date(2026, 6, 1), due_on=date(2026, 6, 20))  # 10 days late
    _promise(customer, salesperson)
    first = services.run_daily(today=TODAY)
    assert (first["broken"], first["anomalies"], first["problems"]) == (1, 2, 1)
    second = services.run_daily(today=TODAY)
    assert (second["broken"], second["anomalies"], second["problems"]) == (0, 0, 0)
    call_command("collection_daily", "--today", TODAY.isoformat(), stdout=StringIO())
    assert AnomalyReport.objects.count() == 2
    assert ProblemAccountReport.objects.count() == 1
    assert AuditEvent.objects.filter(action="collection.promise_broken").count() == 1
    report = AnomalyReport.objects.get(customer=customer)
    assert (report.trigger_entry_id, report.days_late, report.overdue_amount, report.assigned_to) == (
        late.pk,
        91,
        Decimal("5000.00"),
        salesperson,
    )
    other = AnomalyReport.objects.get(customer=other_customer)
    assert other.overdue_amount == Decimal("800.00")  # only what is late beyond 15 days


@pytest.mark.django_db
def test_no_new_report_while_one_is_open_and_a_new_one_for_a_new_late_item(customer, salesperson):
    first = entry(customer, "shipment", "100.00", date(2026, 1, 1), due_on=date(2026, 6, 1))
    services.run_daily(today=TODAY)
    report = AnomalyReport.objects.get()
    pay(first, "100.00", date(2026, 7, 1))
    entry(customer, "shipment", "200.00", date(2026, 6, 1), due_on=date(2026, 6, 20))
    services.run_daily(today=date(2026, 7, 10))  # the second is 20 days late, the first report still open
    assert AnomalyReport.objects.count() == 1
    services.complete_anomaly(
        report=report,
        by=salesperson,
        delay_reason="客户资金周转困难",
        customer_situation="",
        measures_proposed="每周电话催收",
    )
    services.run_daily(today=date(2026, 7, 10))
    assert AnomalyReport.objects.count() == 2


@pytest.mark.django_db
def test_paid_debt_raises_nothing(customer):
    debit = entry(customer, "shipment", "100.00", date(2026, 1, 1), due_on=date(2026, 2, 1))
    pay(debit, "100.00", date(2026, 3, 1))
    assert services.run_daily(today=TODAY)["anomalies"] == 0


@pytest.mark.django_db
def test_anomaly_report_is_completed_by_the_salesperson_only(
    customer, salesperson, other_salesperson, credit_manager
):
    entry(customer, "shipment", "100.00", date(2026, 1, 1), due_on=date(2026, 6, 1))
    services.run_daily(today=TODAY)
    report = AnomalyReport.objects.get()
    with pytest.raises(DomainError) as exc:
        services.complete_anomaly(
            report=report,
            by=other_salesperson,
            delay_reason="x",
            customer_situation="",
            measures_proposed="y",
        )
    assert exc.value.code == "collection.not_assigned"
    with pytest.raises(DomainError) as exc:
        services.complete_anomaly(
            report=report, by=salesperson, delay_reason=" ", customer_situation="", measures_proposed="y"
        )
    assert exc.value.code == "collection.reason_required"
    services.complete_anomaly(
        report=report,
        by=salesperson,
        delay_reason="月底结算",
        customer_situation="正常",
        measures_proposed="上门",
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.completed_by == salesperson
    with pytest.raises(DomainError) as exc:
        services.complete_anomaly(
            report=report, by=credit_manager, delay_reason="x", customer_situation="", measures_proposed="y"
        )
    assert exc.value.code == "collection.report_done"


@pytest.mark.django_db
def test_problem_account_written_by_salesperson_reviewed_by_another_manager(customer, salesperson, manager):
    entry(customer, "shipment", "100.00", date(2026, 1, 1), due_on=date(2026, 3, 1))
    services.run_daily(today=TODAY)
    report = ProblemAccountReport.objects.get()
    with pytest.raises(DomainError) as exc:
        services.review_problem(report=report, by=manager, opinion="同意")
    assert exc.value.code == "collection.not_submitted"
    services.submit_problem(
        report=report,
        by=salesperson,
        facts="欠款120天",
        cause="客户经营困难",
        measures="律师函",
        responsible=None,
    )
    with pytest.raises(DomainError) as exc:
        services.review_problem(report=report, by=salesperson, opinion="同意")
    assert exc.value.code == "collection.forbidden"
    services.review_problem(report=report, by=manager, opinion="同意发律师函")
    report.refresh_from_db()
    assert (report.status, report.reviewed_by, report.responsible) == (
        ReportStatus.REVIEWED,
        manager,
        salesperson,
    )


@pytest.mark.django_db
def test_dangerous_customer_measures_need_the_superiors_instruction(customer, salesperson, manager):
    report = services.report_danger(
        customer=customer,
        by=salesperson,
        kind="urgent",
        situation="法人代表失联，仓库已搬空",
        measures={
            "guarantor": {"proposed": True, "notes": "母公司担保"},
            "reduce_shipments": {"proposed": True},
        },
    )
    assert report.measures["guarantor"] == {"proposed": True, "notes": "母公司担保", "approved": None}
    with pytest.raises(DomainError) as exc:
        services.decide_danger(
            report=report, by=salesperson, approved={"guarantor": True}, decision="自己批准"
        )
    assert exc.value.code == "collection.forbidden"
    services.decide_danger(
        report=report, by=manager, approved={"reduce_shipments": True}, decision="立即停止发货"
    )
    report.refresh_from_db()
    assert [c for c, m in report.measures.items() if m["approved"]] == ["reduce_shipments"]
    with pytest.raises(DomainError) as exc:
        services.decide_danger(report=report, by=manager, approved={}, decision="again")
    assert exc.value.code == "collection.already_decided"


@pytest.mark.django_db
def test_suspension_blocks_until_lifted(customer, manager, salesperson):
    assert not selectors.is_trade_suspended(customer)
    with pytest.raises(DomainError) as exc:
        services.suspend_trade(customer=customer, by=salesperson, reason="欠款")
    assert exc.value.code == "collection.forbidden"
    with pytest.raises(DomainError) as exc:
        services.suspend_trade(customer=customer, by=manager, reason="  ")
    assert exc.value.code == "collection.reason_required"
    suspension = services.suspend_trade(customer=customer, by=manager, reason="逾期180天未还")
    assert selectors.is_trade_suspended(customer) and selectors.is_trade_suspended(customer.pk)
    assert selectors.active_suspension(customer) == suspension
    with pytest.raises(DomainError) as exc:
        services.suspend_trade(customer=customer, by=manager, reason="again")
    assert exc.value.code == "collection.already_suspended"
    with pytest.raises(DomainError) as exc:
        services.lift_suspension(customer=customer, by=manager, reason="")
    assert exc.value.code == "collection.reason_required"
    services.lift_suspension(customer=customer, by=manager, reason="欠款已结清")
    assert not selectors.is_trade_suspended(customer)
    assert selectors.active_suspension(customer) is None
    with pytest.raises(DomainError) as exc:
        services.lift_suspension(customer=customer, by=manager, reason="again")
    assert exc.value.code == "collection.not_suspended"
    actions = list(
        AuditEvent.objects.filter(action__in=["collection.suspend", "collection.resume"]).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["collection.resume", "collection.suspend"]


@pytest.mark.django_db
def test_record_with_next_step_and_workbench(customer, salesperson):
    today = date.today()
    services.add_record(
        customer=customer,
        by=salesperson,
        method="call",
        contacted_on=today,
        summary="客户答应月底前付款",
        next_step="再次电话确认",
        next_step_on=today,
    )
    _promise(customer, salesperson, made=today, promised=today)
    with translation.override("en"):
        kinds = {i.label for i in selectors.workbench_items(salesperson)}
    assert {"Collection next step", "Payment promise due"} <= kinds
    with pytest.raises(DomainError) as exc:
        services.add_record(
            customer=customer,
            by=salesperson,
            method="call",
            contacted_on=today + timedelta(days=1),
            summary="x",
        )
    assert exc.value.code == "collection.future_date"


@pytest.mark.django_db
def test_promises_count_in_the_rating_facts(customer, salesperson):
    from xindang.ledger.facts import ledger_facts

    _promise(customer, salesperson)
    services.run_daily(today=TODAY)
    assert PaymentPromise.objects.get().status == PromiseStatus.BROKEN
    assert ledger_facts(customer.pk, on=TODAY).broken_promises_2y == 1


@pytest.mark.django_db
def test_workbench_reminds_the_owner_and_the_managers_not_everyone(
    customer, salesperson, manager, credit_manager
):
    entry(customer, "shipment", "100.00", date(2026, 1, 1), due_on=date(2026, 3, 1))
    services.run_daily(today=TODAY)
    report = ProblemAccountReport.objects.get()
    with translation.override("en"):
        assert {i.label for i in selectors.workbench_items(salesperson)} >= {
            "Complete collection-anomaly report",
            "Write problem-account report",
        }
        assert selectors.workbench_items(credit_manager) == []
        services.submit_problem(
            report=report, by=salesperson, facts="f", cause="c", measures="m", responsible=None
        )
        assert [i.label for i in selectors.workbench_items(manager)] == [
            "Problem-account report awaiting your opinion"
        ]

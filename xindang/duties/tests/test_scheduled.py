"""The work the regulations schedule that no module's to-do list gave: the full file review every two
months (001 动态管理), the reports before 10 January and 10 July (001 客户信用档案建立与管理制度 4, 5),
the contract's last month and its period's zero point (002 第三十六条) — and recording it done."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD, make_user
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.contracts import services as contracts
from xindang.contracts.models import Contract
from xindang.core.errors import DomainError
from xindang.duties import rules, selectors, services
from xindang.duties.daily import run_daily
from xindang.duties.errors import DutyError
from xindang.duties.models import Duty, ZeroPointCheck
from xindang.ledger import services as ledger

SH = ZoneInfo("Asia/Shanghai")


def on(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 9, tzinfo=SH), tick=False)


def kinds(user) -> dict[str, list]:
    out: dict[str, list] = {}
    for item in selectors.workbench_items(user):
        out.setdefault(item.kind, []).append(item)
    return out


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


@pytest.fixture
def signed_contract(customer, salesperson):
    def _make(starts_on, ends_on, **kw):
        contract = contracts.create_contract(
            by=salesperson,
            customer_id=customer.pk,
            data={
                "title": "热轧钢板购销合同",
                "kind": "sale",
                "amount": Decimal("1250000.00"),
                "currency": "CNY",
                "handler": salesperson,
                "starts_on": starts_on,
                "ends_on": ends_on,
                **kw,
            },
        )
        Contract.objects.filter(pk=contract.pk).update(status="signed")
        return Contract.objects.get(pk=contract.pk)

    return _make


def post(customer, kind, amount, entry_on, by):
    entry, _created = ledger.post_trade_entry(
        customer=customer, kind=kind, amount=Decimal(amount), entry_on=entry_on, by=by
    )
    return entry


@pytest.mark.django_db
def test_credit_manager_has_the_file_review_and_the_reports(credit_manager, salesperson):
    with on(date(2026, 12, 10)):
        items = kinds(credit_manager)
        assert kinds(salesperson) == {}  # none of it is a salesperson's
    # this period's review (2026-11-01 – 2026-12-31) and the last one's, never recorded: overdue
    last, review = items[rules.FILE_REVIEW]
    assert review.due == date(2026, 12, 31) and not review.overdue
    assert last.due == date(2026, 10, 31) and last.overdue
    assert "二个月" in review.rule
    [stats] = items[rules.CONTRACT_STATISTICS]
    assert stats.due == date(2026, 7, 10) and stats.overdue  # this half-year's, never filed
    assert "七月十日" in stats.rule
    [review_report] = items[rules.YEARLY_REVIEW]
    assert review_report.due == date(2026, 12, 31) and "年审评价报告" in review_report.rule
    [analysis] = items[rules.ANALYSIS_REPORT]
    assert analysis.due == date(2026, 1, 10)
    with on(date(2026, 12, 11)):  # the January window opened
        items = kinds(credit_manager)
    assert [i.due for i in items[rules.CONTRACT_STATISTICS]] == [date(2027, 1, 10)]
    assert [i.due for i in items[rules.ANALYSIS_REPORT]] == [date(2027, 1, 10)]


@pytest.mark.django_db
def test_recording_the_file_review_done_closes_it_for_every_credit_manager(credit_manager, salesperson):
    colleague = make_user("xinyong2", Role.CREDIT_MANAGER)
    with on(date(2026, 12, 10)):
        run_daily()
        review = kinds(credit_manager)[rules.FILE_REVIEW][-1]
        key = review.url.rstrip("/").rsplit("/", 1)[1]
        # nobody else records it; a note is required
        with pytest.raises(DomainError) as exc:
            services.complete_work(actor=salesperson, key=key, note="看过了")
        assert exc.value.code == DutyError.NOT_YOURS
        with pytest.raises(DomainError) as exc:
            services.complete_work(actor=credit_manager, key=key, note="  ")
        assert exc.value.code == DutyError.NOTE_REQUIRED
        services.complete_work(actor=credit_manager, key=key, note="全部档案已核查, 3 户成长快客户另作观察")
        assert [i.due for i in kinds(credit_manager)[rules.FILE_REVIEW]] == [date(2026, 10, 31)]
        assert [i.due for i in kinds(colleague)[rules.FILE_REVIEW]] == [date(2026, 10, 31)]
        with pytest.raises(DomainError) as exc:
            services.complete_work(actor=colleague, key=key, note="也看过了")
        assert exc.value.code == DutyError.ALREADY_DONE
    # the stored duties of both closed at once
    stored = Duty.objects.filter(kind=rules.FILE_REVIEW, due_on=date(2026, 12, 31))
    assert stored.count() == 2 and {d.state for d in stored} == {rules.DONE}
    event = AuditEvent.objects.get(action="duties.complete")
    assert event.actor == credit_manager and event.data["kind"] == rules.FILE_REVIEW


@pytest.mark.django_db
def test_a_month_before_the_contract_ends_its_handler_must_agree_terms(signed_contract, salesperson):
    contract = signed_contract(date(2026, 1, 1), date(2026, 12, 31))
    with on(date(2026, 11, 30)):
        assert rules.CONTRACT_ENDING not in kinds(salesperson)
    with on(date(2026, 12, 1)):
        [item] = kinds(salesperson)[rules.CONTRACT_ENDING]
        assert item.due == date(2026, 12, 31) and item.customer_id == contract.customer_id
        assert "第三十六条" in item.rule
        key = item.url.rstrip("/").rsplit("/", 1)[1]
        services.complete_work(
            actor=salesperson, key=key, note="已与客户确定 2027 年度合作方式, 欠款已全部清收"
        )
        assert rules.CONTRACT_ENDING not in kinds(salesperson)
    # a contract no longer in force has no such duty
    other = signed_contract(date(2026, 1, 1), date(2026, 12, 20))
    Contract.objects.filter(pk=other.pk).update(status="terminated")
    with on(date(2026, 12, 5)):
        assert rules.CONTRACT_ENDING not in kinds(salesperson)


@pytest.mark.django_db
def test_the_contract_ending_duty_closes_with_next_years_contract_and_nothing_owed(
    signed_contract, customer, salesperson, credit_manager
):
    # 002 第三十六条: 确定下一个年度的合作方式, 并对客户欠货、欠款全部进行清收
    signed_contract(date(2026, 1, 1), date(2026, 12, 31))
    post(customer, "shipment", "100", date(2026, 11, 1), credit_manager)
    with on(date(2026, 12, 5)):
        assert len(kinds(salesperson)[rules.CONTRACT_ENDING]) == 1  # nothing agreed, debt open
        signed_contract(date(2027, 1, 1), date(2027, 12, 31))
        assert len(kinds(salesperson)[rules.CONTRACT_ENDING]) == 1  # agreed, debt still open
        post(customer, "payment", "100", date(2026, 12, 5), credit_manager)
        assert rules.CONTRACT_ENDING not in kinds(salesperson)  # agreed and collected


@pytest.mark.django_db
def test_a_contract_period_without_a_zero_point_is_flagged(
    signed_contract, customer, salesperson, credit_manager, make_customer
):
    # given a 2025 contract whose customer's credit-sale debt never came back to zero
    contract = signed_contract(date(2025, 1, 1), date(2025, 12, 31))
    post(customer, "shipment", "1000", date(2025, 3, 1), credit_manager)
    post(customer, "payment", "400", date(2025, 6, 1), credit_manager)
    # and another customer's 2025 contract, paid off once in between
    paid_customer = make_customer(salesperson, name="长城贸易有限公司")
    paid = contracts.create_contract(
        by=salesperson,
        customer_id=paid_customer.pk,
        data={
            "title": "购销合同",
            "kind": "sale",
            "amount": Decimal("500"),
            "currency": "CNY",
            "handler": salesperson,
            "starts_on": date(2025, 1, 1),
            "ends_on": date(2025, 12, 31),
        },
    )
    Contract.objects.filter(pk=paid.pk).update(status="completed")
    post(paid_customer, "shipment", "500", date(2025, 2, 1), credit_manager)
    post(paid_customer, "payment", "500", date(2025, 4, 1), credit_manager)
    post(paid_customer, "shipment", "800", date(2025, 11, 1), credit_manager)
    # when the daily run runs after the periods ended
    with on(date(2026, 1, 5)):
        report = run_daily()
        run_daily()  # each period is checked once
        items = kinds(salesperson)
    # then the first is flagged, for its handler and the credit manager; the second is not
    assert ZeroPointCheck.objects.count() == 2
    check = ZeroPointCheck.objects.get(contract=contract)
    assert check.receivable_zero_on is None and check.prepaid_zero_on == date(2025, 1, 1)
    assert ZeroPointCheck.objects.get(contract=paid).receivable_zero_on == date(2025, 4, 1)
    [item] = items[rules.ZERO_POINT_MISSED]
    assert contract.contract_no in item.title and item.overdue
    assert any(contract.contract_no in line for line in report.lines)
    with on(date(2026, 1, 5)):
        assert len(kinds(credit_manager)[rules.ZERO_POINT_MISSED]) == 1
    assert Duty.objects.filter(assignee=salesperson, kind=rules.ZERO_POINT_MISSED).count() == 1
    # the handler's page of the flag: the period, which pool never came to zero, what is owed now
    client = Client()
    client.login(username=salesperson.username, password=PASSWORD)
    with on(date(2026, 1, 5)):
        html = client.get(item.url).content.decode()
    assert 'data-testid="zero-point"' in html and 'data-testid="exposure"' in html
    assert "从未清零" in html and contract.contract_no in html
    # the first contract extended by a quarter: its new end is a new period, checked once it passed
    Contract.objects.filter(pk=contract.pk).update(ends_on=date(2026, 3, 31))
    post(customer, "payment", "600", date(2026, 2, 1), credit_manager)
    with on(date(2026, 4, 2)):
        run_daily()
    extended = ZeroPointCheck.objects.get(contract=contract, period_end=date(2026, 3, 31))
    assert extended.receivable_zero_on == date(2026, 2, 1)


@pytest.mark.django_db
def test_prepayments_not_received_as_goods_miss_the_zero_point(customer, credit_manager):
    post(customer, "prepayment", "2000", date(2025, 12, 20), credit_manager)
    post(customer, "goods_received", "1500", date(2026, 2, 1), credit_manager)
    points = selectors.zero_points(customer.pk, date(2026, 1, 1), date(2026, 12, 31))
    assert points == {"receivable": date(2026, 1, 1), "prepaid": None}
    post(customer, "goods_received", "500", date(2026, 5, 1), credit_manager)
    assert selectors.zero_points(customer.pk, date(2026, 1, 1), date(2026, 12, 31))["prepaid"] == date(
        2026, 5, 1
    )


@pytest.mark.django_db
def test_file_review_flags_fast_growing_and_lost_customers(make_customer, salesperson, credit_manager):
    grows = make_customer(salesperson, name="华夏科技有限公司")
    lost = make_customer(salesperson, name="长城贸易有限公司")
    steady = make_customer(salesperson, name="安徽机电设备有限公司")
    # windows on 2026-06-15: previous 2026-02-16 – 04-15, current 2026-04-16 – 06-15
    post(grows, "shipment", "100", date(2026, 3, 1), credit_manager)
    post(grows, "invoice", "300", date(2026, 5, 1), credit_manager)
    post(lost, "shipment", "900", date(2026, 3, 1), credit_manager)
    post(steady, "shipment", "500", date(2026, 3, 1), credit_manager)
    post(steady, "shipment", "520", date(2026, 5, 1), credit_manager)
    with on(date(2026, 6, 15)):
        flags = {f.name: f.flag for f in selectors.review_flags(credit_manager)}
    assert flags == {"华夏科技有限公司": rules.FAST_GROWING, "长城贸易有限公司": rules.LOST}


@pytest.mark.django_db
def test_work_page_shows_the_rule_and_records_done(client, credit_manager):
    with on(date(2026, 12, 10)):
        review = kinds(credit_manager)[rules.FILE_REVIEW][-1]
        client.login(username=credit_manager.username, password=PASSWORD)
        html = client.get(review.url).content.decode()
        assert 'data-testid="review-flags"' in html and "二个月" in html
        # an empty note is refused next to the field
        response = client.post(review.url, {"note": ""})
        assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()
        response = client.post(review.url, {"note": "全部核查完毕"})
        assert response.status_code == 302
        html = client.get(review.url).content.decode()
        assert 'data-testid="work-done"' in html and "全部核查完毕" in html


@pytest.mark.django_db
def test_work_page_of_someone_elses_work_is_404(client, salesperson):
    client.login(username=salesperson.username, password=PASSWORD)
    with on(date(2026, 12, 10)):
        assert client.get("/duties/work/duties.file_review:2026-11-01/").status_code == 404


@pytest.mark.django_db
def test_time_is_the_shanghai_day():
    with on(date(2026, 12, 10)):
        assert timezone.localdate() == date(2026, 12, 10)


@pytest.mark.django_db
def test_the_scheduled_work_costs_the_workbench_a_few_queries(credit_manager, signed_contract, salesperson):
    """Performance guard: the duties provider runs on every workbench page; whatever the number of
    files and contracts it asks the database a fixed few questions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(5):
        signed_contract(date(2026, 1, 1), date(2026, 12, 20 + n))
    with on(date(2026, 12, 10)):
        selectors.workbench_items(credit_manager)  # warm the policy and permission caches
        selectors.workbench_items(salesperson)
        with CaptureQueriesContext(connection) as cm_queries:
            selectors.workbench_items(credit_manager)
        with CaptureQueriesContext(connection) as sp_queries:
            assert len(kinds(salesperson)[rules.CONTRACT_ENDING]) == 5
    assert len(cm_queries.captured_queries) <= 5
    assert len(sp_queries.captured_queries) <= 5

"""Balance confirmations (对帐单, 002 第三十五条 定期对帐): statement of the open items on a day, the
customer's answer (confirmed | disputed → resolved), a problem-account report past the policy's
days, the workbench, PDF and .xlsx; bad input."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from xindang.core.errors import DomainError
from xindang.ledger.collection import rules, services, statements
from xindang.ledger.collection.models import BalanceStatement, ProblemAccountReport, StatementStatus

D = Decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12500", (D("12500.00"), None)),
        ("12,500.50", (D("12500.50"), None)),
        ("¥ 0", (D("0.00"), None)),
        ("", (None, "required")),
        (None, (None, "required")),
        ("abc", (None, "not_a_number")),
        ("1e400", (None, "not_a_number")),
        ("NaN", (None, "not_a_number")),
        ("12.345", (None, "not_a_number")),
        ("-1", (None, "negative")),
        ("-0.01", (None, "negative")),
    ],
)
def test_parse_stated_balance_002_article_35(value, expected):
    assert rules.parse_stated_balance(value) == expected


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_any_non_negative_amount_parses_to_itself(amount):
    assert rules.parse_stated_balance(str(amount)) == (amount, None)


@pytest.mark.parametrize(
    ("status", "age", "days", "overdue"),
    [
        (rules.SENT, 31, 30, True),
        (rules.SENT, 30, 30, False),
        (rules.DISPUTED, 40, 30, True),
        (rules.CONFIRMED, 400, 30, False),
        (rules.RESOLVED, 400, 30, False),
    ],
)
def test_statement_overdue_table(status, age, days, overdue):
    today = timezone.localdate()
    assert rules.statement_overdue(status, today - timedelta(days=age), today, days) is overdue


@pytest.fixture
def debts(customer):
    """Two shipments of the customer; the first half paid."""
    from xindang.ledger.services import post_trade_entry

    today = timezone.localdate()
    first, _ = post_trade_entry(
        customer=customer,
        kind="shipment",
        amount=D(10_000),
        entry_on=today - timedelta(days=20),
        due_on=today,
    )
    post_trade_entry(customer=customer, kind="shipment", amount=D(5_000), entry_on=today - timedelta(days=5))
    post_trade_entry(customer=customer, kind="payment", amount=D(4_000), entry_on=today - timedelta(days=1))
    return first


@pytest.mark.django_db
def test_statement_lists_open_items_on_the_day(customer, salesperson, debts):
    today = timezone.localdate()
    statement = services.issue_statement(customer=customer, as_of=today, by=salesperson)
    assert statement.status == StatementStatus.SENT
    assert statement.balance == D(11_000)
    # on an earlier day the payment had not come in, the second shipment not gone out
    earlier = services.issue_statement(customer=customer, as_of=today - timedelta(days=10), by=salesperson)
    assert earlier.balance == D(10_000)
    assert [i["entry_id"] for i in earlier.items] == [debts.pk]


@pytest.mark.django_db
def test_confirm_dispute_resolve(customer, salesperson, manager, debts):
    today = timezone.localdate()
    s = services.issue_statement(customer=customer, as_of=today, by=salesperson)
    s = services.record_reply(statement=s, by=salesperson, stated_balance="11000")
    assert s.status == StatementStatus.CONFIRMED and s.difference == 0
    with pytest.raises(DomainError) as exc:  # confirming twice
        services.record_reply(statement=s, by=salesperson, stated_balance="11000")
    assert exc.value.code == "collection.statement_replied" and exc.value.status == 409

    d = services.issue_statement(customer=customer, as_of=today - timedelta(days=1), by=salesperson)
    d = services.record_reply(statement=d, by=salesperson, stated_balance="9,000", note="未收到第二批货")
    assert d.status == StatementStatus.DISPUTED and d.difference == D(9000) - d.balance
    with pytest.raises(DomainError):  # the salesperson does not resolve
        services.resolve_statement(statement=d, by=salesperson, resolution="x")
    with pytest.raises(DomainError) as exc:
        services.resolve_statement(statement=d, by=manager, resolution="  ")
    assert exc.value.code == "collection.resolution_required"
    d = services.resolve_statement(statement=d, by=manager, resolution="发货单已补寄, 客户确认")
    assert d.status == StatementStatus.RESOLVED
    with pytest.raises(DomainError):
        services.resolve_statement(statement=d, by=manager, resolution="again")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stated", "code"), [("-100", "collection.stated_negative"), ("十万", "collection.stated_not_a_number")]
)
def test_bad_stated_balance_is_refused(customer, salesperson, stated, code):
    s = services.issue_statement(customer=customer, as_of=timezone.localdate(), by=salesperson)
    with pytest.raises(DomainError) as exc:
        services.record_reply(statement=s, by=salesperson, stated_balance=stated)
    assert exc.value.code == code and exc.value.field == "stated_balance"
    assert BalanceStatement.objects.get(pk=s.pk).status == StatementStatus.SENT


@pytest.mark.django_db
def test_no_statement_for_a_future_date_nor_twice_for_a_day(customer, salesperson):
    today = timezone.localdate()
    with pytest.raises(DomainError) as exc:
        services.issue_statement(customer=customer, as_of=today + timedelta(days=1), by=salesperson)
    assert exc.value.code == "collection.statement_future"
    services.issue_statement(customer=customer, as_of=today, by=salesperson)
    with pytest.raises(DomainError) as exc:
        services.issue_statement(customer=customer, as_of=today, by=salesperson)
    assert exc.value.code == "collection.statement_exists"


@pytest.mark.django_db
def test_out_of_scope_customer_refused(other_customer, salesperson):
    with pytest.raises(DomainError) as exc:
        services.issue_statement(customer=other_customer, as_of=timezone.localdate(), by=salesperson)
    assert exc.value.status == 403


@pytest.mark.django_db
def test_unanswered_or_disputed_past_the_days_raises_a_problem_report(customer, salesperson, debts):
    today = timezone.localdate()
    sent = services.issue_statement(customer=customer, as_of=today, by=salesperson)
    disputed = services.issue_statement(customer=customer, as_of=today - timedelta(days=2), by=salesperson)
    services.record_reply(statement=disputed, by=salesperson, stated_balance="1")
    confirmed = services.issue_statement(customer=customer, as_of=today - timedelta(days=3), by=salesperson)
    services.record_reply(statement=confirmed, by=salesperson, stated_balance=str(confirmed.balance))
    assert services.raise_statement_reports(today=today + timedelta(days=30)) == 0  # within 30 days
    assert services.raise_statement_reports(today=today + timedelta(days=31)) == 2
    assert services.raise_statement_reports(today=today + timedelta(days=32)) == 0  # once per statement
    sent.refresh_from_db()
    report = ProblemAccountReport.objects.get(pk=sent.problem_report_id)
    assert report.assigned_to == salesperson and report.overdue_amount == sent.balance
    assert BalanceStatement.objects.get(pk=confirmed.pk).problem_report is None
    # the collection app's own flow completes it
    services.submit_problem(
        report=report,
        by=salesperson,
        facts="未回函",
        cause="客户财务换人",
        measures="上门对帐",
        responsible=None,
    )


@pytest.mark.django_db
def test_workbench_cites_the_rule(customer, salesperson):
    services.issue_statement(customer=customer, as_of=timezone.localdate(), by=salesperson)
    items = statements.workbench_items(salesperson)
    assert [i.kind for i in items] == ["collection.statement_reply"]
    assert items[0].rule.startswith("002 第三十五条")


@pytest.mark.django_db
def test_screens_pdf_and_xlsx(client, customer, salesperson, debts):
    client.force_login(salesperson)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert reverse("collection:statements_section", args=[customer.pk]) in page
    today = timezone.localdate()
    r = client.post(reverse("collection:statement_issue", args=[customer.pk]), {"as_of": today.isoformat()})
    statement = BalanceStatement.objects.get(customer=customer)
    assert r.status_code == 302 and r.url == statement.get_absolute_url()
    section = client.get(reverse("collection:statements_section", args=[customer.pk])).content.decode()
    assert "11,000.00" in section
    r = client.post(statement.get_absolute_url(), {"action": "reply", "stated_balance": "-5"})
    text = r.content.decode()
    assert r.status_code == 200 and ("cannot be negative" in text or "不能为负数" in text)
    assert BalanceStatement.objects.get(pk=statement.pk).status == StatementStatus.SENT
    r = client.post(statement.get_absolute_url(), {"action": "reply", "stated_balance": "11000"})
    assert r.status_code == 302
    assert BalanceStatement.objects.get(pk=statement.pk).status == StatementStatus.CONFIRMED
    pdf = client.get(reverse("collection:statement_pdf", args=[statement.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("collection:statement_export", args=[statement.pk]))
    assert xlsx.content[:2] == b"PK"
    r = client.post(
        reverse("collection:statement_issue", args=[customer.pk]),
        {"as_of": (today + timedelta(days=3)).isoformat()},
    )
    assert BalanceStatement.objects.filter(customer=customer).count() == 1

"""The days within which a triggered report is to be completed are policy values (000
客户信息管理办法 二.7 及时): the collection list and the workbench read them, and a changed policy
changes what shows as due and overdue."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from xindang.ledger.collection import rules, selectors, services
from xindang.ledger.collection.models import AnomalyReport, ProblemAccountReport
from xindang.ledger.collection.sections import CollectionSection
from xindang.policy import services as policy_services
from xindang.policy.models import PolicyVersion
from xindang.policy.selectors import current_policy
from xindang.testing.factories import entry


@pytest.mark.parametrize(
    ("raised_on", "days", "today", "overdue"),
    [
        (date(2026, 6, 1), 3, date(2026, 6, 4), False),  # the due day itself
        (date(2026, 6, 1), 3, date(2026, 6, 5), True),
        (date(2026, 6, 1), 7, date(2026, 6, 8), False),
        (date(2026, 6, 1), 7, date(2026, 6, 9), True),
    ],
)
def test_a_report_is_overdue_after_its_due_day(raised_on, days, today, overdue):
    assert rules.report_due_on(raised_on, days) == raised_on + timedelta(days=days)
    assert rules.report_overdue(raised_on, days, today) is overdue


def test_the_default_days_are_three_and_seven():
    section = CollectionSection()
    assert (section.anomaly_report_days, section.problem_report_days) == (3, 7)


def _put_in_force(by, **values):
    draft = policy_services.create_draft(by=by, comment="催收报告期限")
    policy_services.update_draft_section(
        draft_id=draft.pk,
        section="collection",
        values={**current_policy().collection.model_dump(mode="json"), **values},
        by=by,
    )
    policy_services.put_in_force(draft_id=draft.pk, by=by)


@pytest.fixture
def reports(customer):
    """An anomaly report and a problem-account report of the customer, raised five days ago."""
    today = timezone.localdate()
    entry(customer, "shipment", "100.00", today - timedelta(days=200), due_on=today - timedelta(days=120))
    services.run_daily(today=today)
    raised = today - timedelta(days=5)
    AnomalyReport.objects.update(raised_on=raised)
    ProblemAccountReport.objects.update(raised_on=raised)
    return raised


def _overdue(items) -> dict:
    return {i.kind: i.overdue for i in items}


@pytest.mark.django_db
def test_a_changed_policy_changes_what_is_overdue(reports, salesperson, sysadmin):
    # given the default days (anomaly 3, problem 7) and reports raised five days ago
    raised = reports
    assert _overdue(selectors.open_work(salesperson)) == {"anomaly": True, "problem": False}
    bench = {i.kind: i for i in selectors.workbench_items(salesperson)}
    assert bench["collection.anomaly_report"].due == raised + timedelta(days=3)
    assert bench["collection.anomaly_report"].overdue
    assert bench["collection.problem_report"].due == raised + timedelta(days=7)
    assert not bench["collection.problem_report"].overdue

    # when the policy gives the anomaly report ten days and the problem-account report four
    _put_in_force(sysadmin, anomaly_report_days=10, problem_report_days=4)

    # then the list and the workbench follow it
    assert _overdue(selectors.open_work(salesperson)) == {"anomaly": False, "problem": True}
    bench = {i.kind: i for i in selectors.workbench_items(salesperson)}
    assert bench["collection.anomaly_report"].due == raised + timedelta(days=10)
    assert not bench["collection.anomaly_report"].overdue
    assert bench["collection.problem_report"].due == raised + timedelta(days=4)
    assert bench["collection.problem_report"].overdue


@pytest.mark.django_db
def test_the_policy_page_shows_the_report_days_and_their_reading(credit_manager):
    type(credit_manager).objects.filter(pk=credit_manager.pk).update(language="en")  # reads in English
    client = Client()
    client.force_login(credit_manager)
    with translation.override("en"):
        page = client.get(reverse("policy:detail", args=[PolicyVersion.objects.get(number=1).pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Collection-anomaly report to complete within (days)" in text
    assert "Problem-account report to write within (days)" in text
    assert "及时" in text

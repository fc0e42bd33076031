"""Each signature line of the printed 收款异样报告表 and 问题帐款报告书 (000 客户信息管理办法 二.7) is a
recorded sign-off:
the salesperson, a department manager of the customer's department, a credit manager — in that order,
each once, nobody twice — and the printout shows who signed and when."""

import unicodedata
from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.core.pdf import undrawn_characters
from xindang.ledger.collection import rules, services
from xindang.ledger.collection.models import AnomalyReport
from xindang.testing.factories import entry

S, M, C = rules.SIGN_SALESPERSON, rules.SIGN_DEPARTMENT_MANAGER, rules.SIGN_CREDIT_MANAGER


@pytest.mark.parametrize(
    ("line", "completed", "signed", "user", "code"),
    [
        (S, True, {}, 1, None),
        (S, False, {}, 1, "collection.sign_not_completed"),  # nothing to sign before it is written
        (M, True, {}, 2, "collection.sign_out_of_order"),
        (M, True, {S: 1}, 2, None),
        (C, True, {S: 1}, 3, "collection.sign_out_of_order"),
        (C, True, {S: 1, M: 2}, 3, None),
        (M, True, {S: 1, M: 2}, 2, "collection.sign_already"),
        (C, True, {S: 1, M: 2}, 2, "collection.sign_twice"),  # one person, one line
        ("director", True, {}, 1, "collection.sign_line_unknown"),
    ],
)
def test_sign_off_rule(line, completed, signed, user, code):
    assert rules.sign_off_problem(line=line, report_completed=completed, signed=signed, user_id=user) == code


@pytest.fixture
def completed_anomaly(customer, salesperson):
    entry(customer, "shipment", "5000.00", date(2026, 1, 1), due_on=date(2026, 2, 1))
    services.run_daily(today=date(2026, 6, 30))
    report = AnomalyReport.objects.get()
    services.complete_anomaly(
        report=report,
        by=salesperson,
        delay_reason="资金紧张",
        customer_situation="",
        measures_proposed="分期 • 催收",
    )
    report.refresh_from_db()
    return report


@pytest.mark.django_db
def test_each_line_is_signed_by_its_person(
    completed_anomaly, salesperson, manager, credit_manager, other_salesperson
):
    report = completed_anomaly
    with pytest.raises(DomainError) as refused:
        services.sign_report(report=report, by=other_salesperson, line=S)
    assert refused.value.code == "collection.sign_not_yours"
    services.sign_report(report=report, by=salesperson, line=S)
    with pytest.raises(DomainError) as refused:
        services.sign_report(report=report, by=salesperson, line=M)
    assert refused.value.code == "collection.sign_twice"
    with pytest.raises(DomainError) as refused:
        services.sign_report(report=report, by=credit_manager, line=M)  # not the department's manager
    assert refused.value.code == "collection.sign_not_yours"
    services.sign_report(report=report, by=manager, line=M, remark="同意分期")
    services.sign_report(report=report, by=credit_manager, line=C)
    assert dict(report.sign_offs.values_list("line", "signed_by")) == {
        S: salesperson.pk,
        M: manager.pk,
        C: credit_manager.pk,
    }
    assert AuditEvent.objects.filter(action="collection.report_sign", object_id=str(report.pk)).count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("font", ["cid", ""])
def test_printout_shows_the_recorded_signatures(
    client, completed_anomaly, salesperson, manager, credit_manager, settings, font
):
    settings.XINDANG_PDF_FONT = font
    report = completed_anomaly
    page_url = reverse("collection:anomaly", args=[report.pk])
    client.force_login(salesperson)
    assert 'data-testid="sign-salesperson"' in client.get(page_url).content.decode()
    assert client.post(reverse("collection:anomaly_sign", args=[report.pk]), {"line": S}).status_code == 302
    refused = client.post(reverse("collection:anomaly_sign", args=[report.pk]), {"line": M})
    assert refused.status_code == 400 and report.sign_offs.count() == 1
    client.force_login(manager)
    client.post(reverse("collection:anomaly_sign", args=[report.pk]), {"line": M, "remark": "同意"})
    printed = client.get(reverse("collection:anomaly_print", args=[report.pk])).content.decode()
    assert manager.get_full_name() in printed and "____________" in printed  # the credit manager's line
    content = client.get(reverse("collection:anomaly_print", args=[report.pk]), {"format": "pdf"}).content
    text = "".join(unicodedata.normalize("NFKC", p.extract_text()) for p in PdfReader(BytesIO(content)).pages)
    text = "".join(text.split())
    assert salesperson.get_full_name() in text and manager.get_full_name() in text and "同意" in text
    assert undrawn_characters(content) == {}

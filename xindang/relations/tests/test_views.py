"""The relationship screens: the file's section, the complaint's steps, statistics, visits, surveys."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import PASSWORD
from xindang.approvals.models import ApprovalRequest
from xindang.relations import rules
from xindang.relations.models import Complaint, Visit

pytestmark = pytest.mark.django_db


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_customer_file_has_the_section(client, customer, salesperson):
    login(client, salesperson)
    html = client.get(customer.get_absolute_url()).content.decode()
    assert reverse("relations:customer_section", args=[customer.pk]) in html
    html = client.get(reverse("relations:customer_section", args=[customer.pk])).content.decode()
    assert 'data-testid="new-complaint"' in html and 'data-testid="new-visit"' in html


def test_another_departments_salesperson_gets_404(client, customer, other_salesperson):
    login(client, other_salesperson)
    assert client.get(reverse("relations:customer_section", args=[customer.pk])).status_code == 404
    assert client.get(reverse("relations:complaint_create", args=[customer.pk])).status_code == 404


def test_a_complaint_through_the_screens(client, customer, salesperson, gm):
    login(client, salesperson)
    response = client.post(
        reverse("relations:complaint_create", args=[customer.pk]),
        {
            "received_on": timezone.localdate().isoformat(),
            "department": salesperson.department_id,
            "channel": "phone",
            "kind": rules.PROCESS,
            "severity": rules.MAJOR,
            "cause": "delivery",
            "product": "热轧钢板",
            "content": "交货晚了十天。",
        },
    )
    c = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == c.get_absolute_url()
    client.post(reverse("relations:complaint_investigate", args=[c.pk]), {"investigation": "物流原因。"})
    client.post(reverse("relations:complaint_propose", args=[c.pk]), {"resolution": "补偿运费。"})
    c.refresh_from_db()
    assert c.status == rules.PROPOSED
    client.logout()
    login(client, gm)
    approval = ApprovalRequest.objects.get(pk=c.approval_id)
    html = client.get(reverse("approvals:detail", args=[approval.pk])).content.decode()
    assert 'data-testid="complaint-panel"' in html and "补偿运费。" in html
    client.logout()
    login(client, salesperson)
    html = client.get(c.get_absolute_url()).content.decode()
    assert 'data-testid="feedback-form"' not in html  # not approved yet


def test_closing_before_feedback_shows_the_error(client, customer, salesperson):
    from xindang.relations import services

    c = services.receive_complaint(
        by=salesperson, customer_id=customer.pk, data={"product": "卷板", "content": "x"}
    )
    login(client, salesperson)
    response = client.post(
        reverse("relations:complaint_close", args=[c.pk]),
        {"customer_answer": "好", "satisfied": "true", "closed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()
    c.refresh_from_db()
    assert c.status == rules.RECEIVED


def test_statistics_export_xlsx(client, customer, salesperson, manager):
    from xindang.relations import services

    services.receive_complaint(
        by=salesperson, customer_id=customer.pk, data={"product": "=1+1", "content": "x"}
    )
    login(client, manager)
    response = client.get(reverse("relations:statistics"), {"by": "product", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "=1+1" and rows[1][1] == 1
    assert sheet["A2"].data_type == "s"  # a typed formula stays text
    html = client.get(reverse("relations:statistics"), {"by": "month"}).content.decode()
    assert 'data-testid="statistics"' in html


def test_lists_render(client, customer, salesperson, office_director):
    from xindang.relations import services

    services.receive_complaint(
        by=salesperson, customer_id=customer.pk, data={"product": "卷板", "content": "x"}
    )
    login(client, office_director)
    assert 'data-testid="complaint-row"' in client.get(reverse("relations:complaints")).content.decode()
    assert client.get(reverse("relations:visits")).status_code == 200
    assert client.get(reverse("relations:surveys")).status_code == 200
    assert client.get(reverse("home")).status_code == 200


def test_a_visit_through_the_screens(client, customer, salesperson, service_agent):
    login(client, salesperson)
    response = client.post(
        reverse("relations:visit_create", args=[customer.pk]),
        {
            "agent": service_agent.pk,
            "kind": "routine",
            "planned_on": timezone.localdate().isoformat(),
            "method": "on_site",
            "purpose": "例行回访",
        },
    )
    v = Visit.objects.get()
    assert response.status_code == 302
    client.logout()
    login(client, service_agent)
    response = client.post(
        reverse("relations:visit_report", args=[v.pk]),
        {"process": "x", "result": "y", "reported_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()
    client.post(
        reverse("relations:visit_record", args=[v.pk]),
        {"visited_on": timezone.localdate().isoformat(), "needs": "需要技术支持", "operations": "worsening"},
    )
    v.refresh_from_db()
    assert v.status == rules.DONE and v.operations == rules.WORSENING


def test_the_workbench_page_lists_the_items(client, customer, salesperson):
    from datetime import timedelta

    from xindang.relations import services

    services.receive_complaint(
        by=salesperson,
        customer_id=customer.pk,
        data={"product": "卷板", "content": "x", "received_on": timezone.localdate() - timedelta(days=30)},
    )
    login(client, salesperson)
    html = client.get(reverse("home")).content.decode()
    assert "卷板" in html

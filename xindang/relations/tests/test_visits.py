"""Visits (002 篇三): plan → record (客户回访记录表) → next-day report (客户回访报告表) → the service
supervisor's review; planned visits are to-dos; a service agent sees the files of their visits."""

from datetime import timedelta

import pytest
from django.utils import timezone

from xindang.core.errors import DomainError
from xindang.customers.selectors import can_see_customer
from xindang.relations import rules, selectors, services
from xindang.relations.errors import RelationsError


def plan(customer, by, agent, **data):
    return services.plan_visit(
        by=by,
        customer_id=customer.pk,
        agent=agent,
        data={"purpose": "了解三季度需求", "method": "on_site", "place": "客户厂区", **data},
    )


RECORD = {"needs": "希望增加冷轧品种", "service_opinions": "送货及时", "operations": "stable"}


def test_a_visit_goes_from_plan_to_review(customer, salesperson, service_agent, supervisor):
    v = plan(customer, salesperson, service_agent)
    assert can_see_customer(service_agent, customer)  # the agent reads the file they serve
    v = services.record_visit(by=service_agent, visit=v, data=RECORD)
    assert v.status == rules.DONE and v.visited_on == timezone.localdate()
    v = services.report_visit(
        by=service_agent, visit=v, process="按计划拜访采购经理。", result="获得新询价。"
    )
    assert v.status == rules.REPORTED
    v = services.review_visit(by=supervisor, visit=v, guidance="跟进询价, 一周内报价。")
    assert v.status == rules.REVIEWED and v.reviewed_by == supervisor


def test_a_report_for_a_visit_not_yet_done_is_refused(customer, salesperson, service_agent):
    v = plan(customer, salesperson, service_agent)
    with pytest.raises(DomainError) as exc:
        services.report_visit(by=service_agent, visit=v, process="x", result="y")
    assert exc.value.code == RelationsError.VISIT_NOT_DONE
    v.refresh_from_db()
    assert v.status == rules.PLANNED


def test_a_report_cannot_be_dated_before_the_visit(customer, salesperson, service_agent):
    v = plan(customer, salesperson, service_agent)
    v = services.record_visit(by=service_agent, visit=v, data=RECORD)
    with pytest.raises(DomainError) as exc:
        services.report_visit(
            by=service_agent, visit=v, process="x", result="y", reported_on=v.visited_on - timedelta(days=1)
        )
    assert exc.value.code == RelationsError.REPORT_BEFORE_VISIT


def test_the_author_does_not_review_their_own_report(customer, salesperson, supervisor):
    v = plan(customer, salesperson, supervisor)
    v = services.record_visit(by=supervisor, visit=v, data=RECORD)
    v = services.report_visit(by=supervisor, visit=v, process="x", result="y")
    with pytest.raises(DomainError) as exc:
        services.review_visit(by=supervisor, visit=v, guidance="好")
    assert exc.value.code == RelationsError.OWN_REPORT


def test_planned_visits_and_due_reports_are_the_agents_to_dos(
    customer, salesperson, service_agent, supervisor
):
    v = plan(customer, salesperson, service_agent, planned_on=timezone.localdate() - timedelta(days=2))
    items = [i for i in selectors.workbench_items(service_agent) if i.kind.startswith("relations.visit")]
    assert [(i.kind, i.overdue) for i in items] == [("relations.visit", True)]
    assert items[0].rule.startswith("002 篇三")
    services.record_visit(by=service_agent, visit=v, data={**RECORD, "visited_on": timezone.localdate()})
    items = [i for i in selectors.workbench_items(service_agent) if i.kind.startswith("relations.visit")]
    assert [(i.kind, i.due) for i in items] == [
        ("relations.visit_report", timezone.localdate() + timedelta(days=1))
    ]
    v.refresh_from_db()
    services.report_visit(by=service_agent, visit=v, process="x", result="y")
    review = [i for i in selectors.workbench_items(supervisor) if i.kind == "relations.visit_review"]
    assert len(review) == 1


def test_key_customers_without_a_visit_are_on_the_owners_workbench(make_customer, salesperson):
    """004 客户信息管理制度 第十条: visit plans for key customers."""
    key = make_customer(salesperson, name="长城重工集团", tier="core")
    make_customer(salesperson, name="普通商贸公司")
    items = [i for i in selectors.workbench_items(salesperson) if i.kind == "relations.key_customer"]
    assert [i.customer_id for i in items] == [key.pk]
    plan(key, salesperson, salesperson, planned_on=timezone.localdate() + timedelta(days=10))
    assert not [i for i in selectors.workbench_items(salesperson) if i.kind == "relations.key_customer"]


def test_an_agent_without_the_visit_capability_is_refused(customer, salesperson, archivist):
    with pytest.raises(DomainError) as exc:
        plan(customer, salesperson, archivist)
    assert exc.value.code == RelationsError.AGENT_CANNOT_SEE


def test_a_development_plan_is_kept_in_the_file(customer, salesperson):
    plan_ = services.create_development_plan(
        by=salesperson, customer_id=customer.pk, year=2026, goals="年销量提升 20%", strategy="重点推冷轧"
    )
    assert plan_.customer == customer and plan_.owner == salesperson


def test_the_visit_record_prints_as_the_paper_form(client, customer, salesperson, service_agent):
    from django.urls import reverse

    from conftest import PASSWORD
    from xindang.audit.models import AuditEvent
    from xindang.core.pdf import undrawn_characters

    v = plan(customer, salesperson, service_agent)
    v = services.record_visit(by=service_agent, visit=v, data=RECORD)
    assert client.login(username=service_agent.username, password=PASSWORD)
    response = client.get(reverse("relations:visit_pdf", args=[v.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert not any(undrawn_characters(response.content).values())
    assert AuditEvent.objects.filter(action="relations.visit.print", object_id=str(v.pk)).exists()

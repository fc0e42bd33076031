"""Complaints, visit findings and satisfaction reach the rating form as dated evidence (relations sits
below credit: credit reads relations.evidence.credit_evidence); the policy may make a visit's
finding of worsening operations a rating fact — a departure from 002 第十六条(5), off by default."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from xindang.approvals import services as approvals
from xindang.credit import selectors
from xindang.policy.sections import SECTIONS
from xindang.relations import rules as relations_rules
from xindang.relations import services as relations
from xindang.testing.samples import set_policy

pytestmark = pytest.mark.django_db


def _complaint(customer, by, gm, *, days_ago=3, severity=relations_rules.SERIOUS):
    c = relations.receive_complaint(
        by=by,
        customer_id=customer.pk,
        data={
            "product": "热轧钢板",
            "content": "交货延误两周。",
            "severity": severity,
            "cause": "delivery",
            "received_on": timezone.localdate() - timedelta(days=days_ago),
        },
    )
    c = relations.investigate_complaint(by=by, complaint=c, investigation="物流延误。")
    c = relations.propose_resolution(by=by, complaint=c, resolution="补偿运费。")
    approvals.approve_step(approval=c.approval, approver=gm, comment="同意。")
    c.refresh_from_db()
    return c


def _worsening_visit(customer, by):
    v = relations.plan_visit(
        by=by,
        customer_id=customer.pk,
        agent=by,
        data={"purpose": "季度回访", "planned_on": timezone.localdate()},
    )
    return relations.record_visit(
        by=by,
        visit=v,
        data={"needs": "希望延长账期", "operations": relations_rules.WORSENING, "findings": "开工率不足五成"},
    )


def test_a_complaint_appears_on_the_rating_form_with_its_date(
    client, customer, salesperson, credit_manager, gm, investigate, docs_complete
):
    investigate(customer)
    c = _complaint(customer, salesperson, gm)
    assert client.login(username=credit_manager.username, password=PASSWORD)
    html = client.get(reverse("credit:propose", args=[customer.pk])).content.decode()
    assert 'data-testid="relations-evidence"' in html
    assert c.complaint_no in html and c.received_on.isoformat() in html
    assert 'data-kind="complaint"' in html


def test_the_credit_picture_carries_the_evidence(customer, salesperson, gm):
    from xindang.credit.picture import credit_picture

    _complaint(customer, salesperson, gm, severity=relations_rules.MAJOR)
    picture = credit_picture(customer)
    assert picture.relations["complaints"] == 1 and picture.relations["major"] == 1
    assert picture.relations["rows"][0].kind == "complaint"


def test_a_visit_finding_is_evidence_only_by_default(customer, salesperson, investigate, docs_complete):
    investigate(customer)
    _worsening_visit(customer, salesperson)
    result = selectors.compute_rating(customer)
    assert "c.visit_operations_worsening" not in [r.code for r in result.reasons]
    assert result.grade == "A"


def test_the_policy_may_make_a_visit_finding_a_rating_fact(
    customer, salesperson, sysadmin, investigate, docs_complete
):
    investigate(customer)
    _worsening_visit(customer, salesperson)
    set_policy(sysadmin, "relations", visit_findings_are_rating_facts=True)
    result = selectors.compute_rating(customer)
    reasons = {r.code: r for r in result.reasons}
    assert result.grade == "C"
    assert reasons["c.visit_operations_worsening"].article == "002 第十六条(5)"


def test_the_switch_is_labelled_a_departure():
    info = SECTIONS["relations"]
    departure = next(d for d in info.departures if d.field == "visit_findings_are_rating_facts")
    assert departure.article == "002 第十六条(5)"
    assert not departure.departs(info.model().visit_findings_are_rating_facts)  # default follows the text
    assert departure.departs(True)

"""Complaints end to end (000 7): received, investigated, resolution approved by the GM through the
approvals engine, fed back, closed with the customer's answer; the hold it puts on the file."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone

from xindang.approvals import services as approvals
from xindang.approvals.models import ApprovalRequest
from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.core.holds import holds_on
from xindang.relations import rules, selectors, services
from xindang.relations.errors import RelationsError
from xindang.relations.models import Complaint


def receive(customer, by, **data):
    return services.receive_complaint(
        by=by,
        customer_id=customer.pk,
        data={
            "product": data.pop("product", "热轧钢板"),
            "content": data.pop("content", "到货钢板表面锈蚀, 要求退换。"),
            "kind": data.pop("kind", rules.PROCESS),
            "severity": data.pop("severity", rules.MAJOR),
            "cause": data.pop("cause", "product_quality"),
            **data,
        },
    )


def approved(complaint, by, gm):
    complaint = services.investigate_complaint(by=by, complaint=complaint, investigation="仓储受潮所致。")
    complaint = services.propose_resolution(
        by=by, complaint=complaint, resolution="退换 20 吨, 运费我方承担。"
    )
    approvals.approve_step(approval=complaint.approval, approver=gm, comment="同意。")
    complaint.refresh_from_db()
    return complaint


def test_a_complaint_goes_from_receipt_to_closing(customer, salesperson, gm):
    c = receive(customer, salesperson)
    assert c.status == rules.RECEIVED and c.department == salesperson.department  # 5.4.1
    c = approved(c, salesperson, gm)
    assert c.status == rules.APPROVED and c.approved_on == timezone.localdate()
    approval = ApprovalRequest.objects.get(pk=c.approval_id)
    assert approval.kind == "relations.complaint" and approval.chain == ["general_manager"]
    c = services.feed_back_complaint(by=salesperson, complaint=c, feedback="已电话告知客户处理结果。")
    c = services.close_complaint(by=salesperson, complaint=c, customer_answer="接受。", satisfied=True)
    assert c.status == rules.CLOSED and c.customer_satisfied is True
    actions = list(
        AuditEvent.objects.filter(object_id=str(c.pk), action__startswith="relations.complaint").values_list(
            "action", flat=True
        )
    )
    for action in ("receive", "investigate", "propose", "approve", "feedback", "close"):
        assert f"relations.complaint.{action}" in actions


def test_a_complaint_cannot_be_closed_before_feedback(customer, salesperson, gm):
    c = approved(receive(customer, salesperson), salesperson, gm)
    with pytest.raises(DomainError) as exc:
        services.close_complaint(by=salesperson, complaint=c, customer_answer="接受。", satisfied=True)
    assert exc.value.code == RelationsError.NOT_FED_BACK
    assert exc.value.status == 409
    c.refresh_from_db()
    assert c.status == rules.APPROVED


def test_the_database_refuses_a_closed_complaint_without_feedback(customer, salesperson):
    c = receive(customer, salesperson)
    with pytest.raises(IntegrityError):
        Complaint.objects.filter(pk=c.pk).update(status=rules.CLOSED)


def test_nobody_approves_their_own_resolution(customer, gm):
    """The GM who proposes a resolution cannot approve it (the engine's four-eyes rule)."""
    from conftest import make_user
    from xindang.accounts.roles import Role

    handler = make_user("gm2", Role.GENERAL_MANAGER, Role.SALESPERSON, department=customer.department)
    customer.owner = handler
    customer.save()
    c = receive(customer, handler)
    c = services.investigate_complaint(by=handler, complaint=c, investigation="核实。")
    c = services.propose_resolution(by=handler, complaint=c, resolution="赔偿。")
    with pytest.raises(DomainError) as exc:
        approvals.approve_step(approval=c.approval, approver=handler, comment="同意。")
    assert exc.value.code == "approval.self_approval"
    c.refresh_from_db()
    assert c.status == rules.PROPOSED
    approvals.approve_step(approval=c.approval, approver=gm, comment="同意。")
    c.refresh_from_db()
    assert c.status == rules.APPROVED


def test_a_rejected_resolution_goes_back_to_investigation(customer, salesperson, gm):
    c = receive(customer, salesperson)
    c = services.investigate_complaint(by=salesperson, complaint=c, investigation="核实。")
    c = services.propose_resolution(by=salesperson, complaint=c, resolution="赔偿 100 万。")
    approvals.reject(approval=c.approval, approver=gm, reason="金额过高。")
    c.refresh_from_db()
    assert c.status == rules.INVESTIGATING
    c = services.propose_resolution(by=salesperson, complaint=c, resolution="赔偿 1 万。")
    assert c.status == rules.PROPOSED


def test_a_quality_complaint_needs_production(customer, salesperson):
    """000 7 5.4.2: quality below standard is resolved with production (生产处)."""
    c = receive(customer, salesperson, kind=rules.QUALITY)
    c = services.investigate_complaint(by=salesperson, complaint=c, investigation="批次质量问题。")
    with pytest.raises(DomainError) as exc:
        services.propose_resolution(by=salesperson, complaint=c, resolution="退货。")
    assert exc.value.code == RelationsError.PRODUCTION_REQUIRED
    c = services.propose_resolution(
        by=salesperson, complaint=c, resolution="退货。", production_opinion="生产处同意重新轧制。"
    )
    assert c.status == rules.PROPOSED


def test_feedback_needs_the_gm_approval_first(customer, salesperson):
    c = receive(customer, salesperson)
    with pytest.raises(DomainError) as exc:
        services.feed_back_complaint(by=salesperson, complaint=c, feedback="告知。")
    assert exc.value.code == RelationsError.BAD_TRANSITION


def test_a_complaint_cannot_be_received_in_the_future(customer, salesperson):
    with pytest.raises(DomainError) as exc:
        receive(customer, salesperson, received_on=timezone.localdate() + timedelta(days=1))
    assert exc.value.code == RelationsError.IN_FUTURE


def test_only_those_who_see_the_file_handle_its_complaints(
    customer, salesperson, other_salesperson, archivist
):
    from django.http import Http404

    with pytest.raises(Http404):
        receive(customer, other_salesperson)
    with pytest.raises(PermissionDenied):
        receive(customer, archivist)  # no complaint capability
    c = receive(customer, salesperson)
    with pytest.raises(PermissionDenied):
        services.investigate_complaint(by=other_salesperson, complaint=c, investigation="x")


def test_an_open_complaint_holds_the_file(customer, salesperson, gm):
    c = receive(customer, salesperson)
    holds = [h for h in holds_on(customer) if h.source == "relations.complaint"]
    assert len(holds) == 1 and c.complaint_no in holds[0].reason and holds[0].url == c.get_absolute_url()
    c = approved(c, salesperson, gm)
    c = services.feed_back_complaint(by=salesperson, complaint=c, feedback="告知。")
    services.close_complaint(by=salesperson, complaint=c, customer_answer="好。", satisfied=True)
    assert not [h for h in holds_on(customer) if h.source == "relations.complaint"]


def test_overdue_complaints_are_on_the_handlers_workbench(customer, salesperson):
    c = receive(customer, salesperson, received_on=timezone.localdate() - timedelta(days=10))
    items = [i for i in selectors.workbench_items(salesperson) if i.kind == "relations.complaint"]
    assert len(items) == 1 and items[0].overdue and items[0].url == c.get_absolute_url()
    assert items[0].rule.startswith("000 7")
    assert items[0].due == c.received_on + timedelta(days=7)


def test_statistics_count_by_cause_product_department_and_month(customer, salesperson):
    receive(
        customer,
        salesperson,
        cause="delivery",
        product="冷轧卷",
        severity=rules.SERIOUS,
        received_on=date(2026, 1, 5),
    )
    receive(customer, salesperson, cause="delivery", product="热轧钢板", received_on=date(2026, 2, 5))
    receive(customer, salesperson, cause="price", product="热轧钢板", received_on=date(2026, 2, 6))
    qs = selectors.visible_complaints(salesperson)
    by_cause = {r.key: (r.total, r.serious) for r in selectors.complaint_statistics(qs, "cause")}
    assert by_cause == {"delivery": (2, 1), "price": (1, 0)}
    by_product = {r.key: r.total for r in selectors.complaint_statistics(qs, "product")}
    assert by_product == {"热轧钢板": 2, "冷轧卷": 1}
    assert [(r.key, r.total) for r in selectors.complaint_statistics(qs, "month")] == [
        ("2026-01", 1),
        ("2026-02", 2),
    ]
    assert [r.total for r in selectors.complaint_statistics(qs, "department")] == [3]


def test_a_withdrawn_resolution_goes_back_to_investigation(customer, salesperson):
    c = receive(customer, salesperson)
    c = services.investigate_complaint(by=salesperson, complaint=c, investigation="核实。")
    c = services.propose_resolution(by=salesperson, complaint=c, resolution="赔偿。")
    approvals.withdraw(approval=c.approval, by=salesperson, reason="方案需修改。")
    c.refresh_from_db()
    assert c.status == rules.INVESTIGATING

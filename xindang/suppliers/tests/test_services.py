"""Supplier selection and evaluation through the services (seed 002 篇五), bad input included."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.approvals.models import ApprovalStatus
from xindang.approvals.services import approve_step, return_for_changes
from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.ledger import selectors as ledger_selectors
from xindang.ledger.services import post_trade_entry
from xindang.suppliers import rules, selectors, services
from xindang.suppliers.models import SelectionStatus, SupplierEvaluation

from .conftest import SURVEYS

SCORES = {"quality": 95, "delivery": 90, "price": 80, "service": 70}


def _approve(selection, approver, **kw):
    return approve_step(approval=selection.approval, approver=approver, acknowledge_warnings=True, **kw)


def test_full_selection_gives_the_supplier_code_on_approval(with_contracts, salesperson, marketing_manager):
    """002 篇五 第三条: application to the market manager, contracts in the file, code on approval."""
    selection = services.submit_selection(by=salesperson, customer_id=with_contracts.pk)
    assert selection.status == SelectionStatus.PENDING
    assert selection.approval.chain == ["marketing_manager"]
    assert selection.approval.warnings == []
    approval = _approve(selection, marketing_manager)
    assert approval.status == ApprovalStatus.APPROVED
    selection.refresh_from_db()
    assert selection.status == SelectionStatus.APPROVED
    assert selection.code == "GYS00001"
    assert selection.approved_at is not None
    assert AuditEvent.objects.filter(action="suppliers.approved", object_id=str(selection.pk)).exists()
    assert services.done_steps(selection) == dict.fromkeys(rules.STEPS, True)


def test_selection_cannot_be_approved_without_the_contracts(surveyed, salesperson, marketing_manager):
    """002 篇五 第三条(2)(3): without both contracts the approval rolls back, naming what is missing."""
    selection = services.submit_selection(by=salesperson, customer_id=surveyed.pk)
    assert selection.approval.warnings  # the approver is told at once
    with pytest.raises(DomainError) as exc:
        _approve(selection, marketing_manager)
    assert exc.value.code == "suppliers.contracts_missing"
    assert "supply contract" in exc.value.message and "quality-assurance contract" in exc.value.message
    selection.refresh_from_db()
    selection.approval.refresh_from_db()
    assert selection.status == SelectionStatus.PENDING and selection.code is None
    assert selection.approval.status == ApprovalStatus.PENDING


def test_a_cancelled_quality_contract_is_named_missing(with_contracts, salesperson, marketing_manager):
    selection = services.submit_selection(by=salesperson, customer_id=with_contracts.pk)
    quality = selection.quality_contract
    quality.status = "cancelled"
    quality.save(update_fields=["status"])
    with pytest.raises(DomainError) as exc:
        _approve(selection, marketing_manager)
    assert "quality-assurance contract" in exc.value.message
    assert "supply contract" not in exc.value.message.replace("quality-assurance contract", "")


def test_nobody_approves_their_own_selection(with_contracts, make_user_with_roles):
    """Four eyes (approvals engine): the applicant cannot sign the step even holding its role."""
    applicant = make_user_with_roles("caigou", ["salesperson", "marketing_manager"], with_contracts)
    # the supplier's salesperson, who also holds the marketing manager's role (the file is theirs: the
    # marketing manager's role alone opens only the files it signs for, 001 六 2)
    type(with_contracts).objects.filter(pk=with_contracts.pk).update(owner=applicant)
    selection = services.submit_selection(by=applicant, customer_id=with_contracts.pk)
    with pytest.raises(DomainError) as exc:
        _approve(selection, applicant)
    assert exc.value.code == "approval.self_approval"
    selection.refresh_from_db()
    assert selection.status == SelectionStatus.PENDING


def test_selection_of_a_buyer_is_refused(make_customer, salesperson):
    """Only a supplier's file is selected by 002 篇五 (002 第四条: buyers and suppliers)."""
    buyer = make_customer(salesperson, name="下游买家有限公司", relationship="buyer")
    with pytest.raises(DomainError) as exc:
        services.save_step(
            by=salesperson,
            customer_id=buyer.pk,
            step=rules.GENERAL_SURVEY,
            data=SURVEYS[rules.GENERAL_SURVEY],
        )
    assert exc.value.code == "suppliers.not_a_supplier"
    with pytest.raises(DomainError) as exc:
        services.submit_selection(by=salesperson, customer_id=buyer.pk)
    assert exc.value.code == "suppliers.not_a_supplier"


def test_submission_needs_surveys_and_application(supplier, salesperson):
    services.save_step(
        by=salesperson, customer_id=supplier.pk, step=rules.GENERAL_SURVEY, data=SURVEYS[rules.GENERAL_SURVEY]
    )
    with pytest.raises(DomainError) as exc:
        services.submit_selection(by=salesperson, customer_id=supplier.pk)
    assert exc.value.code == "suppliers.step_missing"
    assert "On-site survey" in exc.value.message


def test_a_sale_contract_is_no_supply_contract(surveyed, salesperson, make_contract):
    sale = make_contract(surveyed, salesperson, kind="sale")
    draft = make_contract(surveyed, salesperson, kind="purchase", status="draft")
    for contract in (sale, draft):
        with pytest.raises(DomainError) as exc:
            services.save_step(
                by=salesperson,
                customer_id=surveyed.pk,
                step=rules.CONTRACTS,
                data={"supply_contract": contract},
            )
        assert exc.value.code == "suppliers.contract_not_suitable"


def test_the_same_contract_cannot_be_both(surveyed, salesperson, make_contract):
    supply = make_contract(surveyed, salesperson)
    with pytest.raises(DomainError) as exc:
        services.save_step(
            by=salesperson,
            customer_id=surveyed.pk,
            step=rules.CONTRACTS,
            data={"supply_contract": supply, "quality_contract": supply},
        )
    assert exc.value.field == "quality_contract"


def test_submitted_selection_is_frozen_then_returned_and_resubmitted(
    with_contracts, salesperson, marketing_manager
):
    selection = services.submit_selection(by=salesperson, customer_id=with_contracts.pk)
    with pytest.raises(DomainError) as exc:
        services.save_step(by=salesperson, customer_id=with_contracts.pk, step=rules.GENERAL_SURVEY, data={})
    assert exc.value.code == "suppliers.already_submitted"
    return_for_changes(approval=selection.approval, approver=marketing_manager, reason="补充调查资料")
    selection.refresh_from_db()
    assert selection.status == SelectionStatus.RETURNED
    services.save_step(
        by=salesperson,
        customer_id=with_contracts.pk,
        step=rules.APPLICATION,
        data={**SURVEYS[rules.APPLICATION], "goods": "原料 A\n原料 B"},
    )
    selection = services.submit_selection(by=salesperson, customer_id=with_contracts.pk)
    assert selection.status == SelectionStatus.PENDING
    _approve(selection, marketing_manager)
    selection.refresh_from_db()
    assert selection.status == SelectionStatus.APPROVED and selection.code


def test_a_viewer_may_not_record_steps(supplier, make_user_with_roles):
    gm = make_user_with_roles("zongjingli", ["general_manager"], supplier)
    with pytest.raises(DomainError) as exc:
        services.save_step(by=gm, customer_id=supplier.pk, step=rules.GENERAL_SURVEY, data={})
    assert exc.value.code == "suppliers.forbidden"


@pytest.fixture
def selected(with_contracts, salesperson, marketing_manager):
    selection = services.submit_selection(by=salesperson, customer_id=with_contracts.pk)
    _approve(selection, marketing_manager)
    return with_contracts


def test_evaluation_grades_the_supplier(selected, credit_manager):
    evaluation = services.evaluate(by=credit_manager, customer_id=selected.pk, year=2026, scores=SCORES)
    # 95×40 + 90×30 + 80×20 + 70×10 = 8800 / 100 = 88.00 → B (A from 90)
    assert evaluation.score == Decimal("88.00")
    assert evaluation.grade == "B"
    assert evaluation.weights == {"quality": 40, "delivery": 30, "price": 20, "service": 10}


@pytest.mark.parametrize("bad", [101, -1, "9.5", None])
def test_a_score_outside_the_scale_is_refused(selected, credit_manager, bad):
    with pytest.raises(DomainError) as exc:
        services.evaluate(
            by=credit_manager, customer_id=selected.pk, year=2026, scores={**SCORES, "delivery": bad}
        )
    assert exc.value.code == "suppliers.score_out_of_scale"
    assert exc.value.field == "delivery"
    assert not SupplierEvaluation.objects.exists()


def test_a_second_evaluation_for_the_same_year_is_refused(selected, credit_manager, marketing_manager):
    services.evaluate(by=credit_manager, customer_id=selected.pk, year=2026, scores=SCORES)
    with pytest.raises(DomainError) as exc:
        services.evaluate(by=marketing_manager, customer_id=selected.pk, year=2026, scores=SCORES)
    assert exc.value.code == "suppliers.already_evaluated"
    assert exc.value.status == 409
    services.evaluate(by=credit_manager, customer_id=selected.pk, year=2025, scores=SCORES)
    assert SupplierEvaluation.objects.filter(customer=selected).count() == 2


def test_only_a_selected_supplier_is_evaluated(surveyed, credit_manager):
    with pytest.raises(DomainError) as exc:
        services.evaluate(by=credit_manager, customer_id=surveyed.pk, year=2026, scores=SCORES)
    assert exc.value.code == "suppliers.not_selected"


def test_future_year_is_refused(selected, credit_manager):
    with pytest.raises(DomainError) as exc:
        services.evaluate(
            by=credit_manager, customer_id=selected.pk, year=timezone.localdate().year + 1, scores=SCORES
        )
    assert exc.value.code == "suppliers.year_invalid"


def test_workbench_lists_due_evaluations(selected, credit_manager, settings):
    """A supplier selected in an earlier year is evaluated every year from the policy's month on."""
    from xindang.suppliers.models import SupplierSelection

    SupplierSelection.objects.filter(customer=selected).update(approved_at=timezone.now().replace(year=2025))
    today = timezone.localdate()
    due = [i for i in selectors.workbench_items(credit_manager) if i.kind == "suppliers.evaluation_due"]
    if today.month < 12:  # the default policy: due from December
        assert due == []
        return
    assert [i.customer_id for i in due] == [selected.pk]
    assert "002 篇五" in due[0].rule
    services.evaluate(by=credit_manager, customer_id=selected.pk, year=today.year, scores=SCORES)
    assert not [i for i in selectors.workbench_items(credit_manager) if i.kind == "suppliers.evaluation_due"]


def test_workbench_pending_steps(supplier, salesperson):
    services.save_step(
        by=salesperson, customer_id=supplier.pk, step=rules.GENERAL_SURVEY, data=SURVEYS[rules.GENERAL_SURVEY]
    )
    items = [i for i in selectors.workbench_items(salesperson) if i.kind == "suppliers.selection_steps"]
    assert len(items) == 1
    assert "On-site survey" in items[0].title
    assert "002 篇五" in items[0].rule


def test_undelivered_prepayments_from_the_ledger(supplier, credit_manager):
    """Prepaid to the supplier less the goods received against it, per prepayment (ledger selector)."""
    post_trade_entry(
        customer=supplier,
        kind="prepayment",
        amount=Decimal(300),
        entry_on=date(2026, 1, 5),
        by=credit_manager,
    )
    post_trade_entry(
        customer=supplier,
        kind="prepayment",
        amount=Decimal(100),
        entry_on=date(2026, 2, 5),
        by=credit_manager,
    )
    post_trade_entry(
        customer=supplier,
        kind="goods_received",
        amount=Decimal(350),
        entry_on=date(2026, 3, 1),
        by=credit_manager,
    )
    entries, total = ledger_selectors.undelivered_prepayments(supplier)
    assert total == Decimal(50)
    assert [e.open_amount for e in entries] == [Decimal(50)]

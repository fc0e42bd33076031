"""Onboarding a new customer: the card filled with no blanks, approved through the chain, the code
given once, conditions attached; the refusals (blank field, own card, edits after submission)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.approvals.models import ApprovalStatus
from xindang.approvals.services import approve_step, reject, return_for_changes
from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.customers import services as customer_services
from xindang.customers.models import Customer, StatusChange
from xindang.onboarding import services
from xindang.onboarding.errors import OnboardingError
from xindang.onboarding.models import TransactionCard

pytestmark = pytest.mark.django_db


def test_a_new_customer_is_a_prospect_until_its_card_is_approved(salesperson, make_prospect):
    prospect = make_prospect(salesperson)
    assert (prospect.onboarding, prospect.status, prospect.code) == ("pending", "prospective", None)


def test_existing_files_and_factory_customers_count_as_onboarded(salesperson, make_customer):
    # the customers made by imports, the demo and make_customer keep trading (model default)
    assert make_customer(salesperson).onboarding == "approved"


def test_a_draft_may_hold_blanks_and_is_audited(salesperson, make_prospect, today):
    prospect = make_prospect(salesperson)
    card = services.save_card(
        by=salesperson, customer_id=prospect.pk, data={"head_office": "上海", "staff_count": ""}
    )
    assert (card.status, card.head_office, card.staff_count) == ("draft", "上海", None)
    assert card.first_contact_on == today
    assert AuditEvent.objects.filter(action="onboarding.card_save").count() == 1


# 004 客户信息管理制度 第十条1(5): 交易卡中所有栏目都必须填满,不得留有空白
@pytest.mark.parametrize(
    ("card_blank", "file_blank", "first"),
    [
        ({"trading_site": "  "}, {}, "trading_site"),
        ({"staff_count": None}, {}, "staff_count"),
        ({"requested_limit_amount": ""}, {}, "requested_limit_amount"),
        ({"survey_result": ""}, {}, "survey_result"),
        ({}, {"website": ""}, "website"),
        ({}, {"founded_on": None}, "founded_on"),
    ],
)
def test_a_card_with_a_blank_field_is_not_submitted(
    salesperson, make_prospect, fill_card, card_blank, file_blank, first
):
    prospect = make_prospect(salesperson, **file_blank)
    fill_card(prospect, salesperson, **card_blank)
    with pytest.raises(DomainError) as refused:
        services.submit_card(by=salesperson, customer_id=prospect.pk)
    assert refused.value.code == OnboardingError.CARD_INCOMPLETE
    assert refused.value.field == first and refused.value.params["blank"] == [first]
    card = TransactionCard.objects.get(customer=prospect)
    assert (card.status, card.approval_id) == ("draft", None)


def test_submit_opens_the_approval_through_the_policy_chain(salesperson, make_prospect, fill_card):
    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    card = services.submit_card(by=salesperson, customer_id=prospect.pk)
    assert card.status == "submitted"
    assert card.approval.kind == "onboarding.card"
    assert card.approval.chain == [
        "department_manager",
        "credit_manager",
        "marketing_manager",
        "general_manager",
    ]
    assert card.approval.amount == Decimal("300000.00")
    with pytest.raises(DomainError) as refused:  # a submitted card is not changed behind its approvers
        services.save_card(by=salesperson, customer_id=prospect.pk, data={"head_office": "北京"})
    assert refused.value.code == OnboardingError.CARD_NOT_EDITABLE


def test_approval_onboards_the_customer_gives_its_code_and_opens_trade(
    salesperson, make_prospect, fill_card, approve_card
):
    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    card = services.submit_card(by=salesperson, customer_id=prospect.pk)
    assert approve_card(card).status == ApprovalStatus.APPROVED
    prospect.refresh_from_db()
    card.refresh_from_db()
    assert card.status == "approved" and card.approved_at is not None
    # 002 篇五 第三条(4): the code is given when the card is approved
    assert (prospect.onboarding, prospect.status, prospect.code) == ("approved", "active", "KH000001")
    assert "kh000001" in prospect.search_text.split("|")
    change = StatusChange.objects.get(customer=prospect)
    assert (change.from_status, change.to_status) == ("prospective", "active")
    event = AuditEvent.objects.get(action="onboarding.card_approve")
    assert event.data["code"] == "KH000001"


def test_nobody_approves_their_own_card(dept_xs1, make_prospect, fill_card):
    # a department manager who also sells submits the card; the first step is theirs by role
    both = make_user("qianjiu", Role.SALESPERSON, Role.DEPARTMENT_MANAGER, department=dept_xs1)
    prospect = make_prospect(both)
    fill_card(prospect, both)
    card = services.submit_card(by=both, customer_id=prospect.pk)
    with pytest.raises(DomainError) as refused:
        approve_step(approval=card.approval, approver=both)
    assert refused.value.code == "approval.self_approval"
    card.refresh_from_db()
    assert card.status == "submitted"


def test_the_salesperson_cannot_sign_for_head_office(salesperson, make_prospect, fill_card, manager):
    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    card = services.submit_card(by=salesperson, customer_id=prospect.pk)
    with pytest.raises(DomainError) as refused:
        approve_step(approval=card.approval, approver=salesperson)
    assert refused.value.code in ("approval.self_approval", "approval.wrong_role")


def test_a_returned_card_is_corrected_and_goes_back_as_a_new_round(
    salesperson, make_prospect, fill_card, manager, credit_manager
):
    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    card = services.submit_card(by=salesperson, customer_id=prospect.pk)
    approve_step(approval=card.approval, approver=manager)
    return_for_changes(approval=card.approval, approver=credit_manager, reason="调查结果不充分")
    card.refresh_from_db()
    assert card.status == "draft"
    services.save_card(by=salesperson, customer_id=prospect.pk, data={"survey_result": "补充:第三方调查正常"})
    again = services.submit_card(by=salesperson, customer_id=prospect.pk)
    assert again.approval_id == card.approval_id
    assert (again.approval.status, again.approval.round) == ("pending", 2)


def test_a_rejected_card_stays_a_prospect(salesperson, make_prospect, fill_card, manager):
    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    card = services.submit_card(by=salesperson, customer_id=prospect.pk)
    reject(approval=card.approval, approver=manager, reason="资料不实")
    card.refresh_from_db()
    prospect.refresh_from_db()
    assert card.status == "rejected" and prospect.onboarding == "pending" and prospect.code is None


def test_a_salesperson_of_another_department_sees_no_card(other_salesperson, salesperson, make_prospect):
    from django.http import Http404

    prospect = make_prospect(salesperson)
    with pytest.raises(Http404):
        services.save_card(by=other_salesperson, customer_id=prospect.pk, data={"head_office": "北京"})


# --- The code, once -------------------------------------------------------------------------------
def test_a_code_requested_twice_is_one_code(
    salesperson, make_prospect, fill_card, approve_card, credit_manager
):
    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    approve_card(services.submit_card(by=salesperson, customer_id=prospect.pk))
    with transaction.atomic():
        again = customer_services.mark_onboarded(customer_id=prospect.pk, by=credit_manager)
    asked = customer_services.assign_code(by=credit_manager, customer_id=prospect.pk)
    assert again.code == asked.code == "KH000001"
    assert Customer.objects.filter(code__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_code_requests_at_once_give_one_code(salesperson, make_customer, credit_manager):
    customer = make_customer(salesperson, name="长江实业有限公司")
    barrier = threading.Barrier(2)
    codes, errors = [], []

    def ask():
        try:
            barrier.wait(timeout=5)
            codes.append(customer_services.assign_code(by=credit_manager, customer_id=customer.pk).code)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    assert codes == ["KH000001", "KH000001"]
    from xindang.core.models import Sequence

    assert Sequence.objects.get(key="customer.code").last_value == 1


# --- Conditions (004 客户信息管理制度 第十条2) -------------------------------------------------------------
def test_conditions_are_attached_to_a_submitted_card(
    salesperson, make_prospect, fill_card, marketing_manager, sysadmin
):
    from django.http import Http404

    from xindang.testing.samples import set_policy

    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    # a draft: no approval of the marketing manager's on the file yet, so not a file they read (001 六 2)
    with pytest.raises(Http404):
        services.set_conditions(by=marketing_manager, customer_id=prospect.pk, conditions=["contract"])
    # and where the policy lets the role see every file (a departure), still nothing to attach them to
    set_policy(sysadmin, "custody", wide_standing_roles=["marketing_manager"])
    with pytest.raises(DomainError) as refused:
        services.set_conditions(by=marketing_manager, customer_id=prospect.pk, conditions=["contract"])
    assert refused.value.code == OnboardingError.CONDITIONS_NOT_OPEN
    set_policy(sysadmin, "custody", wide_standing_roles=[])
    services.submit_card(by=salesperson, customer_id=prospect.pk)
    card = services.set_conditions(
        by=marketing_manager, customer_id=prospect.pk, conditions=["collateral", "contract"], note="厂房抵押"
    )
    assert card.condition_codes() == ("contract", "collateral") and len(card.condition_labels()) == 2
    assert AuditEvent.objects.get(action="onboarding.conditions").data["to"] == "contract,collateral"


def test_an_unknown_condition_or_a_salesperson_setting_one_is_refused(
    salesperson, make_prospect, fill_card, marketing_manager
):
    prospect = make_prospect(salesperson)
    fill_card(prospect, salesperson)
    services.submit_card(by=salesperson, customer_id=prospect.pk)
    with pytest.raises(DomainError) as unknown:
        services.set_conditions(by=marketing_manager, customer_id=prospect.pk, conditions=["handshake"])
    assert unknown.value.code == OnboardingError.UNKNOWN_CONDITION
    with pytest.raises(DomainError) as denied:
        services.set_conditions(by=salesperson, customer_id=prospect.pk, conditions=["contract"])
    assert denied.value.code == OnboardingError.PERMISSION_DENIED


# --- Staff contacts and reports (001 公司客户信息管理办法 七.3) -------------------------------------------
def test_only_the_staff_contact_files_their_report(salesperson, make_prospect, manager, today):
    prospect = make_prospect(salesperson)
    contact = services.add_staff_contact(by=manager, customer_id=prospect.pk, user_id=salesperson.pk)
    with pytest.raises(DomainError) as twice:
        services.add_staff_contact(by=manager, customer_id=prospect.pk, user_id=salesperson.pk)
    assert twice.value.code == OnboardingError.ALREADY_CONTACT
    with pytest.raises(DomainError) as not_theirs:
        services.file_contact_report(
            by=manager, staff_contact_id=contact.pk, reported_on=today, summary="拜访"
        )
    assert not_theirs.value.code == OnboardingError.NOT_YOUR_CONTACT
    with pytest.raises(DomainError) as empty:
        services.file_contact_report(
            by=salesperson, staff_contact_id=contact.pk, reported_on=today, summary=" "
        )
    assert empty.value.code == OnboardingError.SUMMARY_REQUIRED
    report = services.file_contact_report(
        by=salesperson, staff_contact_id=contact.pk, reported_on=today, summary="首次拜访,了解采购计划"
    )
    assert report.staff_contact == contact


def test_a_text_given_as_nothing_is_a_blank(salesperson, make_prospect):
    prospect = make_prospect(salesperson)
    card = services.save_card(by=salesperson, customer_id=prospect.pk, data={"head_office": None})
    assert card.head_office == ""
    with pytest.raises(DomainError) as refused:
        services.save_card(by=salesperson, customer_id=prospect.pk, data={"products": "电缆\x00"})
    assert refused.value.code == OnboardingError.INVALID

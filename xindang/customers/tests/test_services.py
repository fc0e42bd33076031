"""Writes to the customer file (services): numbering, duplicates, codes, versions, status, children, audit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from conftest import make_credit_code, make_user
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.core.models import Sequence
from xindang.customers import services
from xindang.customers.errors import CustomerError
from xindang.customers.models import (
    BankAccount,
    Contact,
    Customer,
    Manager,
    RelatedCompany,
    Shareholder,
    StatusChange,
)

pytestmark = pytest.mark.django_db


def events_after(seq: int) -> list[str]:
    """Actions written to the audit log after event number `seq`, oldest first."""
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True))


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def year_now() -> int:
    from django.utils import timezone

    return timezone.localdate().year


# --- File numbers (按部门编号, seed 000 4.2) ------------------------------------------------------
def test_files_are_numbered_per_department_and_year(salesperson, other_salesperson, make_customer):
    # given two salespeople in departments XS1 and XS2; when each files customers
    first = make_customer(salesperson, name="华夏科技有限公司")
    second = make_customer(salesperson, name="长城贸易有限公司")
    theirs = make_customer(other_salesperson, name="长江实业有限公司")
    # then each department counts from 1 in the current year
    year = year_now()
    assert first.file_no == f"XS1-{year}-00001"
    assert second.file_no == f"XS1-{year}-00002"
    assert theirs.file_no == f"XS2-{year}-00001"


def test_the_year_of_a_file_number_is_the_shanghai_date(salesperson, make_customer, time_machine):
    # given New Year's Eve 2026, 23:30 in Shanghai = 15:30 UTC: still 2026
    time_machine.move_to(dt.datetime(2026, 12, 31, 15, 30, tzinfo=dt.UTC), tick=False)
    eve1 = make_customer(salesperson, name="华夏科技有限公司")
    eve2 = make_customer(salesperson, name="长城贸易有限公司")
    # when the clock passes midnight in Shanghai (00:30 on 1 January = 16:30 UTC on 31 December)
    time_machine.move_to(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC), tick=False)
    new_year = make_customer(salesperson, name="长江实业有限公司")
    # then the new year numbers from 1 again, although UTC still says 2026
    assert (eve1.file_no, eve2.file_no) == ("XS1-2026-00001", "XS1-2026-00002")
    assert new_year.file_no == "XS1-2027-00001"


def test_a_save_refused_after_numbering_leaves_no_gap(salesperson, make_customer):
    # given one file
    first = make_customer(salesperson, name="华夏科技有限公司")
    # when the next save fails after its number was allocated (an invalid shareholder row)
    with pytest.raises(DomainError) as refused:
        make_customer(
            salesperson,
            name="长城贸易有限公司",
            children={"shareholders": [{"name": "李雷", "kind": "person", "share_pct": Decimal("150")}]},
        )
    assert refused.value.code == CustomerError.INVALID
    assert not Customer.objects.filter(name="长城贸易有限公司").exists()
    # and another is refused as a duplicate credit code
    with pytest.raises(DomainError) as duplicate:
        make_customer(salesperson, name="长江实业有限公司", credit_code=first.credit_code)
    assert duplicate.value.code == CustomerError.DUPLICATE_CREDIT_CODE
    # then the next successful save gets the number the failed ones would have had
    nxt = make_customer(salesperson, name="黄河机械有限公司")
    assert nxt.file_no == first.file_no[:-5] + "00002"
    assert Sequence.objects.get(key=f"customer.file_no:XS1:{year_now()}").last_value == 2


# --- Duplicates -------------------------------------------------------------------------------
def test_duplicate_credit_code_is_refused_naming_the_existing_file(
    salesperson, other_salesperson, make_customer
):
    # given a file with a credit code in department XS1
    existing = make_customer(salesperson, name="华夏科技有限公司", credit_code="91350100M000100Y43")
    before = last_seq()
    # when someone in another department files the same code typed in lower case with spaces
    with pytest.raises(DomainError) as refused:
        make_customer(other_salesperson, name="福建华夏科技", credit_code="9135 0100 m000 100y 43")
    # then it is refused with the existing file's key; nothing is written
    assert refused.value.code == CustomerError.DUPLICATE_CREDIT_CODE
    assert refused.value.params["existing_pk"] == existing.pk
    assert refused.value.params["existing_file_no"] == existing.file_no
    assert refused.value.field == "credit_code"
    assert Customer.objects.count() == 1
    assert events_after(before) == []


def test_changing_to_another_files_credit_code_is_refused(salesperson, make_customer):
    a = make_customer(salesperson, name="华夏科技有限公司")
    b = make_customer(salesperson, name="长城贸易有限公司")
    with pytest.raises(DomainError) as refused:
        services.update_customer(
            by=salesperson, customer_id=b.pk, expected_version=1, data={"credit_code": a.credit_code}
        )
    assert refused.value.code == CustomerError.DUPLICATE_CREDIT_CODE
    assert refused.value.params["existing_pk"] == a.pk


def test_a_very_similar_name_must_be_confirmed(salesperson, make_customer):
    # given 华夏科技有限公司
    existing = make_customer(salesperson, name="华夏科技有限公司")
    # when 华夏科技股份有限公司 is filed without confirmation
    with pytest.raises(DomainError) as refused:
        make_customer(salesperson, name="华夏科技股份有限公司", confirm_similar=False)
    # then it is refused, listing the similar file
    assert refused.value.code == CustomerError.SIMILAR_NAME
    assert [s.customer.pk for s in refused.value.params["similar"]] == [existing.pk]
    assert Customer.objects.count() == 1
    # and with confirmation it is filed
    confirmed = make_customer(salesperson, name="华夏科技股份有限公司", confirm_similar=True)
    assert confirmed.pk != existing.pk


def test_a_different_name_needs_no_confirmation(salesperson, make_customer):
    make_customer(salesperson, name="华夏科技有限公司")
    other = make_customer(salesperson, name="长江实业有限公司", confirm_similar=False)
    assert other.pk


# --- Customer code (客户代码, seed 002 篇五 第三条(4)) ----------------------------------------------
def test_a_credit_manager_save_gives_no_code(salesperson, credit_manager, make_customer):
    # given a salesperson's new file: no code yet
    customer = make_customer(salesperson, name="华夏科技有限公司")
    assert customer.code is None
    # when the credit manager edits it, it still has none: the code comes with the approval
    result = services.update_customer(
        by=credit_manager, customer_id=customer.pk, expected_version=1, data={"phone": "010-88886666"}
    )
    customer.refresh_from_db()
    assert customer.code is None and "code" not in result.changes


def test_a_salesperson_edit_gives_no_code(salesperson, make_customer):
    customer = make_customer(salesperson, name="华夏科技有限公司")
    services.update_customer(
        by=salesperson, customer_id=customer.pk, expected_version=1, data={"phone": "010-88886666"}
    )
    customer.refresh_from_db()
    assert customer.code is None


def test_a_file_opened_by_a_credit_manager_has_no_code_yet(salesperson, credit_manager, make_customer):
    first = make_customer(salesperson, name="华夏科技有限公司", by=credit_manager)
    assert first.code is None


def test_an_onboarded_file_gets_one_code_on_request(salesperson, credit_manager, make_customer):
    customer = make_customer(salesperson, name="华夏科技有限公司")
    first = services.assign_code(by=credit_manager, customer_id=customer.pk)
    again = services.assign_code(by=credit_manager, customer_id=customer.pk)
    assert first.code == again.code == "KH000001"
    assert "kh000001" in again.search_text.split("|")


def test_a_prospect_gets_no_code_before_its_card_is_approved(salesperson, credit_manager):
    from xindang.customers.choices import Onboarding

    prospect = services.create_customer(
        by=salesperson, data={"name": "新星贸易有限公司", "owner": salesperson}, prospect=True
    )
    assert prospect.onboarding == Onboarding.PENDING
    with pytest.raises(DomainError) as refused:
        services.assign_code(by=credit_manager, customer_id=prospect.pk)
    assert refused.value.code == CustomerError.NOT_ONBOARDED


def test_a_salesperson_may_not_give_codes(salesperson, make_customer):
    customer = make_customer(salesperson, name="华夏科技有限公司")
    with pytest.raises(DomainError) as refused:
        services.assign_code(by=salesperson, customer_id=customer.pk)
    assert refused.value.code == CustomerError.PERMISSION_DENIED


# --- Updates, versions and history (动态管理, seed 001 原则) -------------------------------------
def test_update_records_the_changes_and_bumps_the_version(salesperson, make_customer):
    customer = make_customer(salesperson, name="华夏科技有限公司", phone="010-1234")
    before = last_seq()
    result = services.update_customer(
        by=salesperson,
        customer_id=customer.pk,
        expected_version=1,
        data={"phone": "010-88886666", "legal_rep": "王建国", "address": ""},
    )
    assert result.changes == {"phone": ["010-1234", "010-88886666"], "legal_rep": ["", "王建国"]}
    customer.refresh_from_db()
    assert (customer.version, customer.phone, customer.legal_rep) == (2, "010-88886666", "王建国")
    assert customer.updated_by == salesperson
    assert customer.history.count() == 2
    assert customer.history.first().history_user == salesperson
    # exactly one audit event, carrying the changes and the version
    assert events_after(before) == ["customer.update"]
    event = AuditEvent.objects.get(seq__gt=before)
    assert event.object_id == str(customer.pk)
    assert event.data["changes"]["legal_rep"] == ["", "王建国"]
    assert event.data["version"] == 2


def test_an_update_without_changes_writes_nothing(salesperson, make_customer):
    customer = make_customer(salesperson, name="华夏科技有限公司", phone="010-1234")
    before = last_seq()
    result = services.update_customer(
        by=salesperson, customer_id=customer.pk, expected_version=1, data={"phone": "010-1234"}
    )
    assert result.changes == {}
    customer.refresh_from_db()
    assert customer.version == 1
    assert events_after(before) == []


def test_a_stale_update_is_refused_naming_who_changed_it(salesperson, manager, make_customer):
    # given the salesperson opened version 1, and then the manager (李四) saved it
    customer = make_customer(salesperson, name="华夏科技有限公司")
    services.update_customer(by=manager, customer_id=customer.pk, expected_version=1, data={"phone": "010-1"})
    # when the salesperson saves on top of version 1
    with pytest.raises(DomainError) as refused:
        services.update_customer(
            by=salesperson, customer_id=customer.pk, expected_version=1, data={"phone": "010-2"}
        )
    # then it is refused and says who got there first; the manager's value stays
    assert refused.value.code == CustomerError.STALE
    assert refused.value.params["changed_by"] == "李四"
    assert "李四" in refused.value.message
    customer.refresh_from_db()
    assert (customer.phone, customer.version) == ("010-1", 2)


def test_an_update_of_an_invisible_file_is_refused_as_not_found(
    salesperson, other_salesperson, make_customer
):
    theirs = make_customer(other_salesperson, name="长江实业有限公司")
    with pytest.raises(Http404):
        services.update_customer(
            by=salesperson, customer_id=theirs.pk, expected_version=1, data={"phone": "010-1"}
        )
    theirs.refresh_from_db()
    assert theirs.phone == ""


# --- Status (SPEC §8; seed 000 客户信息管理办法 二.8, 三.8) -------------------------------------------------
def test_status_change_keeps_who_when_and_why(manager, salesperson, make_customer):
    customer = make_customer(salesperson, name="华夏科技有限公司")
    before = last_seq()
    changed = services.change_status(
        by=manager, customer_id=customer.pk, to_status="active", reason="首笔订单已签订"
    )
    assert changed.status == "active"
    assert changed.status_changed_at is not None
    row = StatusChange.objects.get(customer=customer)
    assert (row.from_status, row.to_status, row.reason, row.changed_by) == (
        "prospective",
        "active",
        "首笔订单已签订",
        manager,
    )
    assert events_after(before) == ["customer.status"]
    event = AuditEvent.objects.get(seq__gt=before)
    assert event.data == {"from": "prospective", "to": "active"}
    assert event.purpose == "首笔订单已签订"
    assert event.actor == manager
    customer.refresh_from_db()
    assert customer.version == 2


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_status_change_without_a_reason_is_refused(manager, salesperson, make_customer, reason):
    customer = make_customer(salesperson, name="华夏科技有限公司")
    with pytest.raises(DomainError) as refused:
        services.change_status(by=manager, customer_id=customer.pk, to_status="active", reason=reason)
    assert refused.value.code == CustomerError.REASON_REQUIRED
    customer.refresh_from_db()
    assert customer.status == "prospective"
    assert not StatusChange.objects.exists()


# --- Telling the customer that trade stops (004 客户信息管理制度 第十一条2(4)) ----------------------------
@pytest.mark.parametrize("to_status", ["suspended", "past"])
@pytest.mark.parametrize(
    ("via", "on"), [("", dt.date(2026, 3, 1)), ("letter", None), ("pigeon", dt.date(2026, 3, 1))]
)
def test_stopping_trade_without_saying_how_the_customer_was_told_is_refused(
    manager, salesperson, make_customer, to_status, via, on
):
    customer = make_customer(salesperson, name="华夏科技有限公司")
    services.change_status(by=manager, customer_id=customer.pk, to_status="active", reason="首笔订单")
    with pytest.raises(DomainError) as refused:
        services.change_status(
            by=manager,
            customer_id=customer.pk,
            to_status=to_status,
            reason="拒付",
            notified_via=via,
            notified_on=on,
        )
    assert refused.value.code == CustomerError.NOTICE_REQUIRED
    customer.refresh_from_db()
    assert customer.status == "active"


def test_suspending_trade_records_how_and_when_the_customer_was_told(manager, salesperson, make_customer):
    customer = make_customer(salesperson, name="华夏科技有限公司")
    services.change_status(by=manager, customer_id=customer.pk, to_status="active", reason="首笔订单")
    before = last_seq()
    services.change_status(
        by=manager,
        customer_id=customer.pk,
        to_status="suspended",
        reason="票据拒付",
        notified_via="fax",
        notified_on=dt.date(2026, 3, 2),
    )
    row = StatusChange.objects.filter(customer=customer).first()
    assert (row.to_status, row.notified_via, row.notified_on) == ("suspended", "fax", dt.date(2026, 3, 2))
    event = AuditEvent.objects.get(seq__gt=before)
    assert event.data["notified_via"] == "fax" and event.data["notified_on"] == "2026-03-02"


def test_a_prospect_dropped_before_any_trade_needs_no_notice(manager, salesperson, make_customer):
    customer = make_customer(salesperson, name="华夏科技有限公司")
    services.change_status(by=manager, customer_id=customer.pk, to_status="past", reason="未成交")
    assert StatusChange.objects.get(customer=customer).notified_via == ""


@pytest.mark.parametrize(
    ("path", "refused_to"),
    [
        ((), "suspended"),
        (("active",), "prospective"),
        (("active",), "active"),
        (("active", "past"), "suspended"),
    ],
)
def test_a_transition_outside_the_table_is_refused(manager, salesperson, make_customer, path, refused_to):
    customer = make_customer(salesperson, name="华夏科技有限公司")
    for step in path:
        services.change_status(
            by=manager,
            customer_id=customer.pk,
            to_status=step,
            reason="按合同执行",
            notified_via="letter",
            notified_on=dt.date(2026, 3, 1),
        )
    before = last_seq()
    with pytest.raises(DomainError) as refused:
        services.change_status(by=manager, customer_id=customer.pk, to_status=refused_to, reason="测试")
    assert refused.value.code == CustomerError.BAD_TRANSITION
    customer.refresh_from_db()
    assert customer.status == (path[-1] if path else "prospective")
    assert StatusChange.objects.count() == len(path)
    assert events_after(before) == []


# --- Children: contacts, bank accounts, shareholders, managers, related companies ----------------
def test_children_are_added_changed_and_deleted_with_history(salesperson, make_customer):
    # given a file with one contact
    customer = make_customer(
        salesperson,
        name="华夏科技有限公司",
        children={"contacts": [{"name": "王经理", "mobile": "13800000001"}]},
    )
    contact = customer.contacts.get()
    # when the salesperson changes the contact and adds one of each other kind
    before = last_seq()
    services.update_customer(
        by=salesperson,
        customer_id=customer.pk,
        expected_version=1,
        data={},
        children={
            "contacts": [{"id": contact.pk, "name": "王经理", "mobile": "13900000002"}],
            "bank_accounts": [
                {
                    "bank_name": "中国工商银行北京分行",
                    "account_no": "0200001234567890123",
                    "is_settlement": True,
                }
            ],
            "shareholders": [{"name": "华夏控股集团", "kind": "company", "share_pct": Decimal("60.00")}],
            "managers": [{"name": "刘强", "position": "总经理", "age": 45}],
            "related_companies": [
                {"name": "华夏物流有限公司", "relation": "subsidiary", "credit_code": make_credit_code()}
            ],
        },
    )
    # then every child is stored and the file's version moves on with one audit event
    customer.refresh_from_db()
    assert customer.version == 2
    assert Contact.objects.get(pk=contact.pk).mobile == "13900000002"
    assert BankAccount.objects.get(customer=customer).bank_name == "中国工商银行北京分行"
    assert Shareholder.objects.get(customer=customer).share_pct == Decimal("60.00")
    assert Manager.objects.get(customer=customer).age == 45
    assert RelatedCompany.objects.get(customer=customer).relation == "subsidiary"
    assert events_after(before) == ["customer.update"]
    summary = AuditEvent.objects.get(seq__gt=before).data["children"]
    assert summary["contacts"] == {"added": 0, "changed": 1, "deleted": 0}
    assert summary["bank_accounts"] == {"added": 1, "changed": 0, "deleted": 0}
    # when the contact is deleted
    services.update_customer(
        by=salesperson,
        customer_id=customer.pk,
        expected_version=2,
        data={},
        children={"contacts": [{"id": contact.pk, "DELETE": True}]},
    )
    # then it is gone but its history is kept: created, changed, deleted — each by the salesperson
    assert not Contact.objects.filter(pk=contact.pk).exists()
    history = Contact.history.filter(id=contact.pk).order_by("history_date", "history_id")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert [h.mobile for h in history] == ["13800000001", "13900000002", "13900000002"]
    assert {h.history_user for h in history} == {salesperson}


def test_blank_child_rows_are_ignored(salesperson, make_customer):
    customer = make_customer(
        salesperson,
        name="华夏科技有限公司",
        children={"contacts": [{"name": "", "phone": "", "is_primary": False}]},
    )
    assert not customer.contacts.exists()


def test_a_child_row_of_another_file_is_not_touched(salesperson, make_customer):
    a = make_customer(salesperson, name="华夏科技有限公司", children={"contacts": [{"name": "王经理"}]})
    b = make_customer(salesperson, name="长城贸易有限公司")
    theirs = a.contacts.get()
    services.update_customer(
        by=salesperson,
        customer_id=b.pk,
        expected_version=1,
        data={},
        children={"contacts": [{"id": theirs.pk, "DELETE": True}]},
    )
    assert Contact.objects.filter(pk=theirs.pk, customer=a).exists()


def test_an_invalid_child_saves_nothing(salesperson, make_customer):
    # given a file with a phone number
    customer = make_customer(salesperson, name="华夏科技有限公司", phone="010-1234")
    before = last_seq()
    # when an edit changes the phone, adds a contact and a shareholder holding 150 %
    with pytest.raises(DomainError) as refused:
        services.update_customer(
            by=salesperson,
            customer_id=customer.pk,
            expected_version=1,
            data={"phone": "010-9999"},
            children={
                "contacts": [{"name": "王经理"}],
                "shareholders": [{"name": "李雷", "kind": "person", "share_pct": Decimal("150")}],
            },
        )
    # then it is refused naming the field, and nothing at all was saved
    assert refused.value.code == CustomerError.INVALID
    assert "share_pct" in refused.value.params["errors"]
    customer.refresh_from_db()
    assert (customer.phone, customer.version) == ("010-1234", 1)
    assert not customer.contacts.exists()
    assert not customer.shareholders.exists()
    assert customer.history.count() == 1
    assert events_after(before) == []


# --- Field validation and stored text ----------------------------------------------------------
def test_negative_registered_capital_is_refused(salesperson, make_customer):
    with pytest.raises(DomainError) as refused:
        make_customer(salesperson, name="华夏科技有限公司", registered_capital=Decimal("-1.00"))
    assert refused.value.code == CustomerError.INVALID
    assert "registered_capital" in refused.value.params["errors"]
    assert not Customer.objects.exists()


def test_an_invalid_credit_code_is_refused(salesperson, make_customer):
    with pytest.raises(DomainError) as refused:
        make_customer(salesperson, name="华夏科技有限公司", credit_code="91350100M000100Y44")
    assert refused.value.code == CustomerError.INVALID
    assert "credit_code" in refused.value.params["errors"]


def test_credit_code_is_stored_normalised(salesperson, make_customer):
    customer = make_customer(
        salesperson, name="华夏科技有限公司", credit_code="９１３５０１００ｍ０００１００ｙ４３"
    )
    customer.refresh_from_db()
    assert customer.credit_code == "91350100M000100Y43"


def test_markup_in_text_fields_is_stored_verbatim(salesperson, make_customer):
    # escaping is the template's job; the file keeps exactly what was typed
    script = '<script>alert("信档")</script>'
    customer = make_customer(
        salesperson,
        name="华夏<b>科技</b>有限公司",
        notes=script,
        children={"contacts": [{"name": "王<i>经理</i>", "notes": script}]},
    )
    customer.refresh_from_db()
    assert customer.name == "华夏<b>科技</b>有限公司"
    assert customer.notes == script
    assert customer.contacts.get().notes == script


def test_search_fields_follow_the_name(salesperson, make_customer):
    customer = make_customer(salesperson, name="华夏科技有限公司")
    services.update_customer(
        by=salesperson,
        customer_id=customer.pk,
        expected_version=1,
        data={"name": "重庆长安汽车股份有限公司"},
        confirm_similar=True,
    )
    customer.refresh_from_db()
    assert (customer.name_initials, customer.name_core) == ("cqcaqcgfyxgs", "重庆长安汽车")
    assert "hxkj" not in customer.search_text


# --- Audit: every write has exactly its event ----------------------------------------------------
def test_create_writes_exactly_one_event(salesperson, make_customer):
    before = last_seq()
    customer = make_customer(
        salesperson, name="华夏科技有限公司", children={"contacts": [{"name": "王经理"}]}
    )
    assert events_after(before) == ["customer.create"]
    event = AuditEvent.objects.get(seq__gt=before)
    assert (event.actor, event.object_type, event.object_id) == (
        salesperson,
        "customers.customer",
        str(customer.pk),
    )
    assert event.data["file_no"] == customer.file_no
    assert event.data["children"] == {"contacts": {"added": 1, "changed": 0, "deleted": 0}}


def test_refused_writes_leave_no_event(salesperson, make_customer):
    before = last_seq()
    with pytest.raises(DomainError):
        make_customer(salesperson, name="华夏科技有限公司", registered_capital=Decimal("-5"))
    assert events_after(before) == []


# --- Who may file for whom ----------------------------------------------------------------------
def test_a_salesperson_cannot_file_for_another_department(salesperson, dept_xs2, make_customer):
    with pytest.raises(DomainError) as refused:
        make_customer(salesperson, name="华夏科技有限公司", department=dept_xs2)
    assert refused.value.code == CustomerError.NO_DEPARTMENT
    assert not Customer.objects.exists()


def test_a_salesperson_cannot_file_for_another_owner(salesperson, dept_xs1, make_customer):
    colleague = make_user("qianjiu", Role.SALESPERSON, department=dept_xs1, display_name="钱九")
    with pytest.raises(DomainError) as refused:
        make_customer(colleague, name="华夏科技有限公司", by=salesperson)
    assert refused.value.code == CustomerError.OWNER_NOT_ALLOWED
    assert not Customer.objects.exists()


def test_a_salesperson_cannot_hand_a_file_to_someone_else(salesperson, dept_xs1, make_customer):
    colleague = make_user("qianjiu", Role.SALESPERSON, department=dept_xs1, display_name="钱九")
    customer = make_customer(salesperson, name="华夏科技有限公司")
    with pytest.raises(DomainError) as refused:
        services.update_customer(
            by=salesperson, customer_id=customer.pk, expected_version=1, data={"owner": colleague}
        )
    assert refused.value.code == CustomerError.OWNER_NOT_ALLOWED
    customer.refresh_from_db()
    assert customer.owner == salesperson


def test_a_department_manager_assigns_files_within_the_department(manager, salesperson, make_customer):
    customer = make_customer(salesperson, name="华夏科技有限公司", by=manager)
    assert (customer.owner, customer.created_by) == (salesperson, manager)


def test_a_department_manager_cannot_assign_outside_the_department(
    manager, other_salesperson, dept_xs1, make_customer
):
    with pytest.raises(DomainError) as refused:
        make_customer(other_salesperson, name="华夏科技有限公司", by=manager, department=dept_xs1)
    assert refused.value.code == CustomerError.OWNER_NOT_ALLOWED


def test_a_credit_manager_files_for_any_department(credit_manager, other_salesperson, make_customer):
    customer = make_customer(other_salesperson, name="华夏科技有限公司", by=credit_manager)
    assert customer.file_no.startswith("XS2-")

"""Loans, returns, loss reports and transfers through the services: the rules hold, refusals carry
their codes, every write is audited."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage

from xindang.accounts.roles import Role
from xindang.approvals.demo import approve_through
from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.lifecycle import selectors, services
from xindang.lifecycle.errors import LifecycleError
from xindang.lifecycle.models import IncidentKind, IncidentStatus, LoanItem, ReturnCondition, TransferStage

pytestmark = pytest.mark.django_db


def _code(exc_info) -> str:
    return exc_info.value.code


# --- Loans ------------------------------------------------------------------------------------------
def test_lend_records_the_slip_and_an_audit_event(
    lend, customer, salesperson, archivist, file_document, today
):
    doc = file_document(salesperson, customer)
    loan = lend(customer, salesperson, documents=[doc], slip_no="JY-001")
    assert loan.items.get().document == doc
    assert loan.lent_by == archivist and loan.is_open
    event = AuditEvent.objects.get(action="lifecycle.loan", object_id=str(loan.pk))
    assert event.data["documents"] == [doc.pk] and event.data["borrower"] == salesperson.pk
    assert selectors.open_document_ids(customer) == {doc.pk}


def test_a_document_lent_already_cannot_be_lent_again(lend, customer, salesperson, manager, file_document):
    doc, other = file_document(salesperson, customer), file_document(salesperson, customer)
    first = lend(customer, salesperson, documents=[doc])
    with pytest.raises(DomainError) as exc:
        lend(customer, manager, documents=[other, doc])
    assert _code(exc) == LifecycleError.ALREADY_LENT
    assert exc.value.status == 409
    assert first.number in exc.value.message
    lend(customer, manager, documents=[other])  # the other one is free


def test_the_whole_file_conflicts_both_ways(lend, customer, salesperson, manager, file_document):
    doc = file_document(salesperson, customer)
    lend(customer, salesperson, whole_file=True)
    with pytest.raises(DomainError) as exc:
        lend(customer, manager, documents=[doc])
    assert _code(exc) == LifecycleError.ALREADY_LENT


def test_a_document_is_free_again_once_returned(
    lend, customer, salesperson, manager, archivist, file_document, today
):
    doc = file_document(salesperson, customer)
    loan = lend(customer, salesperson, documents=[doc])
    services.record_return(by=archivist, loan=loan, returned_on=today, condition=ReturnCondition.INTACT)
    assert LoanItem.objects.get(loan=loan).open_key is None
    again = lend(customer, manager, documents=[doc])
    assert again.is_open
    assert AuditEvent.objects.filter(action="lifecycle.return", object_id=str(loan.pk)).exists()


def test_the_database_refuses_a_second_open_item_of_a_document(lend, customer, salesperson, file_document):
    from django.db import IntegrityError, transaction

    doc = file_document(salesperson, customer)
    loan = lend(customer, salesperson, documents=[doc])
    with pytest.raises(IntegrityError), transaction.atomic():
        LoanItem.objects.create(loan=loan, document=doc, open_key=f"doc:{doc.pk}")


def test_due_date_before_lending_is_refused(lend, customer, salesperson, today):
    with pytest.raises(DomainError) as exc:
        lend(customer, salesperson, whole_file=True, due_on=today - timedelta(days=1))
    assert _code(exc) == LifecycleError.DUE_BEFORE_LENT
    assert exc.value.field == "due_on"


def test_lending_ahead_of_the_day_is_refused(lend, customer, salesperson, today):
    with pytest.raises(DomainError) as exc:
        lend(
            customer,
            salesperson,
            whole_file=True,
            lent_on=today + timedelta(days=1),
            due_on=today + timedelta(days=9),
        )
    assert _code(exc) == LifecycleError.LENT_IN_FUTURE


def test_return_before_lending_is_refused(lend, customer, salesperson, archivist, today):
    loan = lend(customer, salesperson, whole_file=True, lent_on=today - timedelta(days=3))
    with pytest.raises(DomainError) as exc:
        services.record_return(by=archivist, loan=loan, returned_on=today - timedelta(days=4))
    assert _code(exc) == LifecycleError.RETURN_BEFORE_LENT
    loan.refresh_from_db()
    assert loan.is_open


def test_a_loan_is_returned_once(lend, customer, salesperson, archivist, today):
    loan = lend(customer, salesperson, whole_file=True)
    services.record_return(by=archivist, loan=loan, returned_on=today, condition=ReturnCondition.DAMAGED)
    with pytest.raises(DomainError) as exc:
        services.record_return(by=archivist, loan=loan, returned_on=today)
    assert _code(exc) == LifecycleError.ALREADY_RETURNED


def test_nothing_to_lend_and_documents_of_another_file(
    lend, make_customer, customer, salesperson, file_document
):
    with pytest.raises(DomainError) as exc:
        lend(customer, salesperson)
    assert _code(exc) == LifecycleError.NOTHING_TO_LEND
    other = make_customer(salesperson, name="长城贸易有限公司")
    foreign = file_document(salesperson, other)
    with pytest.raises(DomainError) as exc:
        lend(customer, salesperson, documents=[foreign])
    assert _code(exc) == LifecycleError.DOCUMENT_NOT_IN_FILE
    electronic = file_document(salesperson, customer, electronic_only=True)
    with pytest.raises(DomainError) as exc:
        lend(customer, salesperson, documents=[electronic])
    assert _code(exc) == LifecycleError.NO_ORIGINAL


@pytest.mark.parametrize("persona", ["salesperson", "manager", "gm"])
def test_only_the_keepers_record_loans(request, persona, lend, customer, salesperson, archivist, today):
    user = request.getfixturevalue(persona)
    with pytest.raises(DomainError) as exc:
        lend(customer, salesperson, whole_file=True, by=user)
    assert _code(exc) == LifecycleError.FORBIDDEN and exc.value.status == 403
    loan = lend(customer, salesperson, whole_file=True)
    with pytest.raises(DomainError) as exc:
        services.record_return(by=user, loan=loan, returned_on=today)
    assert _code(exc) == LifecycleError.FORBIDDEN


def test_credit_manager_records_loans_too(lend, customer, salesperson, credit_manager):
    assert lend(customer, salesperson, whole_file=True, by=credit_manager).lent_by == credit_manager


# --- Loss reports -----------------------------------------------------------------------------------
def test_loss_report_is_approved_along_the_chain_and_kept(
    lend, customer, salesperson, archivist, office_director, gm, file_document, today
):
    doc = file_document(salesperson, customer)
    loan = lend(customer, salesperson, documents=[doc])
    report = services.report_loss(
        by=archivist,
        loan=loan,
        kind=IncidentKind.DAMAGE,
        occurred_on=today,
        description="茶水污损第2页",
        document=doc,
    )
    assert report.status == IncidentStatus.PENDING
    assert report.approval.chain == [Role.OFFICE_DIRECTOR, Role.GENERAL_MANAGER]
    approve_through(
        report.approval, {Role.OFFICE_DIRECTOR.value: office_director, Role.GENERAL_MANAGER.value: gm}
    )
    report.refresh_from_db()
    assert report.status == IncidentStatus.APPROVED
    assert AuditEvent.objects.filter(
        action="lifecycle.loss_report_decided", object_id=str(report.pk)
    ).exists()


def test_loss_report_must_concern_the_loan(lend, customer, salesperson, archivist, file_document, today):
    lent, other = file_document(salesperson, customer), file_document(salesperson, customer)
    loan = lend(customer, salesperson, documents=[lent])
    with pytest.raises(DomainError) as exc:
        services.report_loss(
            by=archivist,
            loan=loan,
            kind=IncidentKind.LOSS,
            occurred_on=today,
            description="遗失",
            document=other,
        )
    assert _code(exc) == LifecycleError.REPORT_DOCUMENT_NOT_LENT
    with pytest.raises(DomainError) as exc:
        services.report_loss(
            by=archivist, loan=loan, kind=IncidentKind.LOSS, occurred_on=today, description=" "
        )
    assert _code(exc) == LifecycleError.DESCRIPTION_REQUIRED


# --- Transfer ---------------------------------------------------------------------------------------
def _age(customer, years: int):
    """Make a file look `years` old: opened and last filed then."""
    from django.utils import timezone

    from xindang.customers.models import Customer
    from xindang.documents.models import Document

    then = timezone.now() - timedelta(days=366 * years)
    Customer.objects.filter(pk=customer.pk).update(created_at=then)
    Document.objects.filter(customer=customer).update(filed_at=then)


def test_the_list_proposes_files_older_than_last_year(
    make_customer, customer, salesperson, credit_manager, today
):
    recent = make_customer(salesperson, name="长城贸易有限公司")
    _age(customer, 3)
    _age(recent, 1)
    transfer_list, added = services.propose_transfer_list(by=credit_manager, year=today.year)
    assert added == 1
    item = transfer_list.items.get()
    assert item.customer == customer and item.stage == TransferStage.PROPOSED
    assert item.file_year == today.year - 3 or item.file_year == today.year - 4
    # proposing again adds nothing new, and an item is never listed twice
    assert services.propose_transfer_list(by=credit_manager, year=today.year)[1] == 0


def _transferred(customer, credit_manager, archivist, today, **kw):
    transfer_list, _added = services.propose_transfer_list(by=credit_manager, year=today.year)
    first = services.record_transfer(
        by=credit_manager,
        transfer_list=transfer_list,
        customer=customer,
        stage=TransferStage.AT_CREDIT_OFFICE,
        acted_on=today,
        **kw,
    )
    return transfer_list, first


def test_transfer_to_credit_office_then_archive_room(
    customer, salesperson, credit_manager, archivist, file_document, today
):
    doc = file_document(salesperson, customer)
    _age(customer, 3)
    transfer_list, first = _transferred(customer, credit_manager, archivist, today, handed_by=salesperson)
    assert first.document_count == 1 and first.handed_over == [{"id": doc.pk, "title": doc.title}]
    assert first.item.archive_due_on == today + timedelta(days=30)
    assert not selectors.is_in_archive_room(customer)
    second = services.record_transfer(
        by=archivist,
        transfer_list=transfer_list,
        customer=customer,
        stage=TransferStage.IN_ARCHIVE_ROOM,
        acted_on=today,
        handed_by=credit_manager,
    )
    assert second.check_result["properties"]["authenticity"]["ok"]
    assert second.check_result["properties"]["security"]["ok"]
    assert second.check_result["properties"]["usability"]["ok"]
    assert selectors.is_in_archive_room(customer)
    assert AuditEvent.objects.filter(action="lifecycle.transfer", object_id=str(customer.pk)).count() == 2


def test_missing_documents_are_recorded_not_dropped(
    customer, salesperson, credit_manager, archivist, file_document, today
):
    kept, lost = (
        file_document(salesperson, customer),
        file_document(salesperson, customer, title="资产负债表2023"),
    )
    _age(customer, 3)
    _list, act = _transferred(
        customer, credit_manager, archivist, today, missing_documents=[lost], missing_note="部门未找到原件"
    )
    assert act.missing == [{"id": lost.pk, "title": "资产负债表2023"}]
    assert act.handed_over == [{"id": kept.pk, "title": kept.title}]
    assert not act.check_ok
    integrity = act.check_result["properties"]["integrity"]["problems"]
    assert {"code": "not_handed_over", "document": "资产负债表2023", "detail": ""} in integrity
    event = AuditEvent.objects.get(action="lifecycle.transfer")
    assert event.data["missing"] == [lost.pk]


def test_an_altered_stored_copy_fails_authenticity(
    customer, salesperson, credit_manager, archivist, file_document, today
):
    doc = file_document(salesperson, customer)
    _age(customer, 3)
    name = doc.current_version.storage_name
    with default_storage.open(name, "wb") as fh:
        fh.write(b"%PDF-1.4\n/JavaScript tampered\n%%EOF\n")
    _list, act = _transferred(customer, credit_manager, archivist, today)
    props = act.check_result["properties"]
    assert [p["code"] for p in props["authenticity"]["problems"]] == ["checksum_mismatch"]
    assert [p["code"] for p in props["security"]["problems"]] == ["active_content"]
    assert not act.check_ok


def test_a_removed_stored_copy_fails_usability(
    customer, salesperson, credit_manager, archivist, file_document, today
):
    doc = file_document(salesperson, customer)
    _age(customer, 3)
    default_storage.delete(doc.current_version.storage_name)
    _list, act = _transferred(customer, credit_manager, archivist, today)
    assert [p["code"] for p in act.check_result["properties"]["usability"]["problems"]] == ["file_missing"]


def test_a_transfer_act_of_a_file_not_on_the_list_is_refused(
    make_customer, customer, salesperson, credit_manager, archivist, today
):
    _age(customer, 3)
    transfer_list, _added = services.propose_transfer_list(by=credit_manager, year=today.year)
    recent = make_customer(salesperson, name="长城贸易有限公司")
    with pytest.raises(DomainError) as exc:
        services.record_transfer(
            by=credit_manager,
            transfer_list=transfer_list,
            customer=recent,
            stage=TransferStage.AT_CREDIT_OFFICE,
            acted_on=today,
        )
    assert _code(exc) == LifecycleError.NOT_ON_LIST


def test_stages_are_not_skipped_nor_repeated(customer, credit_manager, archivist, today):
    _age(customer, 3)
    transfer_list, _added = services.propose_transfer_list(by=credit_manager, year=today.year)
    kw = {"transfer_list": transfer_list, "customer": customer, "acted_on": today}
    with pytest.raises(DomainError) as exc:
        services.record_transfer(by=archivist, stage=TransferStage.IN_ARCHIVE_ROOM, **kw)
    assert _code(exc) == LifecycleError.WRONG_STAGE and exc.value.status == 409
    services.record_transfer(by=credit_manager, stage=TransferStage.AT_CREDIT_OFFICE, **kw)
    with pytest.raises(DomainError) as exc:
        services.record_transfer(by=credit_manager, stage=TransferStage.AT_CREDIT_OFFICE, **kw)
    assert _code(exc) == LifecycleError.WRONG_STAGE


@pytest.mark.parametrize("persona", ["salesperson", "manager", "gm"])
def test_only_the_keepers_record_transfers(request, persona, customer, credit_manager, today):
    user = request.getfixturevalue(persona)
    with pytest.raises(DomainError) as exc:
        services.propose_transfer_list(by=user, year=today.year)
    assert _code(exc) == LifecycleError.FORBIDDEN
    _age(customer, 3)
    transfer_list, _added = services.propose_transfer_list(by=credit_manager, year=today.year)
    with pytest.raises(DomainError) as exc:
        services.record_transfer(
            by=user,
            transfer_list=transfer_list,
            customer=customer,
            stage=TransferStage.AT_CREDIT_OFFICE,
            acted_on=today,
        )
    assert _code(exc) == LifecycleError.FORBIDDEN


def test_an_archived_file_goes_out_only_on_a_director_signed_slip(
    lend, customer, salesperson, credit_manager, archivist, office_director, manager, today
):
    _age(customer, 3)
    transfer_list, _first = _transferred(customer, credit_manager, archivist, today)
    services.record_transfer(
        by=archivist,
        transfer_list=transfer_list,
        customer=customer,
        stage=TransferStage.IN_ARCHIVE_ROOM,
        acted_on=today,
    )
    with pytest.raises(DomainError) as exc:
        lend(customer, salesperson, whole_file=True)
    assert _code(exc) == LifecycleError.SLIP_SIGNATURE_REQUIRED
    with pytest.raises(DomainError) as exc:
        lend(customer, salesperson, whole_file=True, slip_signed_by=manager)
    assert _code(exc) == LifecycleError.SIGNER_NOT_DIRECTOR
    assert (
        lend(customer, salesperson, whole_file=True, slip_signed_by=office_director).slip_signed_by
        == office_director
    )


def test_the_approval_title_is_rendered_in_the_readers_language(
    lend, customer, salesperson, archivist, today
):
    from django.utils import translation

    from xindang.approvals.registry import render_text

    loan = lend(customer, salesperson, whole_file=True)
    report = services.report_loss(
        by=archivist, loan=loan, kind=IncidentKind.THEFT, occurred_on=today, description="办公室失窃"
    )
    with translation.override("zh-hans"):
        assert render_text(report.approval, "title", "") == f"失窃 · {customer.name} · {loan.number}"
    with translation.override("en"):
        assert render_text(report.approval, "title", "").startswith("Theft · ")


def test_demo_step_records_loans_through_the_services(customer, salesperson, archivist, manager, today):
    import random

    from xindang.core.demo import DemoContext
    from xindang.lifecycle.demo import seed_lifecycle
    from xindang.lifecycle.models import Loan

    ctx = DemoContext(
        customers=[customer],
        users={"sunqi": archivist, "zhangsan": salesperson, "lisi": manager},
        departments={},
        today=today,
        rng=random.Random(1),
    )
    seed_lifecycle(ctx)
    # the three plans share one file: the first is returned, the second goes out, the third finds it out
    assert Loan.objects.count() == 2
    assert Loan.objects.filter(returned_on__isnull=False).count() == 1
    assert AuditEvent.objects.filter(action="lifecycle.loan").count() == 2


def test_the_borrower_does_not_sign_their_own_slip(lend, customer, office_director):
    with pytest.raises(DomainError) as exc:
        lend(customer, office_director, whole_file=True, slip_signed_by=office_director)
    assert _code(exc) == LifecycleError.SIGNER_IS_BORROWER


def test_department_manager_is_told_to_hand_files_over(
    customer, manager, credit_manager, other_salesperson, today
):
    from xindang.lifecycle.selectors import workbench_items

    _age(customer, 3)
    services.propose_transfer_list(by=credit_manager, year=today.year)
    items = [i for i in workbench_items(manager) if i.kind == "lifecycle.transfer_to_credit_office"]
    assert len(items) == 1 and items[0].rule == "000 4.3" and "?stage=proposed" in items[0].url
    assert workbench_items(other_salesperson) == []
    transfer_list = customer.transfer_items.get().transfer_list
    services.record_transfer(
        by=credit_manager,
        transfer_list=transfer_list,
        customer=customer,
        stage=TransferStage.AT_CREDIT_OFFICE,
        acted_on=today,
    )
    assert [i for i in workbench_items(manager) if i.kind == "lifecycle.transfer_to_credit_office"] == []
    due = [i for i in workbench_items(credit_manager) if i.kind == "lifecycle.transfer_due"]
    assert len(due) == 0  # due in 30 days: not yet within the week's horizon


def test_a_file_kept_at_the_credit_office_past_a_month_is_overdue_for_the_keepers(
    customer, credit_manager, archivist, salesperson, today
):
    from xindang.lifecycle.selectors import workbench_items

    _age(customer, 3)
    transfer_list, _added = services.propose_transfer_list(by=credit_manager, year=today.year)
    services.record_transfer(
        by=credit_manager,
        transfer_list=transfer_list,
        customer=customer,
        stage=TransferStage.AT_CREDIT_OFFICE,
        acted_on=today - timedelta(days=40),
    )
    due = [i for i in workbench_items(archivist) if i.kind == "lifecycle.transfer_due"]
    assert len(due) == 1 and due[0].overdue and due[0].due == today - timedelta(days=10)
    assert due[0].rule == "000 4.3"
    assert workbench_items(salesperson) == []


def test_an_altered_audit_event_of_a_document_fails_authenticity(
    customer, salesperson, credit_manager, archivist, file_document, today
):
    doc = file_document(salesperson, customer)
    _age(customer, 3)
    # a row changed behind the application's back (on PostgreSQL/MariaDB a trigger refuses this)
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the database refuses changes of audit rows")
    AuditEvent.objects.filter(object_type="documents.document", object_id=str(doc.pk)).update(
        object_repr="改过的标题"
    )
    _list, act = _transferred(customer, credit_manager, archivist, today)
    problems = act.check_result["properties"]["authenticity"]["problems"]
    assert [p["code"] for p in problems] == ["audit_chain_broken"]

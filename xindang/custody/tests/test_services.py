"""Asking for and deciding lookup requests (seed 000 4.5; 001 档案管理制度及流程2 1.5; 001 客户档案管理制度
及操作细则 六 2): purpose required, the chain by level, department and archive, four eyes, the right
department manager, and what an approved request opens."""

import pytest

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.custody import archived
from xindang.custody.models import LookupStatus
from xindang.customers.selectors import can_see_customer
from xindang.documents.selectors import can_read, visible_documents

from .conftest import approve

pytestmark = pytest.mark.django_db


def test_a_request_without_a_purpose_is_refused(other_salesperson, customer, docs, ask):
    with pytest.raises(DomainError) as exc:
        ask(other_salesperson, customer, [docs["contract"]], purpose="   ")
    assert exc.value.code == "custody.no_purpose"
    assert exc.value.field == "purpose"


def test_a_document_of_another_file_cannot_be_asked_for(
    other_salesperson, customer, make_customer, colleague, credit_manager, file_doc, ask
):
    elsewhere = file_doc(credit_manager, make_customer(colleague, name="长城贸易有限公司"), 3)
    with pytest.raises(DomainError) as exc:
        ask(other_salesperson, customer, [elsewhere])
    assert exc.value.code == "custody.foreign_document"


def test_a_reader_with_standing_access_needs_no_request(salesperson, customer, docs, ask):
    with pytest.raises(DomainError) as exc:
        ask(salesperson, customer, [docs["licence"]])  # the owner reads level 3 of their own file
    assert exc.value.code == "custody.not_needed"


@pytest.mark.parametrize(
    ("reader", "doc", "chain"),
    [
        ("colleague", "licence", ["department_manager"]),  # 1.5.3
        ("colleague", "statement", ["archive_leader"]),  # 1.5.2
        ("colleague", "contract", ["general_manager"]),  # 1.5.1
        ("other_salesperson", "licence", ["department_manager", "archive_leader", "general_manager"]),
        ("other_salesperson", "contract", ["archive_leader", "general_manager"]),  # 六 2: the GM always
    ],
)
def test_the_chain_follows_the_highest_level_and_the_readers_department(
    request, reader, doc, chain, customer, docs, ask
):
    lookup = ask(request.getfixturevalue(reader), customer, [docs[doc]])
    assert lookup.approval.chain == chain
    assert lookup.status == LookupStatus.PENDING
    event = AuditEvent.objects.get(action="lookup.request")
    assert event.purpose == "签订新合同前核对资信" and event.data["chain"] == chain


def test_an_archived_file_is_signed_by_the_office_director_first(colleague, customer, docs, ask):
    check = lambda c: c.pk == customer.pk  # noqa: E731
    archived.register_archived_check(check)
    try:
        lookup = ask(colleague, customer, [docs["licence"]])
    finally:
        archived.unregister_archived_check(check)
    assert lookup.archived and lookup.approval.chain == ["office_director", "department_manager"]


def test_nobody_approves_their_own_request(dept_xs2, customer, docs, ask, gm):
    from conftest import make_user
    from xindang.accounts.roles import Role
    from xindang.approvals.services import approve_step

    leader = make_user("gaolead", Role.SALESPERSON, Role.ARCHIVE_LEADER, department=dept_xs2)
    lookup = ask(leader, customer, [docs["contract"]])
    with pytest.raises(DomainError) as exc:
        approve_step(approval=lookup.approval, approver=leader)
    assert exc.value.code == "approval.self_approval"
    lookup.refresh_from_db()
    assert lookup.status == LookupStatus.PENDING


def test_the_department_manager_step_is_signed_by_the_readers_manager(
    colleague, customer, docs, ask, other_manager, manager
):
    lookup = ask(colleague, customer, [docs["licence"]])
    with pytest.raises(DomainError) as exc:
        approve(lookup, other_manager)
    assert exc.value.code == "custody.wrong_manager"
    lookup.refresh_from_db()
    assert lookup.status == LookupStatus.PENDING
    assert approve(lookup, manager).status == LookupStatus.APPROVED


def test_an_approved_request_opens_exactly_its_documents_to_its_reader(
    other_salesperson, colleague, customer, docs, ask, archive_leader, gm
):
    assert not can_see_customer(other_salesperson, customer)
    lookup = approve(ask(other_salesperson, customer, [docs["contract"]]), archive_leader, gm)
    assert lookup.status == LookupStatus.APPROVED
    assert AuditEvent.objects.filter(action="lookup.approve", object_id=str(lookup.pk)).exists()
    # the file's header and the documents asked for, not its other sections (contracts, ledger, credit)
    assert not can_see_customer(other_salesperson, customer)
    assert can_see_customer(other_salesperson, customer, scope="documents")
    assert not can_see_customer(other_salesperson, customer, scope="relations")
    assert list(visible_documents(other_salesperson, customer)) == [docs["contract"]]
    # the level-3 licence is not opened by the file becoming visible: exactly what was asked
    assert not can_read(other_salesperson, docs["licence"])
    assert not can_see_customer(colleague, customer)  # nobody else


def test_a_whole_file_request_opens_every_document(
    other_salesperson, customer, docs, ask, manager, archive_leader, gm
):
    from conftest import make_user
    from xindang.accounts.roles import Role

    xs2_manager = make_user("xs2mgr", Role.DEPARTMENT_MANAGER, department=other_salesperson.department)
    lookup = ask(other_salesperson, customer, whole_file=True)
    assert lookup.highest_level == 1
    approve(lookup, archive_leader, gm)
    assert can_see_customer(other_salesperson, customer)  # the whole file: every section
    assert set(visible_documents(other_salesperson, customer)) == set(docs.values())
    assert xs2_manager.pk  # unused signer: the chain of a level-1 request has no department step


def test_a_rejected_request_opens_nothing(other_salesperson, customer, docs, ask, archive_leader):
    from xindang.approvals.services import reject

    lookup = ask(other_salesperson, customer, [docs["contract"]])
    reject(approval=lookup.approval, approver=archive_leader, reason="用途不明")
    lookup.refresh_from_db()
    assert lookup.status == LookupStatus.REJECTED
    assert not can_see_customer(other_salesperson, customer)


def test_a_request_closes_by_itself_after_its_return_date(
    other_salesperson, customer, docs, ask, archive_leader, gm, time_machine
):
    from datetime import timedelta

    from django.utils import timezone

    lookup = approve(ask(other_salesperson, customer, [docs["contract"]], days=3), archive_leader, gm)
    assert can_read(other_salesperson, docs["contract"])
    time_machine.move_to(timezone.now() + timedelta(days=3), tick=False)
    assert not can_see_customer(other_salesperson, customer)
    assert not can_read(other_salesperson, docs["contract"])
    assert lookup.pk


def test_a_filer_keeps_reading_what_they_filed(salesperson, customer, file_doc, sysadmin):
    from xindang.testing.samples import set_policy

    mine = file_doc(salesperson, customer, 1, title="购销合同")
    assert can_read(salesperson, mine)
    set_policy(sysadmin, "custody", filer_keeps_access=False)
    assert not can_read(salesperson, mine)  # the standing clearance of a salesperson stops at level 3


def test_chain_roles_see_the_files_they_decide_on(
    marketing_manager, customer, make_customer, colleague, manager, sysadmin
):
    from xindang.approvals.registry import register, unregister
    from xindang.approvals.services import submit_request
    from xindang.customers.selectors import visible_customers
    from xindang.testing.samples import set_policy

    other = make_customer(colleague, name="长城贸易有限公司")
    # 001 六 2: by default only what they sign for
    assert not visible_customers(marketing_manager).exists()
    register("zz.test", on_approved=None)
    try:
        submit_request(
            kind="zz.test", obj=customer, chain=["marketing_manager"], requested_by=manager, title="授信"
        )
    finally:
        unregister("zz.test")
    assert list(visible_customers(marketing_manager)) == [customer]
    set_policy(sysadmin, "custody", wide_standing_roles=["marketing_manager"])
    assert set(visible_customers(marketing_manager)) == {customer, other}


def test_separation_of_duties_keeps_the_administrator_out_of_the_audit_log(
    sysadmin, auditor, security_officer
):
    """三员分立 (GB/T 39784): the administrator manages users and settings, the auditor reads the audit
    log, the security officer keeps the access policy; a small company may combine them (a departure)."""
    from xindang.audit.permissions import may_read_audit
    from xindang.customers.selectors import visible_customers
    from xindang.testing.samples import set_policy

    assert not may_read_audit(sysadmin) and may_read_audit(auditor)
    assert not visible_customers(auditor).exists() and not visible_customers(sysadmin).exists()
    assert security_officer.has_perm("policy.change_policyversion")
    assert not security_officer.has_perm("audit.view_auditevent")
    set_policy(security_officer, "custody", combined_admin_duties=True)
    assert may_read_audit(sysadmin)


def test_an_archived_file_is_read_only_through_a_lookup_request(
    salesperson, credit_manager, archivist, customer, docs, ask, office_director, manager
):
    """000 4.5: 移交到档案室归档的客户信用档案的查阅需填写《档案查询单》…办公室主任签字后方可查询."""
    from django.db.models import Q

    check, only_this = lambda c: c.pk == customer.pk, lambda: Q(pk=customer.pk)
    archived.register_archived_check(check, archived_filter=only_this)
    try:
        assert not can_see_customer(salesperson, customer)  # not even its salesperson
        assert not can_see_customer(credit_manager, customer)
        assert can_see_customer(archivist, customer)  # the archive room keeps it
        assert not can_see_customer(office_director, customer, scope="relations")
        lookup = ask(salesperson, customer, [docs["licence"]])
        assert lookup.approval.chain == ["office_director", "department_manager"]
        approve(lookup, office_director, manager)
        assert can_see_customer(salesperson, customer, scope="documents")
        assert can_read(salesperson, docs["licence"])
        assert not can_read(salesperson, docs["contract"])
    finally:
        archived.unregister_archived_check(check, only_this)

"""Contract services: numbering, validation, optimistic locking, status changes and the handover of
the contract file (SPEC §3; seed 001 客户信用档案建立与管理制度 2–3)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.http import Http404

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.contracts import rules, selectors, services
from xindang.contracts.errors import ContractError
from xindang.contracts.models import Contract, ContractEvent, Handover
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

SHANGHAI_NOON = "T04:00:00+00:00"


def _at(time_machine, day: str):
    time_machine.move_to(day + SHANGHAI_NOON, tick=False)


def _sign(contract, by, **kwargs):
    return services.change_contract_status(by=by, contract_id=contract.pk, to_status=rules.SIGNED, **kwargs)


def _step(contract, stage=rules.TO_CREDIT_MANAGER) -> Handover:
    return Handover.objects.filter(contract=contract, stage=stage).latest("id")


# --- Numbering (000 4.2: 公司所有合同都必须按部门编号) ---------------------------------------------
def test_contracts_are_numbered_per_department_and_year(
    make_contract, customer, salesperson, credit_manager, dept_xs2, time_machine
):
    _at(time_machine, "2026-03-02")
    first = make_contract(customer, salesperson)
    second = make_contract(customer, salesperson)
    other_dept = make_contract(customer, credit_manager, department=dept_xs2, handler=salesperson)
    _at(time_machine, "2027-01-04")
    next_year = make_contract(customer, salesperson)

    assert [first.contract_no, second.contract_no] == ["HT-XS1-2026-0001", "HT-XS1-2026-0002"]
    assert other_dept.contract_no == "HT-XS2-2026-0001"
    assert next_year.contract_no == "HT-XS1-2027-0001"


def test_a_failed_save_gives_its_number_back(make_contract, customer, salesperson):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        lost = make_contract(customer, salesperson)
        assert lost.contract_no.endswith("-0001")
        raise Boom

    kept = make_contract(customer, salesperson)
    assert kept.contract_no.endswith("-0001")
    assert Contract.objects.count() == 1


def test_a_refused_contract_uses_no_number(make_contract, customer, salesperson):
    with pytest.raises(DomainError):
        make_contract(customer, salesperson, amount=Decimal("-1"))
    assert make_contract(customer, salesperson).contract_no.endswith("-0001")


def test_the_number_format_is_company_policy(make_contract, customer, salesperson, contracts_policy):
    contracts_policy(contract_no_format="{dept}{year}HT{seq:05d}")
    assert make_contract(customer, salesperson).contract_no.endswith("HT00001")
    assert make_contract(customer, salesperson).contract_no.startswith("XS1")


# --- Creating ---------------------------------------------------------------------------------------
def test_create_stores_the_contract_with_audit_and_history(make_contract, customer, salesperson):
    contract = make_contract(
        customer, salesperson, credit_limit_amount=Decimal("500000"), credit_term_days=60
    )

    contract.refresh_from_db()
    assert contract.status == rules.DRAFT
    assert contract.department == customer.department  # defaults to the file's department
    assert (contract.credit_limit_amount, contract.credit_term_days) == (Decimal("500000.00"), 60)
    assert contract.created_by == salesperson and contract.version == 1
    event = AuditEvent.objects.get(action="contract.create")
    assert event.object_id == str(contract.pk) and event.data["contract_no"] == contract.contract_no
    assert contract.history.count() == 1


@pytest.mark.parametrize(
    "fields,code,field",
    [
        (
            {"starts_on": date(2026, 6, 1), "ends_on": date(2026, 5, 31)},
            ContractError.ENDS_BEFORE_START,
            "ends_on",
        ),
        ({"amount": Decimal("-0.01")}, ContractError.NEGATIVE_AMOUNT, "amount"),
        ({"amount": None}, ContractError.AMOUNT_REQUIRED, "amount"),
        ({"credit_limit_amount": Decimal("-5")}, ContractError.NEGATIVE_AMOUNT, "credit_limit_amount"),
        ({"currency": "XYZ"}, ContractError.UNKNOWN_CURRENCY, "currency"),
        ({"currency": "人民币"}, ContractError.UNKNOWN_CURRENCY, "currency"),
        ({"signed_on": date.today() + timedelta(days=2)}, ContractError.SIGNED_IN_FUTURE, "signed_on"),
        ({"amount": "abc"}, ContractError.INVALID, None),
        ({"title": ""}, ContractError.INVALID, None),
    ],
)
def test_bad_contract_data_is_refused_and_nothing_saved(
    make_contract, customer, salesperson, fields, code, field
):
    with pytest.raises(DomainError) as exc:
        make_contract(customer, salesperson, **fields)
    assert exc.value.code == code
    assert exc.value.field == field
    assert not Contract.objects.exists()
    assert not AuditEvent.objects.filter(action="contract.create").exists()


def test_a_currency_outside_the_policy_list_is_refused(
    make_contract, customer, salesperson, contracts_policy
):
    contracts_policy(currencies=["CNY", "USD"])
    with pytest.raises(DomainError) as exc:
        make_contract(customer, salesperson, currency="EUR")
    assert exc.value.code == ContractError.UNKNOWN_CURRENCY
    assert make_contract(customer, salesperson, currency="USD").currency == "USD"


def test_the_handler_must_be_an_active_user(make_contract, customer, salesperson, manager):
    manager.is_active = False
    manager.save()
    with pytest.raises(DomainError) as exc:
        make_contract(customer, salesperson, handler=manager)
    assert exc.value.code == ContractError.HANDLER_INACTIVE


def test_the_handler_must_be_able_to_see_the_customer_file(
    make_contract, customer, salesperson, other_salesperson
):
    # 王五 of 销售二部 may not open 张三's file, so could never hand its contract file over
    with pytest.raises(DomainError) as exc:
        make_contract(customer, salesperson, handler=other_salesperson)
    assert exc.value.code == ContractError.HANDLER_CANNOT_SEE


def test_a_salesperson_numbers_only_in_their_own_or_the_files_department(
    make_contract, customer, salesperson, dept_xs2
):
    with pytest.raises(DomainError) as exc:
        make_contract(customer, salesperson, department=dept_xs2)
    assert exc.value.code == ContractError.DEPARTMENT_NOT_ALLOWED


def test_an_inactive_department_cannot_number_contracts(make_contract, customer, credit_manager, dept_xs2):
    dept_xs2.is_active = False
    dept_xs2.save()
    with pytest.raises(DomainError) as exc:
        make_contract(customer, credit_manager, department=dept_xs2, handler=credit_manager)
    assert exc.value.code == ContractError.DEPARTMENT_INACTIVE


def test_a_user_who_may_not_see_the_file_cannot_create_a_contract_in_it(
    make_contract, customer, other_salesperson
):
    with pytest.raises(Http404):
        make_contract(customer, other_salesperson)
    assert not Contract.objects.exists()
    assert AuditEvent.objects.filter(action="customer.access_denied", object_id=str(customer.pk)).exists()


# --- Editing ----------------------------------------------------------------------------------------
def test_an_edit_records_what_changed_and_bumps_the_version(contract, salesperson):
    updated = services.update_contract(
        by=salesperson,
        contract_id=contract.pk,
        expected_version=1,
        data={"title": "热轧钢板购销合同（补充）", "amount": "1300000"},
    )
    assert updated.version == 2
    assert updated.amount == Decimal("1300000.00")
    event = AuditEvent.objects.get(action="contract.update")
    assert set(event.data["changes"]) == {"title", "amount"}


def test_an_edit_without_changes_writes_nothing(contract, salesperson):
    services.update_contract(
        by=salesperson, contract_id=contract.pk, expected_version=1, data={"amount": "1250000"}
    )
    assert Contract.objects.get().version == 1
    assert not AuditEvent.objects.filter(action="contract.update").exists()


def test_a_stale_edit_is_refused(contract, salesperson, manager):
    services.update_contract(
        by=manager, contract_id=contract.pk, expected_version=1, data={"title": "经理改过的"}
    )

    with pytest.raises(DomainError) as exc:
        services.update_contract(
            by=salesperson, contract_id=contract.pk, expected_version=1, data={"title": "我的"}
        )
    assert exc.value.code == ContractError.STALE
    assert Contract.objects.get().title == "经理改过的"


def test_an_edit_cannot_make_the_contract_end_before_it_starts(contract, salesperson):
    with pytest.raises(DomainError) as exc:
        services.update_contract(
            by=salesperson, contract_id=contract.pk, expected_version=1, data={"ends_on": date(2025, 12, 1)}
        )
    assert exc.value.code == ContractError.ENDS_BEFORE_START


def test_a_completed_contract_is_closed_for_edits(contract, salesperson):
    _sign(contract, salesperson)
    services.change_contract_status(by=salesperson, contract_id=contract.pk, to_status=rules.COMPLETED)
    with pytest.raises(DomainError) as exc:
        services.update_contract(
            by=salesperson, contract_id=contract.pk, expected_version=3, data={"title": "x"}
        )
    assert exc.value.code == ContractError.CLOSED


def test_an_edit_of_someone_elses_contract_outside_ones_files_is_404(contract, other_salesperson):
    with pytest.raises(Http404):
        services.update_contract(by=other_salesperson, contract_id=contract.pk, expected_version=1, data={})
    assert AuditEvent.objects.filter(action="contract.access_denied", object_id=str(contract.pk)).exists()


# --- Status and procedures --------------------------------------------------------------------------
def test_signing_records_the_procedure_and_opens_the_handover_due_in_30_days(contract, salesperson):
    signed = _sign(contract, salesperson, occurred_on=date(2026, 3, 2))

    assert signed.status == rules.SIGNED and signed.signed_on == date(2026, 3, 2)
    event = ContractEvent.objects.get()
    assert (event.kind, event.from_status, event.to_status) == (rules.SIGNING, rules.DRAFT, rules.SIGNED)
    step = Handover.objects.get()
    assert (step.stage, step.status, step.due_on) == (
        rules.TO_CREDIT_MANAGER,
        rules.PENDING,
        date(2026, 4, 1),
    )
    audit = AuditEvent.objects.get(action="contract.status")
    assert audit.data["handover_due"] == "2026-04-01"


def test_signing_without_a_date_takes_the_signing_date_on_the_contract(make_contract, customer, salesperson):
    contract = make_contract(customer, salesperson, signed_on=date(2026, 2, 10))
    _sign(contract, salesperson)
    assert ContractEvent.objects.get().occurred_on == date(2026, 2, 10)


def test_the_handover_period_is_company_policy(contract, salesperson, contracts_policy):
    contracts_policy(handover_days_to_credit_manager=10)  # 000 第二条(二): 十日内
    _sign(contract, salesperson, occurred_on=date(2026, 3, 2))
    assert Handover.objects.get().due_on == date(2026, 3, 12)


def test_starting_performance_opens_no_handover(contract, salesperson):
    _sign(contract, salesperson)
    services.change_contract_status(by=salesperson, contract_id=contract.pk, to_status=rules.IN_PERFORMANCE)
    assert ContractEvent.objects.count() == 1
    assert Handover.objects.count() == 1


@pytest.mark.parametrize(
    "path,target",
    [
        ([], rules.TERMINATED),  # a draft cannot be terminated
        ([], rules.CHANGED),
        ([], rules.COMPLETED),
        ([rules.SIGNED, rules.COMPLETED], rules.CHANGED),  # completed is final
        ([rules.SIGNED, rules.TERMINATED], rules.IN_PERFORMANCE),
        ([rules.SIGNED], rules.DRAFT),
        ([rules.SIGNED], "lost"),  # not a status at all
    ],
)
def test_status_transitions_that_make_no_sense_are_refused(contract, salesperson, path, target):
    for step in path:
        services.change_contract_status(
            by=salesperson, contract_id=contract.pk, to_status=step, reason="依约"
        )
    before = Contract.objects.get()

    with pytest.raises(DomainError) as exc:
        services.change_contract_status(
            by=salesperson, contract_id=contract.pk, to_status=target, reason="试试"
        )
    assert exc.value.code == ContractError.BAD_TRANSITION
    after = Contract.objects.get()
    assert (after.status, after.version) == (before.status, before.version)


def test_a_draft_can_be_cancelled_with_a_reason_and_keeps_its_number(contract, salesperson):
    # given a draft that will not be signed
    number = contract.contract_no
    # when its handler cancels it without a reason, it is refused and nothing changes
    with pytest.raises(DomainError) as exc:
        services.change_contract_status(
            by=salesperson, contract_id=contract.pk, to_status=rules.CANCELLED, reason=" "
        )
    assert exc.value.code == ContractError.REASON_REQUIRED
    assert Contract.objects.get().status == rules.DRAFT
    # and with a reason it is cancelled: closed, its number kept, no handover opened, audited
    services.change_contract_status(
        by=salesperson, contract_id=contract.pk, to_status=rules.CANCELLED, reason="客户放弃采购"
    )
    after = Contract.objects.get()
    assert (after.status, after.contract_no) == (rules.CANCELLED, number)
    assert not Handover.objects.exists() and not ContractEvent.objects.exists()
    event = AuditEvent.objects.filter(action="contract.status", object_id=str(contract.pk)).get()
    assert event.data["to"] == rules.CANCELLED
    # and a cancelled draft cannot be signed afterwards
    with pytest.raises(DomainError) as exc:
        services.change_contract_status(by=salesperson, contract_id=contract.pk, to_status=rules.SIGNED)
    assert exc.value.code == ContractError.BAD_TRANSITION


@pytest.mark.parametrize("target", [rules.CHANGED, rules.TERMINATED])
def test_change_and_termination_need_a_reason(contract, salesperson, target):
    _sign(contract, salesperson)
    with pytest.raises(DomainError) as exc:
        services.change_contract_status(
            by=salesperson, contract_id=contract.pk, to_status=target, reason="  "
        )
    assert exc.value.code == ContractError.REASON_REQUIRED


def test_every_change_is_a_procedure_with_its_own_handover(contract, salesperson):
    _sign(contract, salesperson, occurred_on=date(2026, 1, 5))
    for reason in ("交货期延后", "单价调整"):
        services.change_contract_status(
            by=salesperson, contract_id=contract.pk, to_status=rules.CHANGED, reason=reason
        )
    services.change_contract_status(
        by=salesperson, contract_id=contract.pk, to_status=rules.TERMINATED, reason="对方违约，协商解除"
    )
    kinds = list(ContractEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [rules.SIGNING, rules.CHANGE, rules.CHANGE, rules.TERMINATION]
    assert Handover.objects.filter(stage=rules.TO_CREDIT_MANAGER).count() == 4


def test_procedure_dates_in_the_future_or_before_signing_are_refused(contract, salesperson):
    with pytest.raises(DomainError) as exc:
        _sign(contract, salesperson, occurred_on=date.today() + timedelta(days=1))
    assert exc.value.code == ContractError.EVENT_IN_FUTURE

    _sign(contract, salesperson, occurred_on=date(2026, 3, 2))
    with pytest.raises(DomainError) as exc:
        services.change_contract_status(
            by=salesperson,
            contract_id=contract.pk,
            to_status=rules.CHANGED,
            reason="改",
            occurred_on=date(2026, 3, 1),
        )
    assert exc.value.code == ContractError.EVENT_BEFORE_SIGNING


def test_a_status_change_from_a_stale_page_is_refused(contract, salesperson, manager):
    services.update_contract(by=manager, contract_id=contract.pk, expected_version=1, data={"notes": "已审"})
    with pytest.raises(DomainError) as exc:
        _sign(contract, salesperson, expected_version=1)
    assert exc.value.code == ContractError.STALE
    assert Contract.objects.get().status == rules.DRAFT


# --- Handover (001 客户信用档案建立与管理制度 3) ------------------------------------------------------------
def test_the_contract_file_goes_from_handler_to_credit_manager_to_archive_room(
    contract, salesperson, credit_manager, archivist, time_machine
):
    _at(time_machine, "2026-03-02")
    _sign(contract, salesperson)
    first = _step(contract)

    # the handler hands the file over…
    _at(time_machine, "2026-03-20")
    services.hand_over(by=salesperson, handover_id=first.pk, note="正本一份、附件三份")
    # …the credit manager receives and checks it, noting what is missing
    _at(time_machine, "2026-03-23")
    services.receive(by=credit_manager, handover_id=first.pk, missing_items="缺对方授权委托书原件")

    first.refresh_from_db()
    assert (first.status, first.handed_by, first.received_by) == (rules.DONE, salesperson, credit_manager)
    assert first.missing_items == "缺对方授权委托书原件"
    # the archive stage is due 30 days after the check (核实后一个月内)
    second = _step(contract, rules.TO_ARCHIVE)
    assert (second.status, second.due_on, second.event_id) == (
        rules.PENDING,
        date(2026, 4, 22),
        first.event_id,
    )

    _at(time_machine, "2026-04-01")
    services.hand_over(by=credit_manager, handover_id=second.pk)
    services.receive(by=archivist, handover_id=second.pk, archive_location="A柜-3盒")

    second.refresh_from_db()
    assert (second.status, second.received_by, second.archive_location) == (rules.DONE, archivist, "A柜-3盒")
    actions = list(
        AuditEvent.objects.filter(action__startswith="contract.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == ["contract.handover", "contract.receive", "contract.handover", "contract.archive"]
    assert selectors.contract_handover_state(Contract.objects.get()) == rules.RECEIVED


def test_the_archive_period_is_company_policy(
    contract, salesperson, credit_manager, contracts_policy, time_machine
):
    contracts_policy(handover_days_to_archive=10)
    _at(time_machine, "2026-03-02")
    _sign(contract, salesperson)
    services.hand_over(by=salesperson, handover_id=_step(contract).pk)
    services.receive(by=credit_manager, handover_id=_step(contract).pk)
    assert _step(contract, rules.TO_ARCHIVE).due_on == date(2026, 3, 12)


def test_only_the_handler_hands_the_file_to_the_credit_manager(contract, salesperson, manager):
    _sign(contract, salesperson)
    with pytest.raises(DomainError) as exc:
        services.hand_over(by=manager, handover_id=_step(contract).pk)
    assert exc.value.code == ContractError.NOT_HANDLER
    assert _step(contract).status == rules.PENDING


def test_a_file_cannot_be_received_before_it_was_handed_over(contract, salesperson, credit_manager):
    _sign(contract, salesperson)
    with pytest.raises(DomainError) as exc:
        services.receive(by=credit_manager, handover_id=_step(contract).pk)
    assert exc.value.code == ContractError.HANDOVER_NOT_HANDED


def test_a_file_is_handed_over_once(contract, salesperson):
    _sign(contract, salesperson)
    services.hand_over(by=salesperson, handover_id=_step(contract).pk)
    with pytest.raises(DomainError) as exc:
        services.hand_over(by=salesperson, handover_id=_step(contract).pk)
    assert exc.value.code == ContractError.HANDOVER_NOT_PENDING


def test_nobody_receives_a_file_they_handed_over_themselves(make_contract, customer, credit_manager):
    contract = make_contract(customer, credit_manager)  # a credit manager handling a contract
    _sign(contract, credit_manager)
    services.hand_over(by=credit_manager, handover_id=_step(contract).pk)
    with pytest.raises(DomainError) as exc:
        services.receive(by=credit_manager, handover_id=_step(contract).pk)
    assert exc.value.code == ContractError.SAME_PERSON


def test_a_handover_of_a_file_one_may_not_see_is_404(contract, salesperson, other_salesperson):
    _sign(contract, salesperson)
    with pytest.raises(Http404):
        services.hand_over(by=other_salesperson, handover_id=_step(contract).pk)


def test_late_handover_is_recorded_as_late(contract, salesperson, time_machine):
    _at(time_machine, "2026-03-02")
    _sign(contract, salesperson)
    _at(time_machine, "2026-04-15")
    services.hand_over(by=salesperson, handover_id=_step(contract).pk)
    assert AuditEvent.objects.get(action="contract.handover").data["late"] is True


# --- Overdue and due-soon lists (workbench) -------------------------------------------------------------
def _kinds(items):
    return sorted((i.overdue, i.title.split(" · ")[0]) for i in items)


def test_overdue_handovers_appear_on_the_handlers_and_credit_managers_lists(
    contract, salesperson, credit_manager, archivist, other_salesperson, time_machine
):
    _at(time_machine, "2026-03-02")
    _sign(contract, salesperson)  # due 2026-04-01

    _at(time_machine, "2026-03-10")
    assert selectors.workbench_items(salesperson) == []  # not yet due soon (7 days)
    _at(time_machine, "2026-03-26")
    [soon] = selectors.workbench_items(salesperson)
    assert not soon.overdue and soon.due == date(2026, 4, 1)
    assert selectors.workbench_items(credit_manager) == []  # not the credit manager's business yet

    _at(time_machine, "2026-04-02")
    assert _kinds(selectors.workbench_items(salesperson)) == [(True, contract.contract_no)]
    assert _kinds(selectors.workbench_items(credit_manager)) == [(True, contract.contract_no)]
    assert selectors.workbench_items(archivist) == []
    assert selectors.workbench_items(other_salesperson) == []


def test_handed_files_wait_on_the_receivers_list(
    contract, salesperson, credit_manager, archivist, time_machine
):
    _at(time_machine, "2026-03-02")
    _sign(contract, salesperson)
    services.hand_over(by=salesperson, handover_id=_step(contract).pk)
    assert selectors.workbench_items(salesperson) == []
    [item] = selectors.workbench_items(credit_manager)
    assert item.url.endswith("#handover")

    services.receive(by=credit_manager, handover_id=_step(contract).pk)  # archive due 2026-04-01
    _at(time_machine, "2026-04-02")
    assert _kinds(selectors.workbench_items(credit_manager)) == [(True, contract.contract_no)]
    services.hand_over(by=credit_manager, handover_id=_step(contract, rules.TO_ARCHIVE).pk)
    assert selectors.workbench_items(credit_manager) == []
    assert _kinds(selectors.workbench_items(archivist)) == [(False, contract.contract_no)]


def test_a_manager_who_is_no_handler_sees_no_handover_duties(contract, salesperson, manager, time_machine):
    _at(time_machine, "2026-03-02")
    _sign(contract, salesperson)
    _at(time_machine, "2026-05-01")
    assert selectors.workbench_items(manager) == []


# --- Policy section -----------------------------------------------------------------------------------
def test_the_contracts_policy_section_has_the_seed_defaults(db):
    section = current_policy().contracts
    assert section.handover_days_to_credit_manager == 30
    assert section.handover_days_to_archive == 30
    assert section.statistics_due_dates == ["01-10", "07-10"]
    assert section.currencies[0] == "CNY"


def test_a_policy_version_put_in_force_sets_the_handover_period(contract, salesperson, sysadmin):
    from xindang.policy import services as policy_services
    from xindang.policy.selectors import section_defaults

    draft = policy_services.create_draft(by=sysadmin, comment="项目部十日内移交")
    values = {**section_defaults("contracts"), "handover_days_to_credit_manager": 10}
    policy_services.update_draft_section(draft_id=draft.pk, section="contracts", values=values, by=sysadmin)
    policy_services.put_in_force(draft_id=draft.pk, by=sysadmin)

    _sign(contract, salesperson, occurred_on=date(2026, 3, 2))
    assert Handover.objects.get().due_on == date(2026, 3, 12)


@pytest.mark.parametrize(
    "values",
    [
        {"contract_no_format": "HT-{year}-{seq:04d}"},  # no department: numbers would collide
        {"statistics_due_dates": ["13-10"]},
        {"currencies": ["RMB1"]},
        {"currencies": []},
        {"handover_days_to_archive": 0},
    ],
)
def test_bad_contract_policy_values_are_refused(sysadmin, values):
    from xindang.policy import services as policy_services
    from xindang.policy.errors import PolicyError
    from xindang.policy.selectors import section_defaults

    draft = policy_services.create_draft(by=sysadmin)
    with pytest.raises(DomainError) as exc:
        policy_services.update_draft_section(
            draft_id=draft.pk,
            section="contracts",
            values={**section_defaults("contracts"), **values},
            by=sysadmin,
        )
    assert exc.value.code == PolicyError.INVALID


def test_roles_get_their_contract_permissions(db, dept_xs1):
    seller = make_user("seller", Role.SALESPERSON, department=dept_xs1)
    keeper = make_user("keeper", Role.ARCHIVIST)
    assert seller.has_perm("contracts.add_contract") and not seller.has_perm("contracts.receive_handover")
    assert keeper.has_perm("contracts.file_to_archive") and not keeper.has_perm("contracts.add_contract")

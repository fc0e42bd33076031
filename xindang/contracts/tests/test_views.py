"""The contract screens through the test client: the customer file's section, create/edit with bad
input, the contract page, status and handover actions, the ledger with filters and export, the
statistics report, the contract's documents."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from openpyxl import load_workbook

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.contracts import rules, services
from xindang.contracts.errors import ContractError
from xindang.contracts.models import Contract, ContractDocument, Handover
from xindang.core.errors import DomainError
from xindang.customers.models import Customer
from xindang.documents.models import DocumentCategory

from .conftest import pdf_upload

NOON = "T04:00:00+00:00"  # 12:00 in Shanghai


def _form(salesperson, **overrides):
    data = {
        "title": "热轧钢板购销合同",
        "kind": "sale",
        "department": salesperson.department_id,
        "handler": salesperson.pk,
        "amount": "1250000",
        "amount_unit": "yuan",
        "currency": "CNY",
        "signed_on": "",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "credit_limit_amount": "",
        "credit_term_days": "",
        "notes": "",
        "version": "",
    }
    data.update(overrides)
    return data


def _login(client, user):
    client.force_login(user)
    return client


def _sign(contract, by, on=date(2026, 3, 2)):
    return services.change_contract_status(
        by=by, contract_id=contract.pk, to_status=rules.SIGNED, occurred_on=on
    )


# --- Navigation and the customer file's section ----------------------------------------------------
def test_the_navigation_shows_contracts_to_those_allowed(client, salesperson, sysadmin):
    assert reverse("contracts:list") in _login(client, salesperson).get(reverse("home")).content.decode()
    assert reverse("contracts:list") not in _login(client, sysadmin).get(reverse("home")).content.decode()


def test_the_customer_section_lists_the_files_contracts(client, salesperson, customer, contract):
    _sign(contract, salesperson, on=None)  # today: the handover is due, not overdue
    response = _login(client, salesperson).get(reverse("contracts:customer_section", args=[customer.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith("<h2>")  # a fragment swapped into the customer page
    assert contract.contract_no in html and "¥1,250,000.00" in html
    assert reverse("contracts:create", args=[customer.pk]) in html
    assert "label warn" in html  # handover due


def test_the_customer_section_of_a_file_one_may_not_see_is_404(client, other_salesperson, customer):
    response = _login(client, other_salesperson).get(
        reverse("contracts:customer_section", args=[customer.pk])
    )
    assert response.status_code == 404


def test_the_customer_section_says_so_to_users_without_contract_permission(client, dept_xs1, make_customer):
    # someone who keeps customer files but has no contract permission (a custom group)
    user = make_user("keeper", department=dept_xs1)
    user.user_permissions.add(Permission.objects.get(codename="view_customer"))
    seller = make_user("seller", Role.SALESPERSON, department=dept_xs1)
    customer = make_customer(seller, by=make_user("boss", Role.CREDIT_MANAGER))
    Customer.objects.filter(pk=customer.pk).update(owner=user)  # a file kept by that user
    response = _login(client, user).get(reverse("contracts:customer_section", args=[customer.pk]))
    assert response.status_code == 200
    assert 'data-testid="customer-contracts"' not in response.content.decode()


def test_the_customer_page_loads_the_contract_section(client, salesperson, customer):
    html = _login(client, salesperson).get(customer.get_absolute_url()).content.decode()
    assert reverse("contracts:customer_section", args=[customer.pk]) in html


# --- Create and edit ----------------------------------------------------------------------------------
def test_a_contract_is_created_through_the_form(client, salesperson, customer):
    response = _login(client, salesperson).post(
        reverse("contracts:create", args=[customer.pk]), _form(salesperson)
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    contract = Contract.objects.get()
    assert response["Location"] == contract.get_absolute_url()
    assert contract.contract_no.startswith("HT-XS1-")
    assert contract.customer == customer and contract.status == rules.DRAFT
    assert AuditEvent.objects.filter(action="contract.create", object_id=str(contract.pk)).exists()


def test_the_amount_may_be_entered_in_wan(client, salesperson, customer):
    _login(client, salesperson).post(
        reverse("contracts:create", args=[customer.pk]), _form(salesperson, amount="125", amount_unit="wan")
    )
    assert Contract.objects.get().amount == Decimal("1250000.00")


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"starts_on": "2026-06-01", "ends_on": "2026-05-31"}, "ends_on"),  # end before start
        ({"amount": "-100"}, "amount"),  # negative amount
        ({"amount": "一百万"}, "amount"),
        ({"currency": "XYZ"}, "currency"),  # unknown currency
        ({"currency": "RMB"}, "currency"),
        ({"title": ""}, "title"),
        ({"kind": "loan"}, "kind"),
        ({"credit_term_days": "-3"}, "credit_term_days"),
        ({"signed_on": "2099-01-01"}, "signed_on"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_saved(
    client, salesperson, customer, overrides, field
):
    response = _login(client, salesperson).post(
        reverse("contracts:create", args=[customer.pk]), _form(salesperson, **overrides)
    )
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not Contract.objects.exists()


def test_a_handler_who_is_not_an_active_user_is_refused(client, salesperson, manager, customer):
    manager.is_active = False
    manager.save()
    response = _login(client, salesperson).post(
        reverse("contracts:create", args=[customer.pk]), _form(salesperson, handler=manager.pk)
    )
    assert response.status_code == 400
    assert response.context["form"].errors.get("handler")
    assert not Contract.objects.exists()


def test_a_handler_who_may_not_see_the_file_is_refused(client, salesperson, other_salesperson, customer):
    response = _login(client, salesperson).post(
        reverse("contracts:create", args=[customer.pk]), _form(salesperson, handler=other_salesperson.pk)
    )
    assert response.status_code == 400
    assert response.context["form"].errors.get("handler")


@pytest.mark.parametrize("method", ["get", "post"])
def test_creating_a_contract_in_a_file_one_may_not_see_is_404(client, other_salesperson, customer, method):
    c = _login(client, other_salesperson)
    response = getattr(c, method)(reverse("contracts:create", args=[customer.pk]), _form(other_salesperson))
    assert response.status_code == 404
    assert not Contract.objects.exists()
    assert AuditEvent.objects.filter(action="customer.access_denied", object_id=str(customer.pk)).exists()


def test_roles_without_the_add_permission_get_403(client, archivist, customer):
    response = _login(client, archivist).get(reverse("contracts:create", args=[customer.pk]))
    assert response.status_code == 403


def test_a_stale_edit_is_refused_with_a_message(client, salesperson, manager, contract):
    services.update_contract(
        by=manager, contract_id=contract.pk, expected_version=1, data={"notes": "经理补充"}
    )
    response = _login(client, salesperson).post(
        reverse("contracts:edit", args=[contract.pk]), _form(salesperson, title="我的修改", version="1")
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert Contract.objects.get().title == "热轧钢板购销合同"


def test_an_edit_saves_and_redirects(client, salesperson, contract):
    response = _login(client, salesperson).post(
        reverse("contracts:edit", args=[contract.pk]),
        _form(salesperson, title="热轧钢板购销合同（2026）", version="1"),
    )
    assert response.status_code == 302
    assert Contract.objects.get().title == "热轧钢板购销合同（2026）"


# --- The contract page, status and handover ---------------------------------------------------------
def test_the_contract_page_is_audited_and_hidden_from_others(
    client, salesperson, other_salesperson, contract
):
    response = _login(client, salesperson).get(contract.get_absolute_url())
    assert response.status_code == 200
    assert contract.contract_no in response.content.decode()
    assert AuditEvent.objects.filter(action="contract.view", object_id=str(contract.pk)).exists()

    response = _login(client, other_salesperson).get(contract.get_absolute_url())
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="contract.access_denied", object_id=str(contract.pk)).exists()


def test_signing_through_the_page_opens_a_handover(client, salesperson, contract):
    response = _login(client, salesperson).post(
        reverse("contracts:status", args=[contract.pk]),
        {"to_status": "signed", "occurred_on": "2026-03-02", "reason": "双方盖章", "version": "1"},
    )
    assert response.status_code == 302
    assert Contract.objects.get().status == rules.SIGNED
    assert Handover.objects.get().due_on == date(2026, 4, 1)
    html = client.get(contract.get_absolute_url()).content.decode()
    assert 'data-testid="hand-over"' in html  # the handler's button


def test_a_draft_is_cancelled_through_the_page(client, salesperson, contract):
    # given a draft: the status form offers cancelling it
    html = _login(client, salesperson).get(contract.get_absolute_url()).content.decode()
    assert 'value="cancelled"' in html
    # when the handler cancels it with a reason
    response = client.post(
        reverse("contracts:status", args=[contract.pk]),
        {"to_status": "cancelled", "reason": "客户放弃采购", "version": "1"},
    )
    # then it is cancelled and no handover is due
    assert response.status_code == 302
    assert Contract.objects.get().status == rules.CANCELLED
    assert not Handover.objects.exists()


def test_the_handler_opens_the_customer_file_of_their_contract(
    client, salesperson, dept_xs1, customer, contract
):
    # given the file of 张三's contract is given to another salesperson of the department
    colleague = make_user("zhaosi", Role.SALESPERSON, department=dept_xs1)
    Customer.objects.filter(pk=customer.pk).update(owner=colleague)
    stranger = make_user("qianwu", Role.SALESPERSON, department=dept_xs1)
    # when 张三, still the contract's handler (承办人), opens the customer file and the contract
    _login(client, salesperson)
    # then both open, and the file lists the contract
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 200
    assert client.get(contract.get_absolute_url()).status_code == 200
    section = client.get(reverse("contracts:customer_section", args=[customer.pk])).content.decode()
    assert contract.contract_no in section
    # and the customer list shows the file once
    html = client.get(reverse("customers:list")).content.decode()
    assert html.count(f">{customer.file_no}</a>") == 1
    # but a salesperson who handles no contract of it still gets a 404
    _login(client, stranger)
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 404


def test_a_nonsense_status_is_refused(client, salesperson, contract):
    response = _login(client, salesperson).post(
        reverse("contracts:status", args=[contract.pk]),
        {"to_status": "terminated", "reason": "不做了", "version": "1"},
    )
    assert response.status_code == 302
    assert Contract.objects.get().status == rules.DRAFT
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages  # the refusal is shown


def test_the_handover_goes_through_the_page(client, salesperson, credit_manager, archivist, contract):
    _sign(contract, salesperson)
    step = Handover.objects.get()
    url_hand = reverse("contracts:handover_hand", args=[step.pk])
    url_receive = reverse("contracts:handover_receive", args=[step.pk])

    assert _login(client, salesperson).post(url_receive).status_code == 403  # not a credit manager
    assert _login(client, salesperson).post(url_hand, {"note": "正本及附件"}).status_code == 302
    assert _login(client, archivist).post(url_receive).status_code == 403  # stage 1 is the credit manager's
    response = _login(client, credit_manager).post(url_receive, {"missing_items": "缺验收记录"})
    assert response.status_code == 302

    step.refresh_from_db()
    assert (step.status, step.received_by, step.missing_items) == (rules.DONE, credit_manager, "缺验收记录")
    archive = Handover.objects.get(stage=rules.TO_ARCHIVE)
    assert (
        _login(client, credit_manager).post(reverse("contracts:handover_hand", args=[archive.pk])).status_code
        == 302
    )
    _login(client, archivist).post(
        reverse("contracts:handover_receive", args=[archive.pk]), {"archive_location": "B柜-12盒"}
    )
    archive.refresh_from_db()
    assert (archive.status, archive.archive_location) == (rules.DONE, "B柜-12盒")


def test_the_handover_list_shows_overdue_files_first(
    client, salesperson, contract, make_contract, customer, time_machine
):
    time_machine.move_to("2026-03-02" + NOON, tick=False)
    _sign(contract, salesperson)
    later = make_contract(customer, salesperson, title="冷轧卷购销合同")
    time_machine.move_to("2026-03-30" + NOON, tick=False)
    _sign(later, salesperson, on=date(2026, 3, 30))
    time_machine.move_to("2026-04-25" + NOON, tick=False)

    html = _login(client, salesperson).get(reverse("contracts:handovers")).content.decode()
    assert html.index(contract.contract_no) < html.index(later.contract_no)
    assert "label bad" in html
    home = client.get(reverse("home")).content.decode()
    assert contract.contract_no in home  # on the workbench too


# --- The ledger (合同管理台帐) ---------------------------------------------------------------------------
@pytest.fixture
def ledger(make_contract, make_customer, salesperson, other_salesperson, credit_manager, customer, dept_xs2):
    other_customer = make_customer(other_salesperson, name="江南机电设备有限公司")
    a = make_contract(customer, salesperson, title="钢板合同", amount=Decimal("1000000"))
    b = make_contract(customer, salesperson, title="框架协议", kind="framework", amount=Decimal("0"))
    c = make_contract(
        other_customer, other_salesperson, title="机电采购合同", kind="purchase", amount=Decimal("50000")
    )
    d = make_contract(customer, salesperson, title="出口合同", amount=Decimal("20000"), currency="USD")
    _sign(a, salesperson, on=date(2026, 2, 10))
    _sign(c, other_salesperson, on=date(2026, 8, 1))
    return {"a": a, "b": b, "c": c, "d": d}


def _rows(response):
    return [c.contract_no for c in response.context["page"].object_list]


def test_the_ledger_lists_only_contracts_of_visible_files(client, salesperson, credit_manager, ledger):
    mine = _rows(_login(client, salesperson).get(reverse("contracts:list")))
    assert sorted(mine) == sorted(ledger[k].contract_no for k in "abd")
    everyone = _rows(_login(client, credit_manager).get(reverse("contracts:list")))
    assert len(everyone) == 4


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"status": "signed"}, "ac"),
        ({"kind": "framework"}, "b"),
        ({"currency": "USD"}, "d"),
        ({"signed_from": "2026-01-01", "signed_to": "2026-06-30"}, "a"),
        ({"amount_min": "20000", "amount_max": "60000"}, "cd"),
        ({"q": "江南"}, "c"),
        ({"q": "jnjd"}, "c"),  # pinyin initials of 江南机电
        ({"q": "框架"}, "b"),
        ({"handover": "open"}, "ac"),
        ({"signed_from": "not-a-date", "amount_min": "abc"}, "abcd"),  # junk is ignored
    ],
)
def test_ledger_filters(client, credit_manager, ledger, params, expected):
    response = _login(client, credit_manager).get(reverse("contracts:list"), params)
    assert sorted(_rows(response)) == sorted(ledger[k].contract_no for k in expected)


def test_ledger_filter_by_department_and_customer(client, credit_manager, ledger, dept_xs2, customer):
    c = _login(client, credit_manager)
    assert _rows(c.get(reverse("contracts:list"), {"department": dept_xs2.pk})) == [ledger["c"].contract_no]
    assert len(_rows(c.get(reverse("contracts:list"), {"customer": customer.pk}))) == 3


def test_ledger_overdue_filter(client, credit_manager, ledger, time_machine):
    time_machine.move_to("2026-08-15" + NOON, tick=False)  # a (signed 02-10) overdue, c (08-01) not yet
    response = _login(client, credit_manager).get(reverse("contracts:list"), {"handover": "overdue"})
    assert _rows(response) == [ledger["a"].contract_no]


def test_ledger_sorts_by_amount_and_shows_totals_per_currency(client, credit_manager, ledger):
    response = _login(client, credit_manager).get(reverse("contracts:list"), {"sort": "-amount"})
    assert _rows(response)[0] == ledger["a"].contract_no
    assert dict(response.context["totals"]) == {"CNY": Decimal("1050000.00"), "USD": Decimal("20000.00")}
    assert response.context["page"].paginator.count == 4


def test_ledger_export_is_filtered_and_audited(client, credit_manager, ledger):
    response = _login(client, credit_manager).get(reverse("contracts:export"), {"status": "signed"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert sorted(r[0] for r in rows[1:]) == sorted([ledger["a"].contract_no, ledger["c"].contract_no])
    event = AuditEvent.objects.get(action="contract.export")
    assert event.data == {"filters": {"status": "signed"}, "rows": 2}


def test_the_export_needs_its_permission(client, salesperson, ledger):
    assert _login(client, salesperson).get(reverse("contracts:export")).status_code == 403
    assert not AuditEvent.objects.filter(action="contract.export").exists()


def test_a_title_that_looks_like_a_formula_stays_text_in_the_export(
    client, credit_manager, make_contract, customer
):
    make_contract(customer, credit_manager, title='=HYPERLINK("http://x")', handler=credit_manager)
    response = _login(client, credit_manager).get(reverse("contracts:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet.cell(row=2, column=4)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


# --- Statistics (合同统计报表) ----------------------------------------------------------------------------
def test_statistics_on_screen_and_as_xlsx(client, gm, ledger, salesperson, time_machine):
    time_machine.move_to("2026-09-01" + NOON, tick=False)
    services.change_contract_status(
        by=salesperson, contract_id=ledger["a"].pk, to_status=rules.CHANGED, reason="单价调整"
    )
    c = _login(client, gm)
    response = c.get(reverse("contracts:statistics"), {"year": 2026, "part": "year"})
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats.total.count == 2
    assert stats.total.amounts == {"CNY": Decimal("1050000.00")}
    assert {g.key: g.count for g in stats.movements} == {
        "new": 2,
        "change": 1,
        "performance": 0,
        "termination": 0,
    }
    assert "2027-01-10" in response.content.decode()  # next due date: before 10 January

    response = c.get(reverse("contracts:statistics_export"), {"year": 2026, "part": "h1"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert "销售一部" in values
    assert not any(isinstance(v, str) and "销售二部" in v for v in values)  # c was signed in H2
    formats = {e.data["format"] for e in AuditEvent.objects.filter(action="contract.statistics")}
    assert formats == {"screen", "xlsx"}


def test_statistics_default_to_the_next_report_due(client, gm, time_machine):
    time_machine.move_to("2026-03-15" + NOON, tick=False)
    response = _login(client, gm).get(reverse("contracts:statistics"))
    assert (response.context["year"], response.context["part"]) == (2026, "h1")
    assert response.context["due"].due_on == date(2026, 7, 10)


def test_a_department_managers_statistics_cover_the_department(client, manager, ledger):
    response = _login(client, manager).get(reverse("contracts:statistics"), {"year": 2026, "part": "year"})
    assert [g.key for g in response.context["stats"].by_department] == ["销售一部"]


def test_statistics_need_their_permission(client, salesperson):
    assert _login(client, salesperson).get(reverse("contracts:statistics")).status_code == 403


def test_a_bad_period_falls_back_to_the_default(client, gm):
    response = _login(client, gm).get(reverse("contracts:statistics"), {"year": "abc", "part": "q5"})
    assert response.status_code == 200
    assert response.context["form"].errors


# --- The contract's documents ----------------------------------------------------------------------------
def test_contract_documents_are_filed_through_the_documents_service(client, salesperson, contract):
    category = DocumentCategory.objects.get(code="negotiation_record")
    c = _login(client, salesperson)
    response = c.post(
        reverse("contracts:document_upload", args=[contract.pk]),
        {
            "category": category.pk,
            "title": "第一轮谈判纪要",
            "confidentiality": "3",
            "file": pdf_upload("谈判纪要"),
        },
    )
    assert response.status_code == 302
    link = ContractDocument.objects.get()
    document = link.document
    assert (link.contract, document.customer, document.category) == (contract, contract.customer, category)
    assert document.version_count == 1
    assert AuditEvent.objects.filter(action="document.upload", object_id=str(document.pk)).exists()
    assert AuditEvent.objects.filter(action="contract.document").exists()

    html = c.get(contract.get_absolute_url()).content.decode()
    assert "第一轮谈判纪要" in html

    response = c.post(
        reverse("contracts:document_version", args=[contract.pk, document.pk]),
        {"file": pdf_upload("谈判纪要 修订")},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.version_count == 2


def test_a_category_outside_the_contract_file_is_refused(salesperson, contract):
    licence = DocumentCategory.objects.get(code="business_licence")
    with pytest.raises(DomainError) as exc:
        services.add_contract_document(
            by=salesperson,
            contract_id=contract.pk,
            category=licence,
            uploaded_file=pdf_upload(),
            title="营业执照",
            confidentiality=3,
        )
    assert exc.value.code == ContractError.DOCUMENT_CATEGORY
    assert not ContractDocument.objects.exists()


def test_a_duplicate_upload_links_nothing(salesperson, contract):
    category = DocumentCategory.objects.get(code="contract_original")
    kwargs = {"by": salesperson, "contract_id": contract.pk, "category": category, "confidentiality": 3}
    services.add_contract_document(uploaded_file=pdf_upload("同一份"), title="正本", **kwargs)
    with pytest.raises(DomainError) as exc:
        services.add_contract_document(uploaded_file=pdf_upload("同一份"), title="正本again", **kwargs)
    assert exc.value.code == "document.duplicate"
    assert ContractDocument.objects.count() == 1


def test_documents_of_a_contract_one_may_not_see_are_404(client, other_salesperson, contract):
    category = DocumentCategory.objects.get(code="negotiation_record")
    response = _login(client, other_salesperson).post(
        reverse("contracts:document_upload", args=[contract.pk]),
        {"category": category.pk, "title": "x", "confidentiality": "3", "file": pdf_upload("x")},
    )
    assert response.status_code == 404
    assert not ContractDocument.objects.exists()


def test_documents_above_the_users_clearance_are_counted_not_shown(
    client, salesperson, credit_manager, contract
):
    category = DocumentCategory.objects.get(code="contract_original")
    services.add_contract_document(
        by=credit_manager,
        contract_id=contract.pk,
        category=category,
        uploaded_file=pdf_upload("绝密正本"),
        title="绝密正本",
        confidentiality=1,
    )
    # level 1 is above a salesperson's clearance by default (documents policy), not a credit manager's
    response = _login(client, salesperson).get(contract.get_absolute_url())
    assert response.context["hidden_documents"] == 1
    assert "绝密正本" not in response.content.decode()
    response = _login(client, credit_manager).get(contract.get_absolute_url())
    assert response.context["hidden_documents"] == 0
    assert "绝密正本" in response.content.decode()

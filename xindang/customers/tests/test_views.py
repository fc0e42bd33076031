"""The customer screens through the test client: list, search, create, edit, conflicts, status."""

import pytest
from django.urls import reverse

from conftest import make_credit_code
from xindang.audit.models import AuditEvent
from xindang.customers.models import Customer


def _form_data(**overrides):
    data = {
        "name": "华夏科技有限公司",
        "credit_code": make_credit_code(),
        "nature": "ordinary_company",
        "relationship": "buyer",
        "tier": "ordinary",
        "importance": "general",
        "registered_capital": "1000000",
        "registered_capital_unit": "yuan",
        "tags": "",
        "version": "",
    }
    for key in ("contacts", "bank_accounts", "shareholders", "managers", "related_companies"):
        data.update(
            {
                f"{key}-TOTAL_FORMS": "0",
                f"{key}-INITIAL_FORMS": "0",
                f"{key}-MIN_NUM_FORMS": "0",
                f"{key}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


@pytest.fixture
def sales_client(client, salesperson):
    client.force_login(salesperson)
    return client


def test_create_customer_through_form(sales_client, salesperson):
    data = _form_data(
        department=salesperson.department_id,
        owner=salesperson.pk,
        **{"contacts-TOTAL_FORMS": "1", "contacts-0-name": "王经理", "contacts-0-phone": "13800000000"},
    )
    response = sales_client.post(reverse("customers:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    customer = Customer.objects.get()
    assert customer.file_no.startswith("XS1-")
    assert customer.contacts.get().name == "王经理"
    assert AuditEvent.objects.filter(action="customer.create", object_id=str(customer.pk)).exists()


def test_registered_capital_in_wan(sales_client, salesperson):
    data = _form_data(
        department=salesperson.department_id,
        owner=salesperson.pk,
        registered_capital="125",
        registered_capital_unit="wan",
    )
    assert sales_client.post(reverse("customers:create"), data).status_code == 302
    assert str(Customer.objects.get().registered_capital) == "1250000.00"


@pytest.mark.parametrize(
    "field,value,code",
    [
        ("credit_code", "91350100M000100Y44", "credit_code_check_digit"),
        ("credit_code", "123", "credit_code_length"),
        ("name", "", "required"),
        ("registered_capital", "-5", "min_value"),
        ("registered_capital", "abc", "invalid"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(sales_client, salesperson, field, value, code):
    data = _form_data(department=salesperson.department_id, owner=salesperson.pk, **{field: value})
    response = sales_client.post(reverse("customers:create"), data)
    assert response.status_code == 400
    assert code in [e.code for e in response.context["form"].errors.as_data()[field]]
    assert Customer.objects.count() == 0


def test_duplicate_credit_code_links_to_existing(sales_client, salesperson, make_customer):
    existing = make_customer(salesperson, name="长城贸易有限公司")
    data = _form_data(
        department=salesperson.department_id,
        owner=salesperson.pk,
        name="完全不同的名字有限公司",
        credit_code=existing.credit_code,
    )
    response = sales_client.post(reverse("customers:create"), data)
    assert response.status_code == 400
    assert response.context["duplicate_pk"] == existing.pk
    assert reverse("customers:detail", args=[existing.pk]) in response.content.decode()
    assert Customer.objects.count() == 1


def test_similar_name_needs_confirmation(sales_client, salesperson, make_customer):
    make_customer(salesperson, name="杭州华夏科技有限公司")
    data = _form_data(
        department=salesperson.department_id, owner=salesperson.pk, name="杭州华夏科技股份有限公司"
    )
    response = sales_client.post(reverse("customers:create"), data)
    assert response.status_code == 400
    assert response.context["similar"]
    assert 'id="id_confirm_similar"' in response.content.decode()
    data["confirm_similar"] = "on"
    assert sales_client.post(reverse("customers:create"), data).status_code == 302
    assert Customer.objects.count() == 2


def test_second_editor_is_refused_with_who_and_when(client, salesperson, manager, make_customer):
    customer = make_customer(salesperson)
    form = _form_data(
        name=customer.name,
        credit_code=customer.credit_code,
        department=customer.department_id,
        owner=salesperson.pk,
        version=str(customer.version),
    )
    client.force_login(manager)
    assert (
        client.post(reverse("customers:edit", args=[customer.pk]), {**form, "phone": "021-1"}).status_code
        == 302
    )
    client.force_login(salesperson)
    response = client.post(reverse("customers:edit", args=[customer.pk]), {**form, "phone": "021-2"})
    assert response.status_code == 400
    assert "李四" in response.content.decode()
    customer.refresh_from_db()
    assert customer.phone == "021-1"


def test_search_by_pinyin_initials_credit_code_and_file_no(sales_client, salesperson, make_customer):
    hx = make_customer(salesperson, name="华夏科技有限公司")
    make_customer(salesperson, name="长江物流有限公司")
    for q in ("hxkj", "华夏", "huaxia", hx.credit_code, hx.file_no, hx.file_no.lower()):
        response = sales_client.get(reverse("customers:list"), {"q": q})
        assert [c.pk for c in response.context["page"].object_list] == [hx.pk], q


def test_suspended_files_leave_the_default_list_but_are_found_with_filter(
    client, salesperson, manager, make_customer
):
    customer = make_customer(salesperson, name="停业贸易有限公司")
    client.force_login(manager)
    client.post(reverse("customers:status", args=[customer.pk]), {"to_status": "active", "reason": "首单"})
    client.post(
        reverse("customers:status", args=[customer.pk]),
        {
            "to_status": "suspended",
            "reason": "经营异常",
            "notified_via": "phone",
            "notified_on": "2026-03-02",
        },
    )
    customer.refresh_from_db()
    assert customer.status == "suspended"
    assert customer.status_changes.count() == 2
    assert not client.get(reverse("customers:list")).context["page"].object_list
    found = client.get(reverse("customers:list"), {"status": "suspended"}).context["page"].object_list
    assert [c.pk for c in found] == [customer.pk]


def test_other_departments_file_is_404_and_logged(client, other_salesperson, salesperson, make_customer):
    customer = make_customer(salesperson)
    client.force_login(other_salesperson)
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 404
    assert client.get(reverse("customers:edit", args=[customer.pk])).status_code == 404
    assert client.get(reverse("customers:detail", args=[999999])).status_code == 404
    denied = AuditEvent.objects.filter(action="customer.access_denied")
    assert denied.count() == 2 and set(denied.values_list("object_id", flat=True)) == {str(customer.pk)}


def test_file_page_view_is_audited_and_escapes_html(sales_client, salesperson, make_customer):
    customer = make_customer(salesperson, name="<script>alert(1)</script>贸易公司", address="<b>x</b>")
    response = sales_client.get(reverse("customers:detail", args=[customer.pk]))
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert AuditEvent.objects.filter(action="customer.view", object_id=str(customer.pk)).count() == 1


def test_history_shows_field_change_old_to_new(sales_client, salesperson, make_customer):
    customer = make_customer(salesperson, phone="010-1")
    form = _form_data(
        name=customer.name,
        credit_code=customer.credit_code,
        department=customer.department_id,
        owner=salesperson.pk,
        version=str(customer.version),
        phone="010-2",
    )
    assert sales_client.post(reverse("customers:edit", args=[customer.pk]), form).status_code == 302
    page = sales_client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert reverse("customers:history", args=[customer.pk]) in page  # the page loads its history
    history = sales_client.get(reverse("customers:history", args=[customer.pk]))
    assert "010-2" in history.content.decode()
    changed = [e for e in history.context["timeline"] if e.kind == "changed"]
    assert any(ch.old == "010-1" and ch.new == "010-2" for ch in changed[0].changes)
    assert changed[0].user == "张三"


def test_list_requires_permission(client, db):
    from conftest import make_user
    from xindang.accounts.roles import Role

    client.force_login(make_user("kefu", Role.SYSTEM_ADMIN))
    assert client.get(reverse("customers:list")).status_code == 403
    assert client.get(reverse("customers:create")).status_code == 403


def test_two_character_chinese_fragment_matches_the_name_only(sales_client, salesperson, make_customer):
    hx = make_customer(salesperson, name="杭州华夏科技有限公司")
    make_customer(salesperson, name="华东夏科贸易有限公司")  # 华 and 夏 both occur, but never as 华夏
    found = sales_client.get(reverse("customers:list"), {"q": "华夏"}).context["page"].object_list
    assert [c.pk for c in found] == [hx.pk]

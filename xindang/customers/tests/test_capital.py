"""Registered capital in its own currency (a foreign-invested company's licence says "1072526.4万美元")
and the postal code (邮编) of the file: the rule, the form, the import and the display."""

from decimal import Decimal

import pytest
from django.urls import reverse

from xindang.customers import rules
from xindang.customers.importing import services as import_services
from xindang.customers.importing.errors import ImportErrorCode as E
from xindang.customers.importing.validation import problem_message
from xindang.customers.models import Customer

from .test_import import HEAD, codes_by_row, preview, xlsx
from .test_views import _form_data

D = Decimal


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("1072526.4万美元", "10725264000.00", "USD"),
        ("500万", "5000000.00", "CNY"),
        ("500万元", "5000000.00", "CNY"),
        ("人民币500万元", "5000000.00", "CNY"),
        ("USD 10,000", "10000.00", "USD"),
        ("10,000 EUR", "10000.00", "EUR"),
        ("3000万港元", "30000000.00", "HKD"),
        ("3000万港币", "30000000.00", "HKD"),
        ("1.2亿日元", "120000000.00", "JPY"),
        ("200万英镑", "2000000.00", "GBP"),
        ("HK$1,000万", "10000000.00", "HKD"),
        ("１０万美元", "100000.00", "USD"),  # full-width digits pasted from a PDF
        ("1250000", "1250000.00", "CNY"),
        ("¥1,250,000.00", "1250000.00", "CNY"),
    ],
)
def test_capital_as_licences_write_it(text, amount, currency):
    assert rules.parse_capital(text) == (D(amount), currency)


def test_a_bare_number_takes_the_default_currency():
    assert rules.parse_capital("10000", default_currency="USD") == (D("10000.00"), "USD")


@pytest.mark.parametrize(
    ("text", "unit"), [("500万卢布", "卢布"), ("10,000 XYZ", "XYZ"), ("100万美元港币", "美元港币")]
)
def test_an_unknown_unit_is_named(text, unit):
    with pytest.raises(rules.CapitalUnitError) as refused:
        rules.parse_capital(text)
    assert refused.value.unit == unit


def test_not_a_number():
    with pytest.raises(ValueError):
        rules.parse_capital("很多")


# --- the form ----------------------------------------------------------------------------------------
@pytest.fixture
def sales_client(client, salesperson):
    client.force_login(salesperson)
    return client


def test_form_accepts_capital_in_dollars_and_shows_it_in_dollars(sales_client, salesperson):
    data = _form_data(
        department=salesperson.department_id,
        owner=salesperson.pk,
        registered_capital="1072526.4万美元",
        postal_code="２００１２０",
    )
    response = sales_client.post(reverse("customers:create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    customer = Customer.objects.get()
    assert (customer.registered_capital, customer.registered_capital_currency) == (D("10725264000.00"), "USD")
    assert customer.postal_code == "200120"
    page = sales_client.get(customer.get_absolute_url()).content.decode()
    assert "USD 10,725,264,000.00" in page and "200120" in page
    # the list shows it in its currency once the column is chosen (it is not a default column)
    sales_client.post(
        reverse("customers:list_columns"),
        {"columns": ["registered_capital"], "page_size": "25", "next": reverse("customers:list")},
    )
    listing = sales_client.get(reverse("customers:list")).content.decode()
    assert "USD 10,725,264,000.00" in listing


def test_form_currency_list_applies_to_a_bare_number(sales_client, salesperson):
    data = _form_data(
        department=salesperson.department_id,
        owner=salesperson.pk,
        registered_capital="800",
        registered_capital_unit="wan",
        registered_capital_currency="HKD",
    )
    assert sales_client.post(reverse("customers:create"), data).status_code == 302
    customer = Customer.objects.get()
    assert (customer.registered_capital, customer.registered_capital_currency) == (D("8000000.00"), "HKD")


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [("registered_capital", "500万卢布", "capital_unit"), ("postal_code", "12345", "postal_code")],
)
def test_form_refuses_unknown_unit_and_bad_postal_code(sales_client, salesperson, field, value, code):
    data = _form_data(department=salesperson.department_id, owner=salesperson.pk, **{field: value})
    response = sales_client.post(reverse("customers:create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors.as_data()[field]
    assert code in [e.code for e in errors]
    if code == "capital_unit":
        assert "卢布" in response.content.decode()  # the message names the unit
    assert Customer.objects.count() == 0


# --- the import --------------------------------------------------------------------------------------
def test_import_reads_capital_with_its_currency_and_the_postal_code(credit_manager, salesperson):
    head = [*HEAD, "注册资本", "注册资本币种", "邮政编码"]
    rows = [
        ["华夏外资有限公司", "", "XS1", "zhangsan", "1072526.4万美元", "", "200120"],
        ["远大贸易有限公司", "", "XS1", "zhangsan", 5000, "港币", 10000],  # 010000 read as a number
        ["正常贸易有限公司", "", "XS1", "zhangsan", "500万", "", ""],
    ]
    batch = preview(credit_manager, xlsx(rows, head=head))
    assert batch.problem_count == 0, batch.problems
    import_services.run_import(batch=batch, by=credit_manager)
    got = {
        c.name: (c.registered_capital, c.registered_capital_currency, c.postal_code)
        for c in Customer.objects.all()
    }
    assert got == {
        "华夏外资有限公司": (D("10725264000.00"), "USD", "200120"),
        "远大贸易有限公司": (D("5000.00"), "HKD", "010000"),
        "正常贸易有限公司": (D("5000000.00"), "CNY", ""),
    }


def test_import_names_the_unknown_unit(credit_manager, salesperson):
    head = [*HEAD, "注册资本", "邮编"]
    rows = [
        ["华夏外资有限公司", "", "XS1", "zhangsan", "500万卢布", ""],
        ["远大贸易有限公司", "", "XS1", "zhangsan", "", "1234"],
    ]
    batch = preview(credit_manager, xlsx(rows, head=head))
    assert codes_by_row(batch) == {(2, E.CAPITAL_UNIT_UNKNOWN), (3, E.POSTAL_CODE_INVALID)}
    problem = next(p for p in batch.problems if p["code"] == E.CAPITAL_UNIT_UNKNOWN)
    assert "卢布" in problem_message(problem)

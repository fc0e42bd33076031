"""Child tables of the file form (contacts, banks, shareholders, management, related companies):
rows are added and removed in place (htmx fragments), no blank row is put on the form per save, and
the server still validates every row when the file is saved."""

import re

import pytest
from django.urls import reverse

from xindang.customers.models import Contact, Customer

from .test_views import _form_data

pytestmark = pytest.mark.django_db

KEYS = ["contacts", "bank_accounts", "shareholders", "managers", "related_companies"]


@pytest.fixture
def sales_client(client, salesperson):
    client.force_login(salesperson)
    return client


def test_a_new_file_form_has_no_blank_rows_but_an_add_button_per_table(sales_client):
    html = sales_client.get(reverse("customers:create")).content.decode()
    for key in KEYS:
        assert f'name="{key}-0-' not in html  # no blank row to skip or fill
        assert f'data-testid="add-row-{key}"' in html
        assert f'id="id_{key}-TOTAL_FORMS"' in html and f'name="{key}-TOTAL_FORMS" value="0"' in html


@pytest.mark.parametrize("key", KEYS)
def test_add_gives_the_next_row_and_raises_the_count(sales_client, key):
    # given a table with two rows on the page
    response = sales_client.get(reverse("customers:child_row_add", args=[key]), {f"{key}-TOTAL_FORMS": "2"})
    # then the new row has index 2 and the form's count becomes 3 (out of band)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="{key}-2-' in html and f'name="{key}-1-' not in html
    assert re.search(rf'<input type="hidden" name="{key}-TOTAL_FORMS" value="3"[^>]*hx-swap-oob="true"', html)


def test_unknown_tables_and_users_who_edit_no_files_are_refused(client, sales_client, archivist):
    assert sales_client.get(reverse("customers:child_row_add", args=["passwords"])).status_code == 404
    client.force_login(archivist)
    assert client.get(reverse("customers:child_row_add", args=["contacts"])).status_code == 403


def test_removing_a_new_row_drops_it(sales_client):
    new_row = {"contacts-1-name": "王经理", "contacts-1-id": ""}
    response = sales_client.post(reverse("customers:child_row_remove", args=["contacts"]), new_row)
    assert response.status_code == 200 and response.content.strip() == b""


def test_removing_a_saved_row_marks_it_and_saving_deletes_it(sales_client, salesperson, make_customer):
    # given a file with two contacts
    customer = make_customer(salesperson, children={"contacts": [{"name": "王经理"}, {"name": "李会计"}]})
    first, second = Contact.objects.filter(customer=customer).order_by("pk")
    # when the first is removed on the form
    row = {
        "contacts-0-id": str(first.pk),
        "contacts-0-customer": str(customer.pk),
        "contacts-0-name": "王经理",
    }
    html = sales_client.post(reverse("customers:child_row_remove", args=["contacts"]), row).content.decode()
    # then it stays as hidden fields marked for deletion, with an undo
    assert 'name="contacts-0-DELETE" value="on"' in html
    assert f'name="contacts-0-id" value="{first.pk}"' in html
    assert 'data-testid="undo-remove"' in html
    # and undo gives the row back
    undo = sales_client.post(reverse("customers:child_row_remove", args=["contacts"]) + "?undo=1", row)
    undone = undo.content.decode()
    assert 'name="contacts-0-name"' in undone and 'DELETE" value="on"' not in undone
    # when the file is saved with the row removed
    data = _form_data(
        name=customer.name,
        credit_code=customer.credit_code,
        department=customer.department_id,
        owner=salesperson.pk,
        version=str(customer.version),
        **{
            "contacts-TOTAL_FORMS": "2",
            "contacts-INITIAL_FORMS": "2",
            **row,
            "contacts-0-DELETE": "on",
            "contacts-1-id": str(second.pk),
            "contacts-1-customer": str(customer.pk),
            "contacts-1-name": "李会计",
        },
    )
    response = sales_client.post(reverse("customers:edit", args=[customer.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    # then only the other contact is left
    assert list(Contact.objects.filter(customer=customer).values_list("name", flat=True)) == ["李会计"]


def test_a_row_of_a_file_one_may_not_see_is_404(client, other_salesperson, salesperson, make_customer):
    customer = make_customer(salesperson, children={"contacts": [{"name": "王经理"}]})
    contact = Contact.objects.get(customer=customer)
    client.force_login(other_salesperson)
    response = client.post(
        reverse("customers:child_row_remove", args=["contacts"]),
        {"contacts-0-id": str(contact.pk), "contacts-0-name": "王经理"},
    )
    assert response.status_code == 404


def test_added_rows_are_validated_by_the_server_and_nothing_is_saved(sales_client, salesperson):
    # given a row added in place with a bad e-mail, beside a good one
    data = _form_data(
        department=salesperson.department_id,
        owner=salesperson.pk,
        **{
            "contacts-TOTAL_FORMS": "3",
            "contacts-0-name": "王经理",
            # row 1 was added and removed again: absent
            "contacts-2-name": "李会计",
            "contacts-2-email": "不是邮箱",
        },
    )
    response = sales_client.post(reverse("customers:create"), data)
    # then the form comes back with the error at that row and no file is saved
    assert response.status_code == 400
    formset = response.context["formsets"]["contacts"][1]
    assert "email" in formset.forms[2].errors
    assert not Customer.objects.exists()
    # and with the e-mail corrected, both contacts are saved (the absent row is skipped)
    data["contacts-2-email"] = "li@example.com"
    assert sales_client.post(reverse("customers:create"), data).status_code == 302
    assert sorted(Contact.objects.values_list("name", flat=True)) == ["李会计", "王经理"]

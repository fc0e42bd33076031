"""Form layout in a real browser: a checkbox sits with its label (the grants filter's 即将到期, the
ledger's open-items filter), not stretched to a field's width with its text pushed away."""

import pytest

from .journey import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _gap_between_box_and_text(page, name):
    return page.evaluate(
        """(name) => {
            const box = document.querySelector(`input[type=checkbox][name="${name}"]`);
            const label = box.closest("label");
            const range = document.createRange();
            range.selectNodeContents(label);
            range.setStartAfter(box);
            const text = range.getBoundingClientRect();
            const b = box.getBoundingClientRect();
            const middle = (r) => (r.top + r.bottom) / 2;
            return {width: b.width, gap: text.left - b.right, dy: Math.abs(middle(text) - middle(b))};
        }""",
        name,
    )


@pytest.mark.parametrize(("url", "name"), [("/credit/grants/", "expiring"), ("/ledger/", "open")])
def test_filter_checkbox_sits_with_its_label(page, credit_manager, url, name):
    # given the credit manager on a list with a checkbox filter
    log_in(page, credit_manager.username)
    page.goto(url)
    # when the checkbox and its text are measured
    m = _gap_between_box_and_text(page, name)
    # then the box is box-sized, its text right beside it on the same line
    assert m["width"] < 24, m
    assert 0 <= m["gap"] < 16, m
    assert m["dy"] < 6, m


def test_child_rows_are_added_and_removed_in_place(page, salesperson):
    from conftest import make_credit_code
    from xindang.customers.models import Contact, Customer

    from .journey import expect

    # given a salesperson opening a new file: no blank contact row
    log_in(page, salesperson.username)
    page.goto("/customers/new/")
    rows = page.locator("#rows-contacts .formset-row")
    expect(rows).to_have_count(0)
    page.fill("#id_name", "华东精密机械有限公司")
    page.fill("#id_credit_code", make_credit_code())
    page.select_option("#id_department", str(salesperson.department_id))
    page.select_option("#id_owner", str(salesperson.pk))
    # when two contact rows are added in place, filled, and the second removed again
    page.click("[data-testid=add-row-contacts]")
    expect(rows).to_have_count(1)
    page.click("[data-testid=add-row-contacts]")
    expect(rows).to_have_count(2)
    page.fill("#id_contacts-0-name", "王经理")
    page.fill("#id_contacts-1-name", "多余的人")
    rows.nth(1).locator("[data-testid=remove-row]").click()
    expect(rows).to_have_count(1)
    page.click("button[name=save]")
    # then the file is saved with the one contact
    expect(page.locator("h1")).to_contain_text("华东精密机械有限公司")
    customer = Customer.objects.get(name="华东精密机械有限公司")
    assert list(Contact.objects.filter(customer=customer).values_list("name", flat=True)) == ["王经理"]

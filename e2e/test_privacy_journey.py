"""Personal data in the browser (004 客户信息保护管理制度): a contact's identity number is shown masked
to the salesperson; the credit manager (a role the policy names) shows it in full and the unmasking is
in the audit log; a data-subject erasure request is recorded and carried out and the person's fields
are gone; an export of the customer list for an outside party is refused without the customer's
consent to share (第十条) and the refusal is audited. No 500 on the way."""

import pytest

from xindang.audit.models import AuditEvent
from xindang.customers.models import Contact
from xindang.privacy import services
from xindang.privacy.models import DataSubjectRequest

from .journey import expect, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ID_NUMBER = "11010519491231002X"


def test_masked_unmasked_erased_and_an_outside_party_export_refused(
    page, make_customer, salesperson, credit_manager
):
    customer = make_customer(
        salesperson,
        name="华夏精密仪器有限公司",
        children={"contacts": [{"name": "赵敏", "title": "采购经理", "mobile": "13800138000"}]},
    )
    contact = customer.contacts.get()
    services.record_personal_data(
        by=credit_manager,
        customer=customer,
        person_kind="contact",
        person_id=contact.pk,
        collection_purpose="业务联络",
        collection_basis="consent",
        consent_on="2026-01-05",
        id_kind="id_card",
        id_number=ID_NUMBER,
    )
    errors = []
    page.on("response", lambda r: errors.append(r.url) if r.status >= 500 else None)
    page.on("dialog", lambda dialog: dialog.accept())

    # the salesperson sees the number masked, with no button to show it
    log_in(page, salesperson.username)
    page.goto(f"/customers/{customer.pk}/#privacy")
    person = page.locator("[data-testid=privacy-person][data-kind=contact]")
    expect(person.locator("[data-testid=id-masked]")).to_be_visible()
    expect(person.locator("[data-testid=unmask]")).to_have_count(0)
    assert ID_NUMBER not in page.content()

    # the credit manager shows it in full; the unmasking is audited
    log_in(page, credit_manager.username)
    page.goto(f"/customers/{customer.pk}/#privacy")
    person = page.locator("[data-testid=privacy-person][data-kind=contact]")
    person.locator("[data-testid=unmask]").click()
    expect(person.locator("[data-testid=id-number-full]")).to_have_text(ID_NUMBER)
    assert AuditEvent.objects.filter(action="privacy.unmask", actor=credit_manager).exists()

    # the person asks to be erased: recorded, carried out, the fields gone
    person.locator("[data-testid=new-request]").click()
    page.select_option("#id_kind", "erasure")
    page.fill("#id_details", "本人书面申请删除其个人信息。")
    page.locator("main form button.btn[type=submit]").click()
    expect(page.locator("[data-testid=request-state]")).to_be_visible()
    page.click("[data-testid=erase-person]")
    expect(page.locator("[data-testid=erase-person]")).to_have_count(0)
    dsr = DataSubjectRequest.objects.get(customer=customer)
    expect(page.locator("[data-testid=request-state]")).to_have_text(dsr.get_state_display())
    assert dsr.state == "done"
    erased = Contact.objects.get(pk=contact.pk)
    assert erased.name != "赵敏" and not erased.mobile and erased.personal_data_erased_at is not None
    page.goto(f"/customers/{customer.pk}/#privacy")
    expect(
        page.locator("[data-testid=privacy-person][data-kind=contact] [data-testid=erased]")
    ).to_be_visible()
    assert "赵敏" not in page.locator("#privacy").inner_text()
    assert AuditEvent.objects.filter(action="privacy.erasure").exists()

    # an export of the customer list for an outside party, without the customer's consent: refused
    page.goto("/customers/export.xlsx")
    expect(page.locator("[data-testid=export-form]")).to_be_visible()
    page.fill("#id_purpose", "提供征信机构")
    page.check("input[name=audience][value=outside]")
    page.fill("#id_recipient", "中诚信征信有限公司")
    page.click("[data-testid=export-continue]")
    expect(page.locator("[data-testid=export-refused]")).to_be_visible()
    refusal = AuditEvent.objects.get(action="customer.export_share_refused")
    assert refusal.actor == credit_manager and refusal.data["without_consent"] == [customer.pk]
    assert not AuditEvent.objects.filter(action="customer.export").exists()
    assert not errors, errors

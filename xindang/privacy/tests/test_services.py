"""Personal data: basis and encrypted numbers (第五条), the persons' requests (六.1), sharing (第十条)."""

import json

import pytest
from django.db import connection

from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.customers.models import Contact, Shareholder
from xindang.privacy import services
from xindang.privacy.models import RequestState
from xindang.privacy.permissions import reveal_id_number

from .conftest import VALID_ID


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_the_identity_number_is_stored_encrypted_and_read_in_clear(with_id, contact):
    # when the number is recorded  then the column holds a token, the model the number
    raw = _raw("customers_contact", "id_number", contact.pk)
    assert VALID_ID not in raw and raw.startswith("gAAAAA")
    assert Contact.objects.get(pk=contact.pk).id_number == VALID_ID
    # and the history rows hold tokens too
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM customers_historicalcontact WHERE id = %s", [contact.pk])
        assert all(VALID_ID not in (row[0] or "") for row in cursor.fetchall())
    assert AuditEvent.objects.filter(action="privacy.basis_recorded").exists()


def test_a_malformed_id_number_is_refused(credit_manager, customer, contact):
    with pytest.raises(DomainError) as exc:
        services.record_personal_data(
            by=credit_manager,
            customer=customer,
            person_kind="contact",
            person_id=contact.pk,
            collection_purpose="业务联络",
            collection_basis="contract",
            id_kind="id_card",
            id_number="110105194912310021",  # wrong check digit
        )
    assert exc.value.code == "privacy.invalid"
    assert "id_number" in exc.value.params["errors"]


def test_consent_as_basis_needs_its_date_004_article_5(credit_manager, customer, contact):
    with pytest.raises(DomainError) as exc:
        services.record_personal_data(
            by=credit_manager,
            customer=customer,
            person_kind="contact",
            person_id=contact.pk,
            collection_purpose="业务联络",
            collection_basis="consent",
            consent_on=None,
        )
    assert "consent_on" in exc.value.params["errors"]


def test_the_policys_role_unmasks_and_it_is_audited(with_id, credit_manager, contact):
    assert reveal_id_number(by=credit_manager, person=with_id, person_kind="contact") == VALID_ID
    event = AuditEvent.objects.get(action="privacy.unmask")
    assert event.data["person_id"] == contact.pk and VALID_ID not in json.dumps(event.data)


def test_an_unmask_without_the_role_is_refused_and_audited(with_id, salesperson):
    with pytest.raises(DomainError) as exc:
        reveal_id_number(by=salesperson, person=with_id, person_kind="contact")
    assert exc.value.code == "privacy.unmask_not_allowed"
    assert exc.value.status == 403
    assert AuditEvent.objects.filter(action="privacy.unmask_denied").exists()


def _request(by, customer, person, kind, person_kind="contact"):
    return services.receive_request(
        by=by,
        customer=customer,
        person_kind=person_kind,
        person_id=person.pk,
        kind=kind,
        received_on="2026-03-01",
        details="本人来电要求",
    )


def test_an_access_request_exports_everything_held(with_id, credit_manager, customer, contact):
    dsr = _request(credit_manager, customer, contact, "access")
    name, content = services.export_person(
        by=credit_manager, customer=customer, person_kind="contact", person_id=contact.pk, dsr=dsr
    )
    document = json.loads(content)
    assert document["record"]["name"] == "张三"
    assert document["record"]["id_number"] == VALID_ID
    assert document["record"]["collection_basis"] == "consent"
    assert len(document["history"]) >= 2 and document["requests"][0]["kind"] == "access"
    dsr.refresh_from_db()
    assert dsr.state == RequestState.DONE
    assert AuditEvent.objects.filter(action="privacy.export").exists()


def test_a_correction_keeps_the_old_values_in_history(credit_manager, customer, contact):
    dsr = _request(credit_manager, customer, contact, "correction")
    services.correct_person(by=credit_manager, dsr=dsr, changes={"mobile": "13700137000"}, reason="号码变更")
    contact.refresh_from_db()
    assert contact.mobile == "13700137000"
    latest, previous = contact.history.order_by("-history_date", "-history_id")[:2]
    assert previous.mobile == "13800138000" and "号码变更" in latest.history_change_reason
    dsr.refresh_from_db()
    assert dsr.state == RequestState.DONE and dsr.changed_fields == ["mobile"]


def test_a_correction_without_a_reason_is_refused(credit_manager, customer, contact):
    dsr = _request(credit_manager, customer, contact, "correction")
    with pytest.raises(DomainError) as exc:
        services.correct_person(by=credit_manager, dsr=dsr, changes={"mobile": "13700137000"}, reason="  ")
    assert exc.value.code == "privacy.reason_required"
    contact.refresh_from_db()
    assert contact.mobile == "13800138000"


def test_an_erasure_blanks_the_person_and_the_history_but_keeps_the_business_record(
    with_id, credit_manager, customer, contact
):
    dsr = _request(credit_manager, customer, contact, "erasure")
    services.erase_person(by=credit_manager, dsr=dsr)
    contact.refresh_from_db()
    assert contact.name == "(已删除)" and contact.mobile == "" and contact.id_number == ""
    assert contact.personal_data_erased_at is not None
    assert contact.title == "采购经理"  # the business record stays
    for h in contact.history.all():
        assert h.name in ("(已删除)",) and h.mobile == "" and h.id_number == "" and h.phone == ""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, mobile FROM customers_historicalcontact WHERE id = %s", [contact.pk])
        assert all("张三" not in row[0] and "13800138000" not in row[1] for row in cursor.fetchall())
    dsr.refresh_from_db()
    assert dsr.state == RequestState.DONE and dsr.details == ""
    event = AuditEvent.objects.get(action="privacy.erasure")
    assert event.data["person_id"] == contact.pk and "张三" not in json.dumps(event.data, ensure_ascii=False)


def test_an_erasure_of_a_shareholder_keeps_the_share(credit_manager, customer):
    person = customer.shareholders.get(kind="person")
    dsr = _request(credit_manager, customer, person, "erasure", person_kind="shareholder")
    services.erase_person(by=credit_manager, dsr=dsr)
    person = Shareholder.objects.get(pk=person.pk)
    assert person.name == "(已删除)" and person.share_pct == 60


def test_an_erasure_is_refused_while_a_hold_keeps_the_file_and_names_it(
    credit_manager, customer, contact, hold_on
):
    hold_on(customer, "未结应收款 ¥12,000.00")
    dsr = _request(credit_manager, customer, contact, "erasure")
    with pytest.raises(DomainError) as exc:
        services.erase_person(by=credit_manager, dsr=dsr)
    assert exc.value.code == "privacy.erasure_held"
    assert "未结应收款 ¥12,000.00" in exc.value.message
    contact.refresh_from_db()
    assert contact.name == "张三"
    # the request can then be refused, naming the hold
    services.refuse_request(by=credit_manager, dsr=dsr, refusal="存在未结应收款")
    dsr.refresh_from_db()
    assert dsr.state == RequestState.REFUSED


def test_an_outside_party_export_without_consent_is_refused(credit_manager, customer, contact):
    with pytest.raises(DomainError) as exc:
        services.export_person(
            by=credit_manager,
            customer=customer,
            person_kind="contact",
            person_id=contact.pk,
            outside_party=True,
        )
    assert exc.value.code == "privacy.no_sharing_consent"
    assert AuditEvent.objects.filter(action="privacy.share_refused").exists()


def test_an_outside_party_export_under_a_consent_in_force(gm, credit_manager, customer, contact):
    consent = services.record_sharing_consent(
        by=gm,
        customer=customer,
        recipient="中诚信征信有限公司",
        purpose="征信报告",
        consent_on="2026-01-01",
        agreement_no="GX-2026-001",
        agreement_on="2026-01-02",
    )
    consent.refresh_from_db()
    _, content = services.export_person(
        by=credit_manager,
        customer=customer,
        person_kind="contact",
        person_id=contact.pk,
        outside_party=True,
        consent=consent,
    )
    assert json.loads(content)["shared_with"]["agreement_no"] == "GX-2026-001"
    services.withdraw_sharing_consent(by=gm, consent=consent)
    consent.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.export_person(
            by=credit_manager,
            customer=customer,
            person_kind="contact",
            person_id=contact.pk,
            outside_party=True,
            consent=consent,
        )
    assert exc.value.code == "privacy.no_sharing_consent"


def test_a_salesperson_cannot_handle_requests(salesperson, customer, contact):
    with pytest.raises(DomainError) as exc:
        _request(salesperson, customer, contact, "access")
    assert exc.value.code == "privacy.not_allowed"


def test_a_handled_request_is_not_carried_out_twice(credit_manager, customer, contact):
    dsr = _request(credit_manager, customer, contact, "correction")
    services.correct_person(by=credit_manager, dsr=dsr, changes={"mobile": "13700137000"}, reason="号码变更")
    with pytest.raises(DomainError) as exc:
        services.correct_person(by=credit_manager, dsr=dsr, changes={"mobile": "13600136000"}, reason="再改")
    assert exc.value.code == "privacy.not_open"


def test_the_files_change_history_shows_the_number_masked(with_id, customer):
    from xindang.customers.timeline import customer_timeline

    shown = [(c.old, c.new) for e in customer_timeline(customer) for c in e.changes]
    assert ("—", "110***********002X") in shown
    assert all(VALID_ID not in (old + new) for old, new in shown)

"""Every write on personal data: one function per operation, atomic and audited. The audit events
name the person by kind and record number, never by the data (an erasure must leave none behind)."""

import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError

from . import rules, selectors
from .errors import PrivacyError
from .models import DataSubjectRequest, RequestKind, RequestState, SharingConsent
from .permissions import PrivacyPermission, require

BASIS_FIELDS = ("collection_purpose", "collection_basis", "consent_on")


def _full_clean(obj) -> None:
    try:
        obj.full_clean(exclude=["customer"], validate_unique=False)
    except ValidationError as exc:
        raise DomainError(PrivacyError.INVALID, errors=exc.message_dict) from exc


def _person_ref(person_kind: str, person) -> dict:
    return {"person_kind": str(person_kind), "person_id": person.pk}


# --- Recording a person's basis and identity number -----------------------------------------------
@transaction.atomic
def record_personal_data(
    *,
    by,
    customer,
    person_kind: str,
    person_id: int,
    collection_purpose: str,
    collection_basis: str,
    consent_on=None,
    id_kind: str = "",
    id_number: str | None = None,
    request=None,
):
    """Record why and on what basis a person's data is kept (the consent date where consent is the
    basis, 004 客户信息保护管理制度 第五条) and their identity number, stored encrypted. `id_number`
    None keeps the recorded number; "" clears it. Validated like the model (GB 11643 check digit)."""
    require(by, PrivacyPermission.RECORD_PERSONAL_DATA)
    person = selectors.get_person(customer, person_kind, person_id, for_update=True)
    if person.personal_data_erased_at:
        raise DomainError(PrivacyError.ALREADY_ERASED)
    person.collection_purpose = collection_purpose.strip()
    person.collection_basis = collection_basis
    person.consent_on = consent_on
    person.id_kind = id_kind
    number_changed = False
    if id_number is not None:
        number_changed = id_number != person.id_number
        person.id_number = id_number
    _full_clean(person)
    person._history_user = by
    person.save()
    record_event(
        "privacy.basis_recorded",
        actor=by,
        request=request,
        obj=customer,
        data={
            **_person_ref(person_kind, person),
            "basis": collection_basis,
            "consent_on": consent_on,
            "id_number_changed": number_changed,
        },
    )
    return person


# --- Requests of the person -------------------------------------------------------------------------
@transaction.atomic
def receive_request(
    *, by, customer, person_kind: str, person_id: int, kind: str, received_on, details: str = "", request=None
) -> DataSubjectRequest:
    """Record a person's request to see, correct or erase their data (004 客户信息实行授权管理制度 六.1)."""
    require(by, PrivacyPermission.HANDLE_REQUESTS)
    person = selectors.get_person(customer, person_kind, person_id)
    if kind not in RequestKind.values:
        raise DomainError(
            PrivacyError.INVALID, field="kind", errors={"kind": [str(PrivacyError.INVALID.label)]}
        )
    dsr = DataSubjectRequest(
        customer=customer,
        person_kind=person_kind,
        person_id=person.pk,
        kind=kind,
        received_on=received_on,
        details=details.strip(),
        created_by=by,
    )
    try:
        dsr.full_clean(exclude=["customer", "created_by"])
    except ValidationError as exc:
        raise DomainError(PrivacyError.INVALID, errors=exc.message_dict) from exc
    dsr.save()
    record_event(
        "privacy.request_received",
        actor=by,
        request=request,
        obj=customer,
        data={**_person_ref(person_kind, person), "request": dsr.pk, "kind": kind},
    )
    return dsr


def _open_request(by, dsr_id: int, kind: str) -> DataSubjectRequest:
    dsr = DataSubjectRequest.objects.select_for_update().get(pk=dsr_id)
    if not rules.can_transition(dsr.state, RequestState.DONE):
        raise DomainError(PrivacyError.NOT_OPEN, state=dsr.get_state_display())
    if kind and dsr.kind != kind:
        raise DomainError(PrivacyError.WRONG_KIND, kind=dsr.get_kind_display())
    return dsr


def _close(dsr: DataSubjectRequest, by, state: str) -> None:
    dsr.state = state
    dsr.handled_by = by
    dsr.handled_at = timezone.now()


@transaction.atomic
def refuse_request(*, by, dsr: DataSubjectRequest, refusal: str, request=None) -> DataSubjectRequest:
    """Refuse a request with the reason given to the person (e.g. the holds that keep the data)."""
    require(by, PrivacyPermission.HANDLE_REQUESTS)
    dsr = _open_request(by, dsr.pk, "")
    if not refusal.strip():
        raise DomainError(PrivacyError.REFUSAL_REASON_REQUIRED, field="refusal")
    _close(dsr, by, RequestState.REFUSED)
    dsr.refusal = refusal.strip()
    dsr.save()
    record_event(
        "privacy.request_refused",
        actor=by,
        request=request,
        obj=dsr.customer,
        data={
            "request": dsr.pk,
            "kind": dsr.kind,
            "person_kind": dsr.person_kind,
            "person_id": dsr.person_id,
        },
    )
    return dsr


# --- Export: everything held about a person ---------------------------------------------------------
def _value(value):
    return "" if value is None else value


def person_document(customer, person_kind: str, person) -> dict:
    """Everything the system holds about one person: the record (identity number in full), how it was
    collected, its history, and the person's requests."""
    model = type(person)
    fields = [f for f in model._meta.concrete_fields if f.name not in ("id", "customer")]
    record = {f.name: _value(getattr(person, f.name)) for f in fields}
    history = []
    for h in model.history.filter(id=person.pk).order_by("history_date", "history_id"):
        history.append(
            {
                "at": h.history_date,
                "change": {"+": "created", "~": "changed", "-": "deleted"}.get(
                    h.history_type, h.history_type
                ),
                "by": str(h.history_user) if h.history_user_id else "",
                "reason": h.history_change_reason or "",
                "record": {f.name: _value(getattr(h, f.name, None)) for f in fields},
            }
        )
    requests = [
        {
            "kind": r.kind,
            "state": r.state,
            "received_on": r.received_on,
            "details": r.details,
            "handled_at": r.handled_at,
            "refusal": r.refusal,
        }
        for r in DataSubjectRequest.objects.filter(
            customer=customer, person_kind=person_kind, person_id=person.pk
        ).order_by("created_at")
    ]
    return {
        "exported_at": timezone.now(),
        "customer": {"file_no": customer.file_no, "name": customer.name},
        "person": {"kind": str(person_kind), "record_id": person.pk},
        "record": record,
        "history": history,
        "requests": requests,
    }


def _dump(document: dict) -> bytes:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def export_person(
    *,
    by,
    customer,
    person_kind: str,
    person_id: int,
    outside_party: bool = False,
    consent: SharingConsent | None = None,
    dsr: DataSubjectRequest | None = None,
    request=None,
) -> tuple[str, bytes]:
    """Everything held about one person as JSON: for the person (an access request, carried out here)
    or, marked for an outside party, only under a consent in force for this customer with a signed
    agreement (004 客户信息保护管理制度 第十条). Returns (file name, content); audited — a refused
    outside-party export too (so not one transaction: the refusal's event must stay)."""
    require(by, PrivacyPermission.HANDLE_REQUESTS)
    refused = consent is None or consent.customer_id != customer.pk or not selectors.consent_in_force(consent)
    if outside_party and refused:
        record_event(
            "privacy.share_refused",
            actor=by,
            request=request,
            obj=customer,
            data={"person_kind": str(person_kind), "person_id": person_id},
        )
        raise DomainError(PrivacyError.NO_SHARING_CONSENT, field="consent")
    with transaction.atomic():
        return _export(
            by=by,
            customer=customer,
            person_kind=person_kind,
            person_id=person_id,
            consent=consent if outside_party else None,
            dsr=dsr,
            request=request,
        )


def _export(*, by, customer, person_kind, person_id, consent, dsr, request):
    outside_party = consent is not None
    if dsr is not None:
        dsr = _open_request(by, dsr.pk, RequestKind.ACCESS)
        customer, person_kind, person_id = dsr.customer, dsr.person_kind, dsr.person_id
    person = selectors.get_person(customer, person_kind, person_id)
    document = person_document(customer, person_kind, person)
    if outside_party:
        document["shared_with"] = {
            "recipient": consent.recipient,
            "purpose": consent.purpose,
            "agreement_no": consent.agreement_no,
            "consent_on": consent.consent_on,
        }
    if dsr is not None:
        _close(dsr, by, RequestState.DONE)
        dsr.save()
    record_event(
        "privacy.share" if outside_party else "privacy.export",
        actor=by,
        request=request,
        obj=customer,
        data={
            **_person_ref(person_kind, person),
            "request": dsr.pk if dsr else None,
            "consent": consent.pk if outside_party else None,
            "recipient": consent.recipient if outside_party else "",
        },
    )
    name = f"personal-data-{customer.file_no}-{person_kind}-{person.pk}.json"
    return name, _dump(document)


# --- Correction --------------------------------------------------------------------------------------
@transaction.atomic
def correct_person(*, by, dsr: DataSubjectRequest, changes: dict, reason: str, request=None):
    """Carry out a correction request: the personal fields change, the history keeps the old values
    with the reason, the request records which fields changed (004 客户信息实行授权管理制度 六.1: 修改)."""
    require(by, PrivacyPermission.HANDLE_REQUESTS)
    if not (reason or "").strip():
        raise DomainError(PrivacyError.REASON_REQUIRED, field="reason")
    dsr = _open_request(by, dsr.pk, RequestKind.CORRECTION)
    person = selectors.get_person(dsr.customer, dsr.person_kind, dsr.person_id, for_update=True)
    if person.personal_data_erased_at:
        raise DomainError(PrivacyError.ALREADY_ERASED)
    current = {name: getattr(person, name) for name in rules.CORRECTABLE_FIELDS[dsr.person_kind]}
    diff = rules.changed_fields(dsr.person_kind, current, changes)
    if not diff:
        raise DomainError(PrivacyError.NOTHING_TO_CORRECT)
    for name, value in diff.items():
        setattr(person, name, value)
    _full_clean(person)
    person._history_user = by
    person._change_reason = (f"#{dsr.pk} " + reason.strip())[:100]
    person.save()
    _close(dsr, by, RequestState.DONE)
    dsr.reason = reason.strip()[:500]
    dsr.changed_fields = sorted(diff)
    dsr.save()
    record_event(
        "privacy.correction",
        actor=by,
        request=request,
        obj=dsr.customer,
        data={**_person_ref(dsr.person_kind, person), "request": dsr.pk, "fields": sorted(diff)},
    )
    return person


# --- Erasure -----------------------------------------------------------------------------------------
@transaction.atomic
def erase_person(*, by, dsr: DataSubjectRequest, request=None):
    """Carry out an erasure request (004 客户信息实行授权管理制度 六.1: 删除): the person's fields are
    blanked in the record and in every history row, and what they asked in their requests; the row stays
    in the customer's business record; the audit event keeps who erased what kind of row and when.
    Refused while a hold keeps the file (core.holds), naming the holds."""
    require(by, PrivacyPermission.HANDLE_REQUESTS)
    dsr = _open_request(by, dsr.pk, RequestKind.ERASURE)
    customer = dsr.customer
    holds = selectors.erasure_holds(customer)
    if holds:
        raise DomainError(PrivacyError.ERASURE_HELD, holds="; ".join(h.reason for h in holds))
    person = selectors.get_person(customer, dsr.person_kind, dsr.person_id, for_update=True)
    if person.personal_data_erased_at:
        raise DomainError(PrivacyError.ALREADY_ERASED)
    blank = rules.erased_values(dsr.person_kind)
    now = timezone.now()
    model = type(person)
    # .update(): no new history row carrying the data, and the existing ones are cleared too.
    model.objects.filter(pk=person.pk).update(**blank, personal_data_erased_at=now)
    cleared = model.history.filter(id=person.pk).update(**blank, history_change_reason=None)
    from xindang.customers.relations import forget  # the related-party keys carry the name too

    forget(person)
    DataSubjectRequest.objects.filter(
        customer=customer, person_kind=dsr.person_kind, person_id=person.pk
    ).update(details="", reason="")
    dsr.refresh_from_db()
    _close(dsr, by, RequestState.DONE)
    dsr.changed_fields = sorted(blank)
    dsr.save()
    record_event(
        "privacy.erasure",
        actor=by,
        request=request,
        obj=customer,
        data={
            **_person_ref(dsr.person_kind, person),
            "request": dsr.pk,
            "fields": sorted(blank),
            "history_rows": cleared,
        },
    )
    person.refresh_from_db()
    return person


# --- Consents to share ------------------------------------------------------------------------------
@transaction.atomic
def record_sharing_consent(
    *,
    by,
    customer,
    recipient: str,
    purpose: str,
    consent_on,
    agreement_no: str,
    agreement_on,
    valid_until=None,
    request=None,
) -> SharingConsent:
    """Record the customer's express consent to share with one outside party and the agreement signed
    with it (004 客户信息保护管理制度 第十条)."""
    require(by, PrivacyPermission.ADD_CONSENT)
    consent = SharingConsent(
        customer=customer,
        recipient=recipient.strip(),
        purpose=purpose.strip(),
        consent_on=consent_on,
        agreement_no=agreement_no.strip(),
        agreement_on=agreement_on,
        valid_until=valid_until,
        created_by=by,
    )
    try:
        consent.full_clean(exclude=["customer", "created_by"])
    except ValidationError as exc:
        raise DomainError(PrivacyError.INVALID, errors=exc.message_dict) from exc
    if valid_until and valid_until < consent_on:
        raise DomainError(
            PrivacyError.INVALID,
            field="valid_until",
            errors={"valid_until": [str(PrivacyError.INVALID.label)]},
        )
    consent.save()
    record_event(
        "privacy.consent_recorded",
        actor=by,
        request=request,
        obj=customer,
        data={"consent": consent.pk, "recipient": consent.recipient, "agreement_no": consent.agreement_no},
    )
    return consent


@transaction.atomic
def withdraw_sharing_consent(*, by, consent: SharingConsent, request=None) -> SharingConsent:
    require(by, PrivacyPermission.CHANGE_CONSENT)
    consent = SharingConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at:
        raise DomainError(PrivacyError.CONSENT_WITHDRAWN)
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    record_event(
        "privacy.consent_withdrawn",
        actor=by,
        request=request,
        obj=consent.customer,
        data={"consent": consent.pk, "recipient": consent.recipient},
    )
    return consent

"""Reads of personal data: the persons on a file, their requests and the consents to share."""

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from xindang.core.fieldcrypto import mask
from xindang.core.holds import Hold, holds_on
from xindang.core.workbench import WorkItem
from xindang.customers.models import Contact, Customer, Manager, Shareholder
from xindang.customers.selectors import visible_customers
from xindang.policy.selectors import current_policy

from . import rules
from .models import DataSubjectRequest, PersonKind, RequestState, SharingConsent
from .permissions import PrivacyPermission, can_unmask

PERSON_MODELS = {
    PersonKind.CONTACT: Contact,
    PersonKind.MANAGER: Manager,
    PersonKind.SHAREHOLDER: Shareholder,
}


@dataclass
class PersonRow:
    kind: str
    kind_label: str
    obj: object
    masked_id: str
    erased: bool
    basis_missing: bool

    @property
    def pk(self) -> int:
        return self.obj.pk


def person_model(person_kind: str):
    try:
        return PERSON_MODELS[PersonKind(person_kind)]
    except ValueError as exc:
        raise Http404 from exc


def get_person(customer: Customer, person_kind: str, person_id, *, for_update: bool = False):
    """One contact, manager or shareholder of this (already visible) file; 404 otherwise."""
    qs = person_model(person_kind).objects.filter(customer=customer)
    if for_update:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=person_id)
    except (ValueError, TypeError, qs.model.DoesNotExist) as exc:
        raise Http404 from exc


def persons_of(customer: Customer) -> list[PersonRow]:
    """Every person on the file with the identity number masked. Shareholders that are companies
    hold no personal data and are left out."""
    rows = []
    for kind, model in PERSON_MODELS.items():
        qs = model.objects.filter(customer=customer).order_by("id")
        if model is Shareholder:
            qs = qs.filter(kind="person")
        for obj in qs:
            rows.append(
                PersonRow(
                    kind=kind.value,
                    kind_label=str(kind.label),
                    obj=obj,
                    masked_id=mask(obj.id_number),
                    erased=obj.personal_data_erased_at is not None,
                    basis_missing=not obj.collection_basis and obj.personal_data_erased_at is None,
                )
            )
    return rows


def requests_of(customer: Customer):
    return DataSubjectRequest.objects.filter(customer=customer).select_related("created_by", "handled_by")


def request_list(user, params=None):
    """The requests on the files the user sees, newest first, optionally of one state and one file."""
    params = params or {}
    qs = DataSubjectRequest.objects.filter(customer__in=visible_customers(user).values("pk")).select_related(
        "customer", "created_by", "handled_by"
    )
    state = params.get("state")
    if state in RequestState.values:
        qs = qs.filter(state=state)
    if params.get("customer_id"):
        qs = qs.filter(customer_id=params["customer_id"])
    return qs


def consents_of(customer: Customer):
    return SharingConsent.objects.filter(customer=customer).select_related("created_by")


def consent_in_force(consent: SharingConsent, on=None) -> bool:
    return rules.consent_allows_sharing(
        consent_on=consent.consent_on,
        agreement_no=consent.agreement_no,
        valid_until=consent.valid_until,
        withdrawn=consent.withdrawn_at is not None,
        on=on or timezone.localdate(),
    )


def consents_in_force(customer: Customer) -> list[SharingConsent]:
    today = timezone.localdate()
    return [c for c in consents_of(customer) if consent_in_force(c, today)]


def without_sharing_consent(customer_ids, recipient: str) -> list[int]:
    """customers.exporting.register_sharing_check: of these customers (ids or a query of ids), the
    ones with no consent in force to share with `recipient` (the outside party, compared without case
    and spaces) and a signed agreement (004 客户信息保护管理制度 第十条)."""
    today = timezone.localdate()
    wanted = "".join((recipient or "").split()).casefold()
    covered = set()
    consents = SharingConsent.objects.filter(customer_id__in=customer_ids, withdrawn_at__isnull=True)
    for consent in consents:
        if "".join(consent.recipient.split()).casefold() == wanted and consent_in_force(consent, today):
            covered.add(consent.customer_id)
    return sorted(set(Customer.objects.filter(pk__in=customer_ids).values_list("pk", flat=True)) - covered)


def erasure_holds(customer: Customer) -> list[Hold]:
    return holds_on(customer)


def person_label(person_kind: str, person) -> str:
    return f"{PersonKind(person_kind).label} {person.name}"


def section_context(user, customer: Customer) -> dict:
    due_days = current_policy().privacy.request_due_days
    requests = list(requests_of(customer)[:50])
    names = {}
    for kind, model in PERSON_MODELS.items():
        ids = [r.person_id for r in requests if r.person_kind == kind]
        names.update({(kind.value, p.pk): p.name for p in model.objects.filter(pk__in=ids)})
    for r in requests:
        r.person_name = names.get((r.person_kind, r.person_id), "")
        r.due_on = rules.request_due_on(r.received_on, due_days)
    today = timezone.localdate()
    consents = list(consents_of(customer))
    for c in consents:
        c.in_force = consent_in_force(c, today)
    return {
        "persons": persons_of(customer),
        "requests": requests,
        "consents": consents,
        "can_unmask": can_unmask(user),
        "can_record": user.is_superuser or user.has_perm(PrivacyPermission.RECORD_PERSONAL_DATA),
        "can_handle": user.is_superuser or user.has_perm(PrivacyPermission.HANDLE_REQUESTS),
        "can_consent": user.is_superuser or user.has_perm(PrivacyPermission.ADD_CONSENT),
        "can_withdraw": user.is_superuser or user.has_perm(PrivacyPermission.CHANGE_CONSENT),
        "today": today,
    }


def workbench_items(user) -> list[WorkItem]:
    """Persons' requests not yet answered, for those who handle them."""
    from django.utils.translation import gettext as _

    if not user.is_authenticated or not (
        user.is_superuser or user.has_perm(PrivacyPermission.HANDLE_REQUESTS)
    ):
        return []
    days = current_policy().privacy.request_due_days
    today = timezone.localdate()
    items = []
    for r in request_list(user, {"state": RequestState.RECEIVED})[:100]:
        due = rules.request_due_on(r.received_on, days)
        items.append(
            WorkItem(
                kind="privacy.request",
                label=_("Personal-data request"),
                title=" · ".join(
                    (r.customer.name, r.get_kind_display(), f"{r.get_person_kind_display()} #{r.person_id}")
                ),
                url=r.get_absolute_url(),
                due=due,
                overdue=due < today,
                customer_id=r.customer_id,
                customer_name=r.customer.name,
                rule=_("Seed 004, authorised use 6.1: a person may object to, correct or erase their data"),
            )
        )
    return items

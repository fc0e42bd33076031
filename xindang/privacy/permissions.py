"""Personal-data capabilities and which roles hold them; showing an identity number in full.

Which files' persons a user sees is the customer file's visibility (customers.selectors); who sees an
identity number in full is company policy (privacy.unmask_roles), and every such showing is audited."""

from django.db import models
from django.http import Http404

from xindang.accounts.roles import Role
from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.permissions import get_customer_for_user
from xindang.policy.selectors import current_policy

from . import rules
from .errors import PrivacyError
from .models import DataSubjectRequest


class PrivacyPermission(models.TextChoices):
    VIEW_REQUESTS = "privacy.view_datasubjectrequest"
    HANDLE_REQUESTS = "privacy.handle_datasubjectrequest"
    RECORD_PERSONAL_DATA = "privacy.record_personal_data"
    VIEW_CONSENTS = "privacy.view_sharingconsent"
    ADD_CONSENT = "privacy.add_sharingconsent"
    CHANGE_CONSENT = "privacy.change_sharingconsent"


_HANDLE = ["view_datasubjectrequest", "handle_datasubjectrequest"]
_CONSENT = ["view_sharingconsent", "add_sharingconsent", "change_sharingconsent"]

# Those who keep the files record a person's basis and number; the credit manager and the archivist
# (who keep the archive) handle the persons' requests; consents to share are given by the GM and the
# credit manager (004 客户信息保护管理制度 第十条). The system administrator sees no customer's data.
ROLE_GRANTS = {
    Role.SALESPERSON: ["record_personal_data", "view_sharingconsent"],
    Role.DEPARTMENT_MANAGER: ["record_personal_data", "view_datasubjectrequest", "view_sharingconsent"],
    Role.CREDIT_MANAGER: ["record_personal_data", *_HANDLE, *_CONSENT],
    Role.ARCHIVIST: ["record_personal_data", *_HANDLE, "view_sharingconsent"],
    Role.GENERAL_MANAGER: ["view_datasubjectrequest", *_CONSENT],
}


def require(by, permission: PrivacyPermission) -> None:
    if not (by.is_superuser or by.has_perm(permission)):
        raise DomainError(PrivacyError.NOT_ALLOWED)


def can_unmask(user) -> bool:
    return rules.may_unmask(getattr(user, "role_codes", set()), current_policy().privacy.unmask_roles)


def reveal_id_number(*, by, person, person_kind: str, request=None) -> str:
    """The person's identity number in full, for a role the policy names; the showing is recorded in
    the audit log (who, whose, when — never the number). Caller loads the person through the file's
    visibility. Not atomic: a refused attempt stays in the log."""
    roles = current_policy().privacy.unmask_roles
    if not rules.may_unmask(by.role_codes, roles):
        record_event(
            "privacy.unmask_denied",
            actor=by,
            request=request,
            obj=person.customer,
            data={"person_kind": person_kind, "person_id": person.pk},
        )
        raise DomainError(
            PrivacyError.UNMASK_NOT_ALLOWED,
            roles="、".join(str(Role(r).label) for r in roles if r in Role.values),
        )
    record_event(
        "privacy.unmask",
        actor=by,
        request=request,
        obj=person.customer,
        data={"person_kind": person_kind, "person_id": person.pk, "id_kind": person.id_kind},
    )
    return person.id_number


def get_request_for_user(user, pk, *, request=None) -> DataSubjectRequest:
    """The request if the user sees its file; otherwise 404, and asking for another file's request
    goes into the audit log as the file's access refusal (customers.get_customer_for_user)."""
    # selectors imports this module's permission enum: a top-level import would be a cycle
    from .selectors import request_list

    try:
        found = DataSubjectRequest.objects.filter(pk=pk).values_list("customer_id", flat=True).first()
    except (ValueError, TypeError) as exc:
        raise Http404 from exc
    if found is None:
        raise Http404
    get_customer_for_user(user, found, request=request)
    return request_list(user).get(pk=pk)

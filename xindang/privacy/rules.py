"""Personal-data rules as pure functions (no Django, no queries): which fields are a person's data,
what an erasure leaves, who may see an identity number in full, when a consent allows sharing."""

from datetime import date, timedelta

RECEIVED, DONE, REFUSED = "received", "done", "refused"
# A request is handled once: carried out or refused (004 客户信息实行授权管理制度 六.1).
REQUEST_TRANSITIONS = {RECEIVED: {DONE, REFUSED}, DONE: set(), REFUSED: set()}

# The person's own data on each kind of row; the rest of the row (position, share, contribution,
# primary flag) is the customer's business record and stays after an erasure.
PERSONAL_FIELDS = {
    "contact": ("name", "phone", "mobile", "email", "notes", "id_kind", "id_number"),
    "manager": ("name", "age", "phone", "notes", "id_kind", "id_number"),
    "shareholder": ("name", "id_kind", "id_number"),
}
# What a person may have corrected (a correction never touches the business record).
CORRECTABLE_FIELDS = PERSONAL_FIELDS
ERASED_NAME = "(已删除)"
NULLABLE = {"age"}


def can_transition(state: str, to: str) -> bool:
    return to in REQUEST_TRANSITIONS.get(state, set())


def erased_values(person_kind: str) -> dict:
    """The values an erasure writes over the person's fields (004 客户信息实行授权管理制度 六.1: 删除):
    nothing of the person remains, the row keeps its place in the customer's record."""
    values = {}
    for name in PERSONAL_FIELDS[person_kind]:
        values[name] = None if name in NULLABLE else ""
    values["name"] = ERASED_NAME
    return values


def changed_fields(person_kind: str, current: dict, proposed: dict) -> dict:
    """The correctable fields whose proposed value differs from the current one."""
    allowed = CORRECTABLE_FIELDS[person_kind]
    return {k: v for k, v in proposed.items() if k in allowed and current.get(k) != v}


def may_unmask(role_codes: set[str], unmask_roles: list[str]) -> bool:
    """Identity numbers in full only to the roles the policy names: information is classified and
    access controlled by authority (004 客户信息保护管理制度 第七条). Being a superuser is not a role."""
    return bool(set(role_codes) & set(unmask_roles))


def consent_allows_sharing(
    *, consent_on: date | None, agreement_no: str, valid_until: date | None, withdrawn: bool, on: date
) -> bool:
    """Sharing with an outside party needs the customer's express consent and a signed agreement with
    that party (004 客户信息保护管理制度 第十条), neither withdrawn nor expired on the day."""
    if withdrawn or not consent_on or not agreement_no.strip():
        return False
    if consent_on > on:
        return False
    return valid_until is None or valid_until >= on


def request_due_on(received_on: date, days: int) -> date:
    """When a request should be answered: the seeds set no period; the policy's number of days."""
    return received_on + timedelta(days=days)

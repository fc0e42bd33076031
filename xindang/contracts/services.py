"""Every write to a contract: one function per business operation, atomic and audited."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from xindang.audit.services import record_event, record_events, spec
from xindang.core import numbering
from xindang.core.errors import DomainError, message_of
from xindang.customers.permissions import CustomerPermission, get_customer_for_user
from xindang.customers.selectors import can_see_customer
from xindang.documents import services as documents
from xindang.policy.selectors import current_policy

from . import rules, selectors
from .errors import ContractError
from .models import Contract, ContractDocument, ContractEvent, Handover, HandoverStatus, Status
from .permissions import get_contract_for_user

# Fields a user edits (the rest is numbering, status and book-keeping).
EDITABLE_FIELDS = [
    "title",
    "kind",
    "department",
    "handler",
    "amount",
    "currency",
    "signed_on",
    "starts_on",
    "ends_on",
    "credit_limit_amount",
    "credit_term_days",
    "notes",
]

# rules.contract_problems() code → (error, field) — the first problem is raised, all are listed.
_PROBLEM_ERRORS = {
    ("amount", "required"): ContractError.AMOUNT_REQUIRED,
    ("amount", "negative"): ContractError.NEGATIVE_AMOUNT,
    ("credit_limit_amount", "negative"): ContractError.NEGATIVE_AMOUNT,
    ("credit_term_days", "negative"): ContractError.INVALID,
    ("currency", "unknown_currency"): ContractError.UNKNOWN_CURRENCY,
    ("ends_on", "ends_before_start"): ContractError.ENDS_BEFORE_START,
    ("signed_on", "future"): ContractError.SIGNED_IN_FUTURE,
}


def _full_clean(contract: Contract, exclude=None) -> None:
    try:
        contract.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise DomainError(ContractError.INVALID, errors=exc.message_dict) from exc


def check_data(contract: Contract, *, policy, changed: set[str] | None = None) -> None:
    """The contract's own data is consistent (rules.contract_problems): raised with the first
    problem's code, every problem listed in `errors` for the form. The currency is checked against
    the policy when it is set or changed (a currency dropped from the list later stays valid on the
    contracts that have it)."""
    allowed = list(policy.contracts.currencies)
    if changed is not None and "currency" not in changed:
        allowed.append(contract.currency)
    problems = rules.contract_problems(
        amount=contract.amount,
        currency=contract.currency,
        currencies=allowed,
        starts_on=contract.starts_on,
        ends_on=contract.ends_on,
        signed_on=contract.signed_on,
        credit_limit_amount=contract.credit_limit_amount,
        credit_term_days=contract.credit_term_days,
        today=timezone.localdate(),
    )
    if not problems:
        return
    params = {"currency": contract.currency, "allowed": ", ".join(policy.contracts.currencies)}
    errors = {
        field: [message_of(_PROBLEM_ERRORS[(field, code)], **params)] for field, code in problems.items()
    }
    field, code = next(iter(problems.items()))
    raise DomainError(_PROBLEM_ERRORS[(field, code)], field=field, errors=errors, **params)


def check_people(contract: Contract, *, by, changed: set[str] | None = None) -> None:
    """The handler is an active user who may see the customer file (else they could not hand its
    file over); the department is active and one the author may number in (their own or the
    customer's, unless they see every file). `changed` limits the checks to what an edit touched."""
    if changed is None or "handler" in changed:
        handler = contract.handler
        if not handler.is_active:
            raise DomainError(ContractError.HANDLER_INACTIVE, field="handler")
        if not can_see_customer(handler, contract.customer):
            raise DomainError(
                ContractError.HANDLER_CANNOT_SEE,
                field="handler",
                user=handler.get_full_name() or handler.username,
            )
    if changed is None or "department" in changed:
        department = contract.department
        if not department.is_active:
            raise DomainError(ContractError.DEPARTMENT_INACTIVE, field="department")
        sees_all = by.is_superuser or by.has_perm(CustomerPermission.VIEW_ALL)
        if not sees_all and department.pk not in (by.department_id, contract.customer.department_id):
            raise DomainError(ContractError.DEPARTMENT_NOT_ALLOWED, field="department")


def _display(value) -> str:
    return "" if value is None else str(value)


def _coerced(key: str, value):
    """A value of an editable field as the model holds it (API callers may pass strings)."""
    model_field = Contract._meta.get_field(key)
    if model_field.is_relation:
        return value
    try:
        return model_field.to_python(value)
    except ValidationError as exc:
        raise DomainError(ContractError.INVALID, errors={key: exc.messages}) from exc


def allocate_contract_no(department, *, policy=None, on: date | None = None) -> str:
    """The next number of the department's year (gap-free: runs in the caller's transaction)."""
    policy = policy or current_policy()
    year = (on or timezone.localdate()).year
    seq = numbering.allocate(rules.contract_sequence_key(department.code, year))
    return rules.contract_number(
        policy.contracts.contract_no_format, dept=department.code, year=year, seq=seq
    )


def create_contract(*, by, customer_id: int, data: dict, request=None) -> Contract:
    """A new contract (a draft) in a customer file the author may see (else 404), numbered per
    department and year inside this transaction: a failed save gives its number back."""
    # Visibility first, outside the write's transaction: a refused attempt (404) stays in the audit log.
    customer = get_customer_for_user(by, customer_id, request=request)
    with transaction.atomic():
        policy = current_policy()
        values = {k: _coerced(k, v) for k, v in data.items() if k in EDITABLE_FIELDS}
        values.setdefault("department", customer.department)
        values.setdefault("currency", policy.contracts.currencies[0])
        contract = Contract(customer=customer, **values)
        check_data(contract, policy=policy)
        contract.contract_no = "pending"
        _full_clean(contract, exclude=["contract_no"])
        check_people(contract, by=by)
        contract.contract_no = allocate_contract_no(contract.department, policy=policy)
        contract.created_by = contract.updated_by = by
        contract._history_user = by
        contract.save()
        record_event(
            "contract.create",
            actor=by,
            request=request,
            obj=contract,
            data={
                "contract_no": contract.contract_no,
                "customer": customer.pk,
                "amount": str(contract.amount),
                "currency": contract.currency,
                "policy_version": policy.version,
            },
        )
        return contract


def _check_version(contract: Contract, expected_version: int | None) -> None:
    if expected_version is None or contract.version == expected_version:
        return
    who = contract.updated_by.get_full_name() if contract.updated_by else "?"
    at = date_format(timezone.localtime(contract.updated_at), "Y-m-d H:i:s")
    raise DomainError(
        ContractError.STALE,
        user=who,
        at=at,
        changed_by=who,
        changed_at=at,
    )


def update_contract(*, by, contract_id: int, expected_version: int, data: dict, request=None) -> Contract:
    """Change a contract's data. Refused with STALE if someone saved it since `expected_version` was
    read, and with CLOSED once it is completed or terminated."""
    get_contract_for_user(by, contract_id, request=request)  # 404, audited, before the write
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract_id)
        policy = current_policy()
        _check_version(contract, expected_version)
        if not rules.is_editable(contract.status):
            raise DomainError(ContractError.CLOSED)
        changes = {}
        for key, value in data.items():
            if key not in EDITABLE_FIELDS:
                continue
            value = _coerced(key, value)  # compare like with like
            old = getattr(contract, key)
            if old != value:
                changes[key] = [_display(old), _display(value)]
                setattr(contract, key, value)
        if not changes:
            return contract
        check_data(contract, policy=policy, changed=set(changes))
        _full_clean(contract)
        check_people(contract, by=by, changed=set(changes))
        contract.version += 1
        contract.updated_by = by
        contract._history_user = by
        contract.save()
        record_event(
            "contract.update",
            actor=by,
            request=request,
            obj=contract,
            data={"changes": changes, "version": contract.version},
        )
        return contract


def change_contract_status(
    *,
    by,
    contract_id: int,
    to_status: str,
    reason: str = "",
    occurred_on: date | None = None,
    expected_version: int | None = None,
    request=None,
) -> Contract:
    """Move a contract along rules.TRANSITIONS. Signing, changing, completing and terminating are
    the procedures after which the handler must hand the file to the credit manager within the
    policy's days (001 客户信用档案建立与管理制度 3; SPEC §3): each records a ContractEvent and opens its
    stage-1 Handover."""
    get_contract_for_user(by, contract_id, request=request)  # 404, audited, before the write
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract_id)
        policy = current_policy()
        _check_version(contract, expected_version)
        if not rules.can_transition(contract.status, to_status):
            labels = dict(Status.choices)
            raise DomainError(
                ContractError.BAD_TRANSITION,
                field="to_status",
                **{
                    "from": labels.get(contract.status, contract.status),
                    "to": labels.get(to_status, to_status),
                },
            )
        reason = (reason or "").strip()
        if rules.reason_required(to_status) and not reason:
            raise DomainError(ContractError.REASON_REQUIRED, field="reason")
        today = timezone.localdate()
        kind = rules.event_for(to_status)
        if kind == rules.SIGNING:
            occurred_on = occurred_on or contract.signed_on or today
        else:
            occurred_on = occurred_on or today
        problem = rules.event_date_problem(
            kind=kind, occurred_on=occurred_on, signed_on=contract.signed_on, today=today
        )
        if problem == "future":
            raise DomainError(ContractError.EVENT_IN_FUTURE, field="occurred_on")
        if problem == "before_signing":
            raise DomainError(ContractError.EVENT_BEFORE_SIGNING, field="occurred_on")
        old = contract.status
        handover = None
        if kind is not None:
            event = ContractEvent.objects.create(
                contract=contract,
                kind=kind,
                occurred_on=occurred_on,
                from_status=old,
                to_status=to_status,
                reason=reason[:500],
                recorded_by=by,
            )
            handover = Handover.objects.create(
                contract=contract,
                event=event,
                stage=rules.TO_CREDIT_MANAGER,
                due_on=rules.handover_due(occurred_on, policy.contracts.handover_days_to_credit_manager),
            )
        if kind == rules.SIGNING:
            contract.signed_on = occurred_on
        contract.status = to_status
        contract.version += 1
        contract.updated_by = by
        contract._history_user = by
        contract._change_reason = reason[:100]
        contract.save()
        record_event(
            "contract.status",
            actor=by,
            request=request,
            obj=contract,
            purpose=reason[:255],
            data={
                "from": old,
                "to": to_status,
                "procedure": kind,
                "on": occurred_on.isoformat(),
                "handover_due": handover.due_on.isoformat() if handover else None,
            },
        )
        return contract


@transaction.atomic
def hand_over(*, by, handover_id: int, note: str = "", request=None) -> Handover:
    """Record that `by` handed the file over: stage 1 by the contract's handler (001
    客户信用档案建立与管理制度 3). The caller
    checks the capability for stage 2 (permissions.handover_permission)."""
    step = selectors.get_handover_for_user(by, handover_id, for_update=True)
    contract = Contract.objects.select_related("handler").get(pk=step.contract_id)
    if step.status != HandoverStatus.PENDING:
        raise DomainError(ContractError.HANDOVER_NOT_PENDING)
    if step.stage == rules.TO_CREDIT_MANAGER and by.pk != contract.handler_id:
        raise DomainError(
            ContractError.NOT_HANDLER, user=contract.handler.get_full_name() or contract.handler.username
        )
    now = timezone.now()
    step.status, step.handed_by, step.handed_at = HandoverStatus.HANDED, by, now
    step.handed_note = (note or "").strip()[:500]
    step.save(update_fields=["status", "handed_by", "handed_at", "handed_note"])
    handed_on = timezone.localdate(now)
    record_event(
        "contract.handover",
        actor=by,
        request=request,
        obj=contract,
        purpose=step.handed_note[:255],
        data={
            "handover": step.pk,
            "stage": step.stage,
            "due": step.due_on.isoformat(),
            "late": rules.was_late(due_on=step.due_on, handed_on=handed_on),
        },
    )
    return step


@transaction.atomic
def receive(
    *, by, handover_id: int, missing_items: str = "", archive_location: str = "", request=None
) -> Handover:
    """Record that `by` received and checked the file, with what was missing. Receiving stage 1
    (credit manager) opens stage 2, due the policy's days after this check (核实后一个月内, 001
    客户信用档案建立与管理制度 3);
    receiving stage 2 files it into the archive room. The caller checks the capability."""
    step = selectors.get_handover_for_user(by, handover_id, for_update=True)
    contract = Contract.objects.get(pk=step.contract_id)
    if step.status != HandoverStatus.HANDED:
        raise DomainError(ContractError.HANDOVER_NOT_HANDED)
    if rules.receiver_problem(handed_by_id=step.handed_by_id, receiver_id=by.pk):
        raise DomainError(ContractError.SAME_PERSON)
    now = timezone.now()
    step.status, step.received_by, step.received_at = HandoverStatus.DONE, by, now
    step.missing_items = (missing_items or "").strip()
    step.archive_location = (archive_location or "").strip()[:100]
    step.save(update_fields=["status", "received_by", "received_at", "missing_items", "archive_location"])
    data = {"handover": step.pk, "stage": step.stage, "missing_items": step.missing_items}
    if step.stage == rules.TO_CREDIT_MANAGER:
        days = current_policy().contracts.handover_days_to_archive
        archive = Handover.objects.create(
            contract=contract,
            event_id=step.event_id,
            stage=rules.TO_ARCHIVE,
            due_on=rules.handover_due(timezone.localdate(now), days),
        )
        data["archive_due"] = archive.due_on.isoformat()
        action = "contract.receive"
    else:
        data["location"] = step.archive_location
        action = "contract.archive"
    record_event(action, actor=by, request=request, obj=contract, data=data)
    return step


def record_ledger_export(*, by, request=None, filters: dict, count: int):
    """The ledger was exported (recorded after the file is built, so no lock is held meanwhile)."""
    return record_event(
        "contract.export", actor=by, request=request, data={"filters": filters, "rows": count}
    )


def record_statistics(*, by, request=None, year: int, part: str, fmt: str):
    return record_event(
        "contract.statistics", actor=by, request=request, data={"year": year, "part": part, "format": fmt}
    )


def record_view(*, by, contract: Contract, request=None):
    """Every look at a contract, like at its customer file, is in the audit log (SPEC §7)."""
    return record_event("contract.view", actor=by, request=request, obj=contract)


def add_contract_document(
    *,
    by,
    contract_id: int,
    category,
    uploaded_file,
    title: str,
    confidentiality: int,
    request=None,
    **metadata,
):
    """File a document of the contract's own file (SPEC §2 item 7): uploaded into the customer's
    file through the documents service (type, size, duplicate and storage checks, versions, audit)
    in a category of the "contract" group, and linked to the contract in the same transaction.
    Caller checks documents.add_document."""
    contract = get_contract_for_user(by, contract_id, request=request)
    if category is None or category.group != rules.DOCUMENT_GROUP or not category.is_active:
        raise DomainError(ContractError.DOCUMENT_CATEGORY, field="category")
    with transaction.atomic():
        document = documents.upload_document(
            by=by,
            customer=contract.customer,
            category=category,
            uploaded_file=uploaded_file,
            title=title,
            confidentiality=confidentiality,
            request=request,
            **metadata,
        )
        ContractDocument.objects.create(contract=contract, document=document, linked_by=by)
        record_event(
            "contract.document",
            actor=by,
            request=request,
            obj=contract,
            data={"document": document.pk, "category": category.code, "title": document.title},
        )
    return document


@transaction.atomic
def transfer_handler(*, contract_ids, to, by, reason: str = "", request=None) -> list[Contract]:
    """Make `to` the handler (承办人) of the given contracts — a staff handover (001 公司客户信息管理办法
    五) — one audit event each, carrying `reason` (the handover's number). The contracts are locked
    first. Caller checks the capability and that `to` is an active successor."""
    locked = list(Contract.objects.select_for_update().filter(pk__in=list(contract_ids)).order_by("pk"))
    events = []
    for contract in locked:
        old = contract.handler_id
        Contract.objects.filter(pk=contract.pk).update(handler=to)
        contract.handler = to
        events.append(
            spec(
                "contract.handler_transferred",
                actor=by,
                request=request,
                obj=contract,
                data={"from": old, "to": to.pk, "handover": reason},
            )
        )
    record_events(events)
    return locked

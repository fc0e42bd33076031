"""Every write of onboarding: one function per business operation, atomic and audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.accounts.models import User
from xindang.approvals.models import ApprovalRequest, ApprovalStatus
from xindang.approvals.services import resubmit, submit_request
from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers import services as customer_services
from xindang.customers.permissions import get_customer_for_user
from xindang.policy.selectors import current_policy

from . import rules
from .errors import OnboardingError
from .models import CardStatus, ContactReport, StaffContact, TransactionCard
from .permissions import OnboardingPermission, has

APPROVAL_KIND = "onboarding.card"
# Fields a user fills on the card (the status, the conditions and the approval are the services').
CARD_INPUT_FIELDS = ("first_contact_on", *rules.CARD_FIELDS)


def require_capability(by, permission: OnboardingPermission) -> None:
    if not has(by, permission):
        raise DomainError(OnboardingError.PERMISSION_DENIED, permission=str(permission))


def _locked_card(customer) -> TransactionCard | None:
    return TransactionCard.objects.select_for_update().filter(customer_id=customer.pk).first()


def _full_clean(card: TransactionCard) -> None:
    try:
        card.full_clean(exclude=["customer", "created_by", "approval"], validate_unique=False)
    except ValidationError as exc:
        raise DomainError(OnboardingError.INVALID, errors=exc.message_dict) from exc


def _not_editable(card: TransactionCard) -> DomainError:
    return DomainError(
        OnboardingError.CARD_NOT_EDITABLE, field="status", status=str(card.get_status_display())
    )


def _visible_or_404(by, customer_id, request) -> None:
    """The refusal of a file the actor may not see, audited outside the write's transaction (whose
    rollback would take the audit event with it)."""
    get_customer_for_user(by, customer_id, request=request)


def save_card(*, by, customer_id: int, data: dict, request=None) -> TransactionCard:
    """Fill in (part of) the transaction card of a customer the actor sees. A draft may hold blanks;
    a submitted or approved card is not changed here (a refused one is corrected and sent again)."""
    require_capability(by, OnboardingPermission.FILL)
    _visible_or_404(by, customer_id, request)
    return _save_card(by=by, customer_id=customer_id, data=data, request=request)


@transaction.atomic
def _save_card(*, by, customer_id: int, data: dict, request=None) -> TransactionCard:
    customer = get_customer_for_user(by, customer_id, request=request, for_update=True)
    card = _locked_card(customer)
    if card is None:
        card = TransactionCard(
            customer=customer,
            first_contact_on=timezone.localdate(customer.created_at),
            created_by=by,
        )
    elif card.status not in rules.EDITABLE:
        raise _not_editable(card)
    changes = {}
    for name in CARD_INPUT_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            if "\x00" in value:  # no database keeps a NUL character (PostgreSQL refuses it outright)
                raise DomainError(OnboardingError.INVALID, field=name, errors={name: ["NUL"]})
            value = value.strip()
        field = TransactionCard._meta.get_field(name)
        text = field.get_internal_type() in ("CharField", "TextField")
        if value == "" and not text:
            value = None  # an empty number or date is a blank, not an error
        elif value is None and text:
            value = ""  # a text left out is a blank text
        try:
            value = field.to_python(value)
        except ValidationError as exc:
            raise DomainError(OnboardingError.INVALID, errors={name: exc.messages}) from exc
        if getattr(card, name) != value:
            changes[name] = True
            setattr(card, name, value)
    _full_clean(card)
    created = card.pk is None
    if not created and not changes:
        return card
    if not created:
        card.version += 1
    card.updated_by = by
    card.save()
    record_event(
        "onboarding.card_save",
        actor=by,
        request=request,
        obj=customer,
        data={"card": card.pk, "fields": sorted(changes), "created": created},
    )
    return card


def card_values(card: TransactionCard) -> dict:
    """The card's fields and the file's fields it shows, by name (for the completeness rule)."""
    customer = card.customer
    return {name: getattr(card, name) for name in rules.CARD_FIELDS} | {
        name: getattr(customer, name) for name in rules.FILE_FIELDS
    }


def blank_fields(card: TransactionCard) -> list[str]:
    return rules.blank_fields(card_values(card), (*rules.FILE_FIELDS, *rules.CARD_FIELDS))


def field_label(name: str) -> str:
    from xindang.customers.models import Customer

    model = Customer if name in rules.FILE_FIELDS else TransactionCard
    return str(model._meta.get_field(name).verbose_name)


def _title(customer) -> str:
    return _("Transaction card: %(customer)s") % {"customer": customer.name}


def submit_card(*, by, customer_id: int, request=None) -> TransactionCard:
    """Send the card for approval through the policy's chain (onboarding.chain). Refused while any
    field of the card or of the file it shows is blank (004 客户信息管理制度 第十条1(5)). A card returned
    for changes goes back to its approvers as a new round of the same request."""
    require_capability(by, OnboardingPermission.FILL)
    _visible_or_404(by, customer_id, request)
    return _submit_card(by=by, customer_id=customer_id, request=request)


@transaction.atomic
def _submit_card(*, by, customer_id: int, request=None) -> TransactionCard:
    customer = get_customer_for_user(by, customer_id, request=request, for_update=True)
    card = _locked_card(customer)
    if card is None:
        raise DomainError(OnboardingError.CARD_MISSING)
    if not rules.can_transition(card.status, rules.SUBMITTED):
        raise _not_editable(card)
    blanks = blank_fields(card)
    if blanks:
        raise DomainError(
            OnboardingError.CARD_INCOMPLETE,
            field=blanks[0],
            fields="、".join(field_label(n) for n in blanks),
            blank=blanks,
        )
    policy = current_policy()
    data = {"card": card.pk, "requested_limit_amount": str(card.requested_limit_amount)}
    previous = card.approval
    if (
        previous is not None
        and previous.status == ApprovalStatus.RETURNED
        and previous.requested_by_id == by.pk
    ):
        approval = resubmit(approval=previous, by=by, data=data, request=request)
    else:
        approval = submit_request(
            kind=APPROVAL_KIND,
            obj=card,
            chain=list(policy.onboarding.chain),
            requested_by=by,
            title=_title(customer),
            summary=card.trade_reason[:500],
            amount=card.requested_limit_amount,
            data=data,
            customer=customer,
            request=request,
        )
    card.approval = approval
    card.status = CardStatus.SUBMITTED
    card.submitted_at = timezone.now()
    card.version += 1
    card.updated_by = by
    card.save()
    record_event(
        "onboarding.card_submit",
        actor=by,
        request=request,
        obj=customer,
        data={"card": card.pk, "approval": approval.pk, "chain": list(approval.chain)},
    )
    return card


# --- The approval engine's callbacks (run inside the deciding transaction) ---------------------------
def _card_of(approval: ApprovalRequest) -> TransactionCard:
    return TransactionCard.objects.select_for_update().get(pk=int(approval.object_id))


def _decider(approval):
    step = approval.steps.filter(acted_by__isnull=False).order_by("-acted_at", "-pk").first()
    return step.acted_by if step else None


def on_approved(approval) -> None:
    """The last signature: the card is approved, the customer is onboarded and gets its code (002 篇五
    第三条(4)); a prospect becomes an active customer."""
    card = _card_of(approval)
    by = _decider(approval)
    card.status = CardStatus.APPROVED
    card.approved_at = timezone.now()
    card.version += 1
    card.save(update_fields=["status", "approved_at", "version", "updated_at"])
    customer = customer_services.mark_onboarded(customer_id=card.customer_id, by=by)
    record_event(
        "onboarding.card_approve",
        actor=by,
        obj=customer,
        data={"card": card.pk, "approval": approval.pk, "code": customer.code, "conditions": card.conditions},
    )


def _back(approval, status: str, action: str) -> None:
    card = _card_of(approval)
    card.status = status
    card.version += 1
    card.save(update_fields=["status", "version", "updated_at"])
    record_event(
        action, actor=_decider(approval), obj=card.customer, data={"card": card.pk, "approval": approval.pk}
    )


def on_rejected(approval) -> None:
    _back(approval, CardStatus.REJECTED, "onboarding.card_reject")


def on_returned(approval) -> None:
    _back(approval, CardStatus.DRAFT, "onboarding.card_return")


def on_withdrawn(approval) -> None:
    _back(approval, CardStatus.DRAFT, "onboarding.card_return")


def describe_approval_data(data: dict) -> list[tuple[str, str]]:
    from xindang.core.money import format_yuan

    items = []
    amount = data.get("requested_limit_amount")
    if amount not in (None, "None", ""):
        from decimal import Decimal

        items.append((_("Requested credit limit"), format_yuan(Decimal(str(amount)))))
    return items


def register_approval_kind() -> None:
    from django.utils.translation import gettext_lazy

    from xindang.approvals import register

    register(
        APPROVAL_KIND,
        on_approved=on_approved,
        on_rejected=on_rejected,
        on_returned=on_returned,
        on_withdrawn=on_withdrawn,
        label=gettext_lazy("Transaction card"),
        title=lambda approval: _("Transaction card: %(customer)s") % {"customer": approval.customer_name},
        describe=describe_approval_data,
    )


# --- Conditions attached to trade (004 客户信息管理制度 第十条2) -------------------------------------------
def set_conditions(*, by, customer_id: int, conditions, note: str = "", request=None) -> TransactionCard:
    """Attach conditions (contract, personal/joint guarantee, collateral) to a submitted or approved
    card (第十条2(2): the manager sets them from the credit survey). Shown at every credit check."""
    require_capability(by, OnboardingPermission.SET_CONDITIONS)
    _visible_or_404(by, customer_id, request)
    return _set_conditions(by=by, customer_id=customer_id, conditions=conditions, note=note, request=request)


@transaction.atomic
def _set_conditions(*, by, customer_id: int, conditions, note: str, request=None) -> TransactionCard:
    customer = get_customer_for_user(by, customer_id, request=request)
    card = _locked_card(customer)
    if card is None:
        raise DomainError(OnboardingError.CARD_MISSING)
    if card.status not in (CardStatus.SUBMITTED, CardStatus.APPROVED):
        raise DomainError(OnboardingError.CONDITIONS_NOT_OPEN)
    try:
        text = rules.conditions_text(conditions or ())
    except ValueError as exc:
        raise DomainError(
            OnboardingError.UNKNOWN_CONDITION, field="conditions", condition=exc.args[0]
        ) from exc
    note = (note or "").strip()[:300]
    old = (card.conditions, card.conditions_note)
    if old == (text, note):
        return card
    card.conditions, card.conditions_note = text, note
    card.version += 1
    card.updated_by = by
    card.save(update_fields=["conditions", "conditions_note", "version", "updated_by", "updated_at"])
    record_event(
        "onboarding.conditions",
        actor=by,
        request=request,
        obj=customer,
        data={"card": card.pk, "from": old[0], "to": text, "note": note},
    )
    return card


# --- Staff contacts and contact reports (001 公司客户信息管理办法 七.3) -----------------------------------
def add_staff_contact(*, by, customer_id: int, user_id: int, request=None) -> StaffContact:
    """Name one of our staff who keeps contact with the customer (001 公司客户信息管理办法 七.3)."""
    require_capability(by, OnboardingPermission.ASSIGN_CONTACT)
    _visible_or_404(by, customer_id, request)
    return _add_staff_contact(by=by, customer_id=customer_id, user_id=user_id, request=request)


@transaction.atomic
def _add_staff_contact(*, by, customer_id: int, user_id: int, request=None) -> StaffContact:
    customer = get_customer_for_user(by, customer_id, request=request, for_update=True)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise DomainError(OnboardingError.NOT_STAFF, field="user")
    if StaffContact.objects.filter(customer=customer, user=user).exists():
        raise DomainError(
            OnboardingError.ALREADY_CONTACT, field="user", user=user.get_full_name() or user.username
        )
    contact = StaffContact.objects.create(customer=customer, user=user, assigned_by=by)
    record_event("onboarding.staff_contact", actor=by, request=request, obj=customer, data={"user": user.pk})
    return contact


@transaction.atomic
def file_contact_report(
    *, by, staff_contact_id: int, reported_on, summary: str, request=None
) -> ContactReport:
    """The member of staff who keeps the contact files what the contact was about (联系报告制)."""
    require_capability(by, OnboardingPermission.REPORT_CONTACT)
    contact = StaffContact.objects.select_related("customer").filter(pk=staff_contact_id).first()
    if contact is None or contact.user_id != by.pk:
        raise DomainError(OnboardingError.NOT_YOUR_CONTACT)
    summary = (summary or "").strip()
    if not summary:
        raise DomainError(OnboardingError.SUMMARY_REQUIRED, field="summary")
    if reported_on is None:
        raise DomainError(OnboardingError.INVALID, field="reported_on", errors={"reported_on": ["required"]})
    report = ContactReport.objects.create(staff_contact=contact, reported_on=reported_on, summary=summary)
    record_event(
        "onboarding.contact_report",
        actor=by,
        request=request,
        obj=contact.customer,
        data={"staff_contact": contact.pk, "reported_on": str(reported_on)},
    )
    return report


def record_print(*, card: TransactionCard, by, request=None) -> None:
    """A printed card leaves the system: who printed it is audited."""
    record_event(
        "onboarding.card_print",
        actor=by,
        request=request,
        obj=card.customer,
        data={"card": card.pk, "status": card.status},
    )

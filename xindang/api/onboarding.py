"""The transaction card (客户交易卡) of a new customer: read, fill in, submit for approval."""

from datetime import date
from decimal import Decimal

from ninja import Router, Schema

from xindang.customers.permissions import get_customer_for_user
from xindang.onboarding import selectors, services
from xindang.onboarding.models import CardStatus
from xindang.onboarding.permissions import OnboardingPermission

from .permissions import require

router = Router()


class ConditionOut(Schema):
    code: str
    label: str


class CardOut(Schema):
    customer_id: int
    onboarded: bool  # may the customer trade on credit (card approved, or a file that needed none)
    customer_code: str | None
    status: CardStatus | None  # None without a card
    approval_id: int | None = None
    first_contact_on: date | None = None
    head_office: str = ""
    trading_site: str = ""
    staff_count: int | None = None
    managers_count: int | None = None
    managers_age_structure: str = ""
    assets_schedule: str = ""
    requested_limit_amount: Decimal | None = None
    trade_reason: str = ""
    products: str = ""
    survey_result: str = ""
    blank_fields: list[str] = []  # what still blocks the submission (004 客户信息管理制度 第十条1(5))
    conditions: list[ConditionOut] = []
    conditions_note: str = ""


class CardIn(Schema):
    first_contact_on: date | None = None
    head_office: str | None = None
    trading_site: str | None = None
    staff_count: int | None = None
    managers_count: int | None = None
    managers_age_structure: str | None = None
    assets_schedule: str | None = None
    requested_limit_amount: Decimal | None = None
    trade_reason: str | None = None
    products: str | None = None
    survey_result: str | None = None


def _out(customer) -> dict:
    card = selectors.card_of(customer)
    out = {
        "customer_id": customer.pk,
        "onboarded": selectors.is_onboarded(customer),
        "customer_code": customer.code,
        "status": card.status if card else None,
    }
    if card is None:
        return out
    fields = {name: getattr(card, name) for name in services.CARD_INPUT_FIELDS}
    return (
        out
        | fields
        | {
            "approval_id": card.approval_id,
            "blank_fields": services.blank_fields(card),
            "conditions": [
                {"code": c, "label": lbl}
                for c, lbl in zip(card.condition_codes(), card.condition_labels(), strict=True)
            ],
            "conditions_note": card.conditions_note,
        }
    )


@router.get("/{int:customer_id}/card", response=CardOut, summary="Read a customer's transaction card")
def read_card(request, customer_id: int):
    require(request, OnboardingPermission.VIEW)
    return _out(get_customer_for_user(request.user, customer_id, request=request))


@router.post("/{int:customer_id}/card", response=CardOut, summary="Fill in the transaction card (draft)")
def save_card(request, customer_id: int, payload: CardIn):
    require(request, OnboardingPermission.FILL)
    data = payload.dict(exclude_unset=True)
    services.save_card(by=request.user, customer_id=customer_id, data=data, request=request)
    return _out(get_customer_for_user(request.user, customer_id, request=request))


@router.post(
    "/{int:customer_id}/card/submit", response=CardOut, summary="Submit the transaction card for approval"
)
def submit_card(request, customer_id: int):
    """Refused with onboarding.card_incomplete (422) while any field is blank."""
    require(request, OnboardingPermission.FILL)
    services.submit_card(by=request.user, customer_id=customer_id, request=request)
    return _out(get_customer_for_user(request.user, customer_id, request=request))

"""Reads of onboarding: a customer's card and its state, its staff contacts, the to-do items."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from xindang.approvals.models import StepStatus
from xindang.core.workbench import WorkItem
from xindang.customers import rules as customer_rules
from xindang.customers.choices import Onboarding
from xindang.customers.selectors import visible_customers
from xindang.policy.selectors import current_policy

from . import rules
from .models import CardStatus, StaffContact, TransactionCard
from .permissions import OnboardingPermission, has


def card_of(customer) -> TransactionCard | None:
    return TransactionCard.objects.select_related("approval").filter(customer_id=customer.pk).first()


def is_onboarded(customer) -> bool:
    """May the customer trade on credit (its card approved, or a file that did not need one)?"""
    return customer.onboarding == Onboarding.APPROVED


def reviewed_by_superior(card: TransactionCard | None) -> bool:
    """003 篇四 1: the direct superior — the first step of the card's approval — has signed."""
    if card is None or card.approval_id is None:
        return False
    if card.status == CardStatus.APPROVED:
        return True
    return card.approval.steps.filter(
        round=card.approval.round, position=1, status=StepStatus.APPROVED
    ).exists()


def first_contact_on(customer, card: TransactionCard | None):
    return card.first_contact_on if card is not None else timezone.localdate(customer.created_at)


@dataclass
class OnboardingState:
    """What the file header and the section show about a customer's onboarding."""

    onboarded: bool
    card: TransactionCard | None
    conditions: list[str] = field(default_factory=list)
    conditions_note: str = ""
    review_due_on: object = None
    review_overdue: bool = False


def onboarding_state(customer) -> OnboardingState:
    card = card_of(customer)
    state = OnboardingState(onboarded=is_onboarded(customer), card=card)
    if card is not None:
        state.conditions = card.condition_labels()
        state.conditions_note = card.conditions_note
    if not state.onboarded:
        days = current_policy().onboarding.review_days
        first = first_contact_on(customer, card)
        state.review_due_on = rules.review_due_on(first, days)
        state.review_overdue = rules.review_overdue(
            first, days, timezone.localdate(), reviewed=reviewed_by_superior(card)
        )
    return state


def conditions_of(customer_id: int) -> list[str]:
    """The conditions attached to the customer's trade, by code (for the credit check's twin)."""
    text = (
        TransactionCard.objects.filter(customer_id=customer_id).values_list("conditions", flat=True).first()
    )
    return list(rules.parse_conditions(text))


def staff_contacts(customer) -> list[StaffContact]:
    return list(
        StaffContact.objects.filter(customer=customer).select_related("user").prefetch_related("reports")
    )


def needs_staff_contacts(customer) -> bool:
    """An important new customer (one that came through the card) — 001 公司客户信息管理办法 七.3."""
    section = current_policy().onboarding
    return TransactionCard.objects.filter(customer_id=customer.pk).exists() and rules.is_important(
        customer.importance, customer.tier, levels=section.important_levels, tiers=section.important_tiers
    )


# --- The workbench ---------------------------------------------------------------------------------
def _url(customer) -> str:
    return reverse("customers:detail", args=[customer.pk]) + "#onboarding"


def workbench_items(user) -> list[WorkItem]:
    """Work onboarding makes due: a new file to build and have reviewed within a week of the first
    contact (003 篇四 1), staff contacts an important new customer still lacks and contact reports
    not yet written (001 公司客户信息管理办法 七.3)."""
    from django.utils.translation import gettext as _

    if not has(user, OnboardingPermission.VIEW):
        return []
    section = current_policy().onboarding
    today = timezone.localdate()
    items: list[WorkItem] = []
    mine = Q(owner=user)
    if has(user, OnboardingPermission.ASSIGN_CONTACT) and user.department_id:
        mine |= Q(department_id=user.department_id)  # the direct superior reviews the department's files
    visible = visible_customers(user).filter(status__in=customer_rules.OPEN_STATUSES).filter(mine)
    prospects = visible.filter(onboarding=Onboarding.PENDING).select_related("transaction_card")
    for customer in prospects.order_by("created_at")[:100]:
        card = getattr(customer, "transaction_card", None)
        if reviewed_by_superior(card):
            continue
        first = first_contact_on(customer, card)
        due = rules.review_due_on(first, section.review_days)
        items.append(
            WorkItem(
                kind="onboarding.card_due",
                label=_("New customer file to build and review"),
                title=customer.name,
                url=_url(customer),
                due=due,
                overdue=rules.review_overdue(first, section.review_days, today, reviewed=False),
                customer_id=customer.pk,
                customer_name=customer.name,
                rule=_(
                    "003 篇四 1: the file is built within a week of first contact and reviewed by the "
                    "direct superior"
                ),
            )
        )
    important = visible.filter(transaction_card__isnull=False).filter(
        Q(importance__in=section.important_levels) | Q(tier__in=section.important_tiers)
    )
    for customer in important.annotate(n=Count("staff_contacts")).order_by("created_at")[:100]:
        missing = rules.missing_staff_contacts(customer.n, section.min_staff_contacts)
        if missing:
            items.append(
                WorkItem(
                    kind="onboarding.staff_contacts",
                    label=_("Important new customer needs more staff contacts"),
                    title=customer.name,
                    url=_url(customer),
                    customer_id=customer.pk,
                    customer_name=customer.name,
                    rule=_(
                        "001 公司客户信息管理办法 七.3: two or more of our staff keep contact, with "
                        "contact reports"
                    ),
                )
            )
    own = StaffContact.objects.filter(user=user, reports__isnull=True).select_related("customer")
    for contact in own.order_by("assigned_at")[:100]:
        items.append(
            WorkItem(
                kind="onboarding.contact_report",
                label=_("Contact report to write"),
                title=contact.customer.name,
                url=_url(contact.customer),
                customer_id=contact.customer_id,
                customer_name=contact.customer.name,
                rule=_("001 公司客户信息管理办法 七.3: 建立联系报告制"),
            )
        )
    return items


def card_rows(card: TransactionCard) -> list[dict]:
    """The card as the paper form lists it: the file's fields it shows, then its own, each with its
    label, its value and whether it is still blank (004 客户信息管理制度 第十条1(5)-(6))."""
    from xindang.customers.models import Customer

    rows = []
    for name in (*rules.FILE_FIELDS, *rules.CARD_FIELDS):
        source, model = (card.customer, Customer) if name in rules.FILE_FIELDS else (card, TransactionCard)
        value = getattr(source, name)
        rows.append(
            {
                "name": name,
                "label": model._meta.get_field(name).verbose_name,
                "value": value,
                "blank": rules.is_blank(value),
                "from_file": name in rules.FILE_FIELDS,
                "money": name in ("requested_limit_amount", "registered_capital"),
            }
        )
    return rows

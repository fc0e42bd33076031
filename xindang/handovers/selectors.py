"""Reading handovers: what a person holds (customers, contracts, duties, requests, approvals waiting at
their role, originals on loan), the handover lists, the survey and performance tables of seed 001, and
the workbench items for signatures still missing."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.accounts.models import User
from xindang.approvals.models import ApprovalRequest, ApprovalStatus, ApprovalStep
from xindang.contracts.models import Contract
from xindang.core.workbench import WorkItem
from xindang.customers.models import Contact, Customer
from xindang.duties.models import Duty, DutyState
from xindang.ledger.models import EntryKind, TradeEntry
from xindang.ledger.selectors import exposures_for
from xindang.lifecycle.models import Loan

from . import rules
from .models import Handover, HandoverItem, Signature
from .permissions import HandoverPermission, can_hand_over

RULE = "001 公司客户信息管理办法 五"


@dataclass
class Holdings:
    customers: QuerySet
    contracts: QuerySet
    duties: QuerySet
    requests: QuerySet
    approvals: list = field(
        default_factory=list
    )  # ApprovalStep rows: the current step, at a role the leaver holds
    loans: QuerySet = None

    def counts(self) -> dict:
        return {
            rules.CUSTOMER: self.customers.count(),
            rules.CONTRACT: self.contracts.count(),
            rules.DUTY: self.duties.count(),
            rules.REQUEST: self.requests.count(),
            rules.APPROVAL: len(self.approvals),
            rules.LOAN: self.loans.count(),
        }


def holdings(leaver, *, roles=None) -> Holdings:
    """Everything `leaver` holds that must not stay orphaned when they go."""
    roles = set(leaver.groups.values_list("name", flat=True)) if roles is None else set(roles)
    waiting = list(
        ApprovalStep.objects.filter(
            request__status=ApprovalStatus.PENDING,
            round=F("request__round"),
            position=F("request__current_position"),
        )
        # a step named for the leaver, or one at a role they hold that names nobody
        .filter(Q(assignee=leaver) | Q(assignee__isnull=True, role__in=roles))
        .exclude(request__requested_by=leaver)
        .select_related("request")
        .order_by("request_id")
    )
    return Holdings(
        customers=Customer.objects.filter(owner=leaver).select_related("department").order_by("file_no"),
        contracts=Contract.objects.filter(handler=leaver, status__in=rules.OPEN_CONTRACT_STATUSES)
        .select_related("customer")
        .order_by("pk"),
        duties=Duty.objects.filter(assignee=leaver, state=DutyState.OPEN).order_by("due_on", "pk"),
        requests=ApprovalRequest.objects.filter(
            requested_by=leaver, status__in=(ApprovalStatus.PENDING, ApprovalStatus.RETURNED)
        ).order_by("pk"),
        approvals=waiting,
        loans=Loan.objects.filter(borrower=leaver, returned_on__isnull=True)
        .select_related("customer")
        .order_by("pk"),
    )


def leaver_choices() -> QuerySet:
    return User.objects.order_by("-is_active", "username")


def successor_choices() -> QuerySet:
    return User.objects.filter(is_active=True).select_related("department").order_by("username")


def visible_handovers(user) -> QuerySet[Handover]:
    qs = Handover.objects.select_related("leaver", "successor", "manager", "created_by")
    if not user or not user.is_authenticated:
        return qs.none()
    if user.has_perm(HandoverPermission.VIEW) or user.has_perm(HandoverPermission.HAND_OVER):
        return qs
    return qs.filter(
        Q(leaver=user) | Q(successor=user) | Q(manager=user) | Q(items__successor=user)
    ).distinct()


def parties(handover: Handover) -> rules.Parties:
    successors = set(
        handover.items.filter(outcome=rules.HANDED).values_list("successor_id", flat=True).distinct()
    )
    return rules.Parties(
        leaver_id=handover.leaver_id, successor_ids=frozenset(successors), manager_id=handover.manager_id
    )


def sign_off_lines(handover: Handover) -> list[dict]:
    """Each required line with its signature, if made."""
    signed = {(s.line, s.signer_id): s for s in handover.signatures.select_related("signer", "recorded_by")}
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in={uid for _l, uid in rules.required_lines(parties(handover))})
    }
    from .models import Line

    return [
        {
            "line": line,
            "label": Line(line).label,
            "user": users.get(uid),
            "signature": signed.get((line, uid)),
        }
        for line, uid in rules.required_lines(parties(handover))
    ]


def is_signed(handover: Handover) -> bool:
    return all(row["signature"] for row in sign_off_lines(handover))


def items_by_category(handover: Handover) -> list[tuple[str, list[HandoverItem]]]:
    from .models import Category

    items = list(handover.items.select_related("successor", "customer").order_by("category", "pk"))
    return [(label, [i for i in items if i.category == code]) for code, label in Category.choices]


@dataclass
class CustomerRow:
    customer: Customer
    successor: object
    exposure: Decimal
    open_items: list
    sales_this_year: Decimal
    sales_last_year: Decimal
    contacts: list


def customer_rows(handover: Handover, *, today: date | None = None) -> list[CustomerRow]:
    """客户情况调查表 and 业绩档案汇总表 (seed 001 客户档案建立与维护方案 一.1–2) of the customers handed
    over:
    status, exposure, what is still open for each, this year's and last year's sales from the ledger,
    and the contacts to tell who the new contact is (SPEC §1)."""
    today = today or timezone.localdate()
    items = list(handover.items.filter(category=rules.CUSTOMER).select_related("customer", "successor"))
    ids = [i.customer_id for i in items]
    exposures = exposures_for(ids)
    sales: dict = {}
    for cid_start in range(0, len(ids), 500):
        chunk = ids[cid_start : cid_start + 500]
        rows = (
            TradeEntry.objects.filter(
                customer_id__in=chunk, kind=EntryKind.SHIPMENT, entry_on__year__gte=today.year - 1
            )
            .annotate(year=ExtractYear("entry_on"))
            .values("customer_id", "year")
            .annotate(total=Sum("amount"))
        )
        for r in rows:
            sales[(r["customer_id"], r["year"])] = r["total"]
    contacts: dict = {}
    for c in Contact.objects.filter(customer_id__in=ids).order_by("-is_primary", "pk"):
        contacts.setdefault(c.customer_id, []).append(c)
    open_by_customer: dict = {}
    for i in handover.items.exclude(category=rules.CUSTOMER).filter(customer_id__in=ids):
        open_by_customer.setdefault(i.customer_id, []).append(i)
    zero = Decimal("0.00")
    return [
        CustomerRow(
            customer=i.customer,
            successor=i.successor,
            exposure=exposures[i.customer_id].total_amount,
            open_items=open_by_customer.get(i.customer_id, []),
            sales_this_year=sales.get((i.customer_id, today.year), zero),
            sales_last_year=sales.get((i.customer_id, today.year - 1), zero),
            contacts=contacts.get(i.customer_id, []),
        )
        for i in items
    ]


def workbench_items(user) -> list[WorkItem]:
    """Sign-off lines waiting for `user` (seed 001 公司客户信息管理办法 五: the customer data is received by
    the department; the handover list is signed by the one who hands over, who receives and who checks);
    for the administrator, leavers' signatures still to record."""
    if not user or not user.is_authenticated or not user.is_active:
        return []
    out = []
    candidates = Handover.objects.filter(
        Q(manager=user) | Q(items__successor=user, items__outcome=rules.HANDED)
    ).distinct()
    may_record = can_hand_over(user)
    if may_record:
        candidates = Handover.objects.filter(
            Q(pk__in=candidates.values("pk")) | Q(leaver__is_active=False, created_by=user)
        )
    signed = set(
        Signature.objects.filter(handover__in=candidates).values_list("handover_id", "line", "signer_id")
    )
    for h in candidates.select_related("leaver").order_by("created_at"):
        for line, uid in rules.required_lines(parties(h)):
            if (h.pk, line, uid) in signed:
                continue
            if uid == user.pk or (line == rules.LEAVER and may_record and not h.leaver.is_active):
                title = (
                    _("Handover %(no)s of %(leaver)s: sign the list")
                    if uid == user.pk
                    else _("Handover %(no)s of %(leaver)s: record the leaver's signature")
                ) % {"no": h.number, "leaver": h.leaver}
                out.append(
                    WorkItem(
                        kind="handovers.sign",
                        label=_("Handover to sign"),
                        title=title,
                        url=h.get_absolute_url(),
                        rule=RULE,
                    )
                )
    return out


def get_visible_handover(user, pk) -> Handover:
    """The handover if `user` may see it (visible_handovers); 404 otherwise."""
    found = visible_handovers(user).filter(pk=pk).first() if 0 < int(pk) < 2**63 else None
    if found is None:
        raise Http404
    return found


def handover_items(handover: Handover) -> QuerySet[HandoverItem]:
    """The handover's list, by category, with the successor named for each item."""
    return handover.items.select_related("successor").order_by("category", "pk")


def handover_list(user) -> QuerySet[Handover]:
    """The handovers `user` may see, the latest first."""
    return visible_handovers(user).order_by("-created_at", "-pk")

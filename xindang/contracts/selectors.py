"""Reading contracts. A contract is visible iff its customer file is (visible_customers is the one
rule); every list, page, export and statistic goes through visible_contracts()."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core.workbench import WorkItem
from xindang.customers.rules import normalize_query
from xindang.customers.selectors import visible_customers
from xindang.documents.models import Document, DocumentCategory
from xindang.documents.selectors import visible_documents
from xindang.policy.selectors import current_policy

from . import rules
from .models import Contract, ContractDocument, ContractEvent, Handover, HandoverStatus
from .permissions import ContractPermission, handover_permission


def handled_customers(user) -> Q:
    """The files of the contracts `user` handles (承办人): registered with
    customers.selectors.register_visibility, so the handler opens the file of their contract even
    when it is another salesperson's (e.g. after the file was reassigned)."""
    return Q(pk__in=Contract.objects.filter(handler_id=user.pk).values("customer_id"))


def visible_contracts(user) -> QuerySet[Contract]:
    qs = Contract.objects.all()
    if not user or not user.is_authenticated or not user.has_perm(ContractPermission.VIEW):
        return qs.none()
    customers = visible_customers(user)
    if customers.query.is_empty():
        return qs.none()
    if not customers.query.has_filters():  # sees every file: no subquery needed
        return qs
    return qs.filter(customer__in=customers.values("pk"))


def get_handover_for_user(user, pk, *, for_update: bool = False) -> Handover:
    qs = Handover.objects.filter(contract__in=visible_contracts(user).values("pk"))
    qs = qs.select_for_update() if for_update else qs.select_related("contract", "event")
    try:
        return qs.get(pk=pk)
    except (Handover.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Handover state --------------------------------------------------------------------------------
def _handed_on(step: Handover) -> date | None:
    return timezone.localdate(step.handed_at) if step.handed_at else None


def step_state(step: Handover, today: date | None = None) -> str:
    return rules.step_state(
        status=step.status,
        due_on=step.due_on,
        handed_on=_handed_on(step),
        today=today or timezone.localdate(),
    )


def contract_handover_state(contract: Contract, today: date | None = None) -> str | None:
    """The headline state of a contract's file: the worst of its open steps, "received" when every
    step is done, None when there was no procedure yet. Uses prefetched `open_handovers` if present."""
    today = today or timezone.localdate()
    steps = getattr(contract, "open_handovers", None)
    if steps is None:
        steps = list(contract.handovers.exclude(status=HandoverStatus.DONE))
    if steps:
        return rules.worst_state(step_state(s, today) for s in steps)
    has_any = getattr(contract, "handover_count", None)
    if has_any is None:
        has_any = contract.handovers.exists()
    return rules.RECEIVED if has_any else None


def with_handover_state(qs: QuerySet[Contract]) -> QuerySet[Contract]:
    return qs.annotate(handover_count=Count("handovers")).prefetch_related(
        Prefetch(
            "handovers",
            queryset=Handover.objects.exclude(status=HandoverStatus.DONE),
            to_attr="open_handovers",
        )
    )


def contract_handovers(contract: Contract) -> list[Handover]:
    return list(
        contract.handovers.select_related("event", "handed_by", "received_by").order_by("created_at", "id")
    )


def contract_events(contract: Contract) -> list[ContractEvent]:
    return list(contract.events.select_related("recorded_by").order_by("-occurred_on", "-id"))


def customer_contracts(user, customer) -> list[Contract]:
    qs = visible_contracts(user).filter(customer=customer).select_related("handler")
    return list(with_handover_state(qs).order_by("-created_at", "-id"))


# --- The contract's own file (SPEC §2 item 7) ---------------------------------------------------------
def contract_document_categories():
    return DocumentCategory.objects.filter(group=rules.DOCUMENT_GROUP, is_active=True).order_by(
        "sort_order", "code"
    )


@dataclass
class CategoryDocuments:
    category: DocumentCategory
    documents: list


def contract_documents(user, contract: Contract) -> tuple[list[CategoryDocuments], int]:
    """The contract's documents that `user` may read, grouped by the categories of the contract-file
    list in its order (an empty category is what the file still lacks), and how many linked
    documents are above the user's clearance (counted, never shown)."""
    readable = (
        visible_documents(user, contract.customer)
        .filter(contract_link__contract=contract)
        .select_related("category", "current_version", "filed_by")
        .order_by("category__sort_order", "-filed_at")
    )
    by_category: dict[int, list[Document]] = {}
    for document in readable:
        by_category.setdefault(document.category_id, []).append(document)
    categories = list(contract_document_categories())
    known = {c.pk for c in categories}
    groups = [CategoryDocuments(c, by_category.get(c.pk, [])) for c in categories]
    # documents of a category retired since they were filed stay listed
    for category_id, documents in by_category.items():
        if category_id not in known:
            groups.append(CategoryDocuments(documents[0].category, documents))
    hidden = ContractDocument.objects.filter(contract=contract).count() - sum(
        len(g.documents) for g in groups
    )
    return groups, hidden


def get_contract_document(user, contract: Contract, document_pk) -> Document:
    """A document linked to this contract that `user` may read; otherwise 404."""
    try:
        return (
            visible_documents(user, contract.customer)
            .select_related("customer")
            .get(pk=document_pk, contract_link__contract=contract)
        )
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- The ledger (合同管理台帐) ---------------------------------------------------------------------
SORTS = {
    "no": "contract_no",
    "-no": "-contract_no",
    "customer": "customer__name",
    "-customer": "-customer__name",
    "signed": "signed_on",
    "-signed": "-signed_on",
    "ends": "ends_on",
    "-ends": "-ends_on",
    "amount": "amount",
    "-amount": "-amount",
    "status": "status",
    "-status": "-status",
    "created": "created_at",
    "-created": "-created_at",
}
DEFAULT_SORT = "-created"
FILTER_KEYS = (
    "q",
    "department",
    "customer",
    "status",
    "kind",
    "currency",
    "signed_from",
    "signed_to",
    "amount_min",
    "amount_max",
    "handover",
)


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def filter_contracts(qs: QuerySet[Contract], params, today: date | None = None) -> QuerySet[Contract]:
    """The ledger's filters; unparsable values are ignored (a typed-in URL is no error)."""
    q = (params.get("q") or "").strip()
    if q:
        text = normalize_query(q)
        qs = qs.filter(
            Q(contract_no__icontains=q)
            | Q(title__icontains=q)
            | Q(customer__search_text__contains=text)
            | Q(customer__name__icontains=q)
        )
    customer = params.get("customer")
    if customer and str(customer).isdigit():
        qs = qs.filter(customer_id=int(customer))
    department = params.get("department")
    if department and str(department).isdigit():
        qs = qs.filter(department_id=int(department))
    for key in ("status", "kind", "currency"):
        value = params.get(key)
        if value:
            qs = qs.filter(**{key: value})
    signed_from, signed_to = _date(params.get("signed_from")), _date(params.get("signed_to"))
    if signed_from:
        qs = qs.filter(signed_on__gte=signed_from)
    if signed_to:
        qs = qs.filter(signed_on__lte=signed_to)
    amount_min, amount_max = _amount(params.get("amount_min")), _amount(params.get("amount_max"))
    if amount_min is not None:
        qs = qs.filter(amount__gte=amount_min)
    if amount_max is not None:
        qs = qs.filter(amount__lte=amount_max)
    handover = params.get("handover")
    if handover in ("open", "overdue"):
        steps = Handover.objects.exclude(status=HandoverStatus.DONE)
        if handover == "overdue":
            today = today or timezone.localdate()
            steps = steps.filter(status=HandoverStatus.PENDING, due_on__lt=today)
        qs = qs.filter(pk__in=steps.values("contract_id"))
    sort = SORTS.get(params.get("sort") or DEFAULT_SORT, SORTS[DEFAULT_SORT])
    return qs.order_by(sort, "-id")


def contract_ledger(user, params) -> QuerySet[Contract]:
    qs = filter_contracts(visible_contracts(user), params)
    return qs.select_related("customer", "department", "handler")


def ledger_totals(qs: QuerySet[Contract]) -> list[tuple[str, Decimal]]:
    """Sum of amounts per currency of the filtered ledger (never summed across currencies)."""
    rows = qs.order_by().values("currency").annotate(total=Sum("amount")).order_by("currency")
    return sorted(((r["currency"], r["total"]) for r in rows), key=lambda r: (r[0] != "CNY", r[0]))


# --- Statistics (合同统计报表) ----------------------------------------------------------------------
def contract_statistics(user, year: int, part: str) -> rules.Statistics:
    """The report over the contracts the user sees (a department manager gets the department's)."""
    start, end = rules.period_bounds(year, part)
    contracts = visible_contracts(user).exclude(status=rules.DRAFT)
    facts = [
        rules.ContractFact(
            contract_id=row["pk"],
            department=row["department__name"],
            kind=row["kind"],
            status=row["status"],
            amount=row["amount"],
            currency=row["currency"],
            signed_on=row["signed_on"],
        )
        for row in contracts.filter(
            Q(signed_on__range=(start, end))
            | Q(events__occurred_on__range=(start, end), events__kind__in=rules.EVENT_KINDS)
        )
        .distinct()
        .values("pk", "department__name", "kind", "status", "amount", "currency", "signed_on")
    ]
    events = [
        rules.EventFact(contract_id=row["contract_id"], kind=row["kind"], occurred_on=row["occurred_on"])
        for row in ContractEvent.objects.filter(
            contract__in=contracts.values("pk"), occurred_on__range=(start, end)
        ).values("contract_id", "kind", "occurred_on")
    ]
    return rules.contract_statistics(facts, events, start, end)


def next_statistics_due(today: date | None = None) -> rules.ReportDue | None:
    policy = current_policy()
    return rules.next_report_due(today or timezone.localdate(), policy.contracts.statistics_due_dates)


# --- Workbench ------------------------------------------------------------------------------------
@dataclass
class OpenStep:
    handover: Handover
    state: str
    action: str  # what the user is to do: "hand" or "receive"


def open_handover_steps(user, today: date | None = None) -> list[OpenStep]:
    """The handover steps waiting for `user`: as handler, their stage-1 files not yet handed over; as
    credit manager, stage-1 files to receive (and stage-1 overdue ones, to chase) and stage-2 files to
    take to the archive room; as archive room, stage-2 files to receive."""

    if not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    soon = today + timedelta(days=current_policy().contracts.handover_due_soon_days)
    visible = visible_contracts(user).values("pk")
    base = Handover.objects.filter(contract__in=visible).select_related(
        "contract", "contract__customer", "event"
    )
    pending, handed = HandoverStatus.PENDING, HandoverStatus.HANDED
    conds = Q(stage=rules.TO_CREDIT_MANAGER, status=pending, contract__handler=user, due_on__lte=soon)
    not_own = ~Q(handed_by=user)  # nobody receives what they handed over (rules.receiver_problem)
    if user.has_perm(handover_permission(rules.TO_CREDIT_MANAGER, "receive")):
        conds |= Q(stage=rules.TO_CREDIT_MANAGER, status=handed) & not_own
        conds |= Q(stage=rules.TO_CREDIT_MANAGER, status=pending, due_on__lt=today)
    if user.has_perm(handover_permission(rules.TO_ARCHIVE, "hand")):
        conds |= Q(stage=rules.TO_ARCHIVE, status=pending, due_on__lte=soon)
    if user.has_perm(handover_permission(rules.TO_ARCHIVE, "receive")):
        conds |= Q(stage=rules.TO_ARCHIVE, status=handed) & not_own
    steps = []
    for step in base.filter(conds).order_by("due_on", "id")[:200]:
        steps.append(
            OpenStep(
                step, step_state(step, today), "receive" if step.status == HandoverStatus.HANDED else "hand"
            )
        )
    return steps


def workbench_items(user) -> list[WorkItem]:
    """Contract-file handovers due soon or overdue, and files waiting to be received (workbench)."""

    today = timezone.localdate()
    labels = {
        (rules.TO_CREDIT_MANAGER, "hand"): _("Hand contract file to credit manager"),
        (rules.TO_CREDIT_MANAGER, "receive"): _("Receive contract file"),
        (rules.TO_ARCHIVE, "hand"): _("File contract file into archive room"),
        (rules.TO_ARCHIVE, "receive"): _("Receive contract file into archive room"),
    }
    items = []
    for open_step in open_handover_steps(user, today):
        step = open_step.handover
        contract = step.contract
        overdue = open_step.state == rules.OVERDUE
        items.append(
            WorkItem(
                kind=f"contracts.{step.stage}.{open_step.action}",
                label=labels[(step.stage, open_step.action)],
                title=f"{contract.contract_no} · {contract.customer.name}",
                due=step.due_on,
                url=contract.get_absolute_url() + "#handover",
                overdue=overdue,
                customer_id=contract.customer_id,
                customer_name=contract.customer.name,
            )
        )
    return items


def contract_list(user, *, customer_id: int | None = None) -> QuerySet[Contract]:
    """The contracts `user` sees (of one file when given), the latest first."""
    qs = visible_contracts(user)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return qs.order_by("-created_at", "-id")

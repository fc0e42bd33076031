"""Reads of the duties app: the work it schedules itself (the periodic file review, the reports, the
contract period's end and zero point), the to-dos of every module, stored duties and the team view."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from xindang.contracts import rules as contract_rules
from xindang.contracts.models import Contract
from xindang.core import request_cache
from xindang.core.workbench import WorkItem
from xindang.customers.selectors import visible_customers
from xindang.ledger import rules as ledger_rules
from xindang.ledger.models import Exposure, TradeEntry
from xindang.policy.selectors import current_policy

from . import rules
from .models import Completion, Duty, DutyPreference, ZeroPointCheck
from .permissions import DutyPermission

ACTIVE_CONTRACT = (contract_rules.SIGNED, contract_rules.IN_PERFORMANCE, contract_rules.CHANGED)
CHECKED_CONTRACT = (*ACTIVE_CONTRACT, contract_rules.TERMINATED, contract_rules.COMPLETED)


# --- The work the duties app schedules itself -------------------------------------------------------
@dataclass
class Work:
    """One piece of scheduled work: `key` names it for everyone it is assigned to (Completion.key)."""

    key: str
    kind: str
    label: str
    title: str
    due: date | None
    rule: str
    customer_id: int | None = None
    customer_name: str = ""
    contract: Contract | None = None
    check: ZeroPointCheck | None = None
    links: list = field(default_factory=list)  # (label, url) where the material is

    @property
    def url(self) -> str:
        return reverse("duties:work", args=[self.key])

    def item(self, today: date) -> WorkItem:
        return WorkItem(
            kind=self.kind,
            label=self.label,
            title=self.title,
            url=self.url,
            due=self.due,
            overdue=rules.is_overdue(self.due, today),
            customer_id=self.customer_id,
            customer_name=self.customer_name,
            rule=self.rule,
        )


def _report_work(today: date, section, statistics_due_dates: list[str]) -> list[Work]:
    lead = section.report_lead_days
    works = []
    due = rules.current_due(today, statistics_due_dates, lead)
    if due:
        year, part = rules.statistics_period(due)
        period = str(year) if part == "year" else _("%(year)s first half") % {"year": year}
        works.append(
            Work(
                key=f"{rules.CONTRACT_STATISTICS}:{due.isoformat()}",
                kind=rules.CONTRACT_STATISTICS,
                label=_("Contract statistics report"),
                title=_("Contract statistics for %(period)s to the group's credit (contract) office")
                % {"period": period},
                due=due,
                rule=rules.RULE_CONTRACT_STATISTICS,
                links=[(_("Contract statistics"), reverse("contracts:statistics"))],
            )
        )
    due = rules.current_due(today, [section.analysis_report_due], lead)
    if due:
        works.append(
            Work(
                key=f"{rules.ANALYSIS_REPORT}:{due.isoformat()}",
                kind=rules.ANALYSIS_REPORT,
                label=_("Credit-management analysis report"),
                title=_("Analysis of credit (contract) management in %(year)s") % {"year": due.year - 1},
                due=due,
                rule=rules.RULE_ANALYSIS_REPORT,
                links=[(_("Contract statistics"), reverse("contracts:statistics"))],
            )
        )
    due = rules.current_due(today, [section.yearly_review_due], lead)
    if due:
        year = due.year if due.month >= 7 else due.year - 1
        works.append(
            Work(
                key=f"{rules.YEARLY_REVIEW}:{due.isoformat()}",
                kind=rules.YEARLY_REVIEW,
                label=_("Yearly review report"),
                title=_("Yearly review report of the credit customers for %(year)s") % {"year": year},
                due=due,
                rule=rules.RULE_YEARLY_REVIEW,
                links=[(_("Credit"), reverse("credit:list"))],
            )
        )
    return works


def _contract_title(contract: Contract) -> str:
    return f"{contract.contract_no} · {contract.customer.name}"


def _next_contract():
    """A later contract with the same customer (next year's terms are agreed: 002 第三十六条)."""
    return Contract.objects.filter(
        customer_id=OuterRef("customer_id"),
        starts_on__gt=OuterRef("starts_on"),
        status__in=(contract_rules.DRAFT, *ACTIVE_CONTRACT),
    ).exclude(pk=OuterRef("pk"))


def _still_owed():
    """The customer still owes credit sales, prepaid goods or unsettled notes (全部进行清收 not done)."""
    owed = Q(open_shipments_amount__gt=0) | Q(open_invoices_amount__gt=0)
    owed |= Q(prepayments_amount__gt=0) | Q(notes_amount__gt=0)
    return Exposure.objects.filter(owed, customer_id=OuterRef("customer_id"))


def scheduled_work(user, today: date | None = None) -> list[Work]:
    """The work the regulations schedule that no module's to-do list gives, for `user`, not yet done
    (recorded done, or — for a contract's last month — the next contract recorded and nothing owed)."""
    if not user or not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    policy = current_policy()
    section = policy.duties
    works: list[Work] = []
    if user.has_perm(DutyPermission.REVIEW_FILES):
        # This period's review, and the last period's while it is not recorded (then overdue).
        current = rules.review_period(today, section.file_review_months)
        title = _("Review every file of %(start)s – %(end)s; analyse the fast-growing and lost customers")
        for start, end in (rules.previous_period(current[0], section.file_review_months), current):
            works.append(
                Work(
                    key=f"{rules.FILE_REVIEW}:{start.isoformat()}",
                    kind=rules.FILE_REVIEW,
                    label=_("Full review of the customer files"),
                    title=title % {"start": start.isoformat(), "end": end.isoformat()},
                    due=end,
                    rule=rules.RULE_FILE_REVIEW,
                )
            )
    if user.has_perm(DutyPermission.FILE_REPORTS):
        works += _report_work(today, section, policy.contracts.statistics_due_dates)
    lead = section.contract_ending_lead_days
    ending = (
        Contract.objects.filter(handler_id=user.pk, status__in=ACTIVE_CONTRACT, ends_on__isnull=False)
        .filter(ends_on__lte=today + timedelta(days=lead))
        .filter(customer__in=visible_customers(user))
        .exclude(Q(Exists(_next_contract())) & ~Q(Exists(_still_owed())))
        .select_related("customer")
        .order_by("ends_on", "pk")[:100]
    )
    for contract in ending:
        works.append(
            Work(
                key=f"{rules.CONTRACT_ENDING}:{contract.pk}:{contract.ends_on.isoformat()}",
                kind=rules.CONTRACT_ENDING,
                label=_("Contract ending: agree next year's terms, collect every debt"),
                title=_contract_title(contract),
                due=contract.ends_on,
                rule=rules.RULE_CONTRACT_ENDING,
                customer_id=contract.customer_id,
                customer_name=contract.customer.name,
                contract=contract,
                links=[(_("Contract"), contract.get_absolute_url())],
            )
        )
    missed = ZeroPointCheck.objects.filter(
        Q(receivable_zero_on__isnull=True) | Q(prepaid_zero_on__isnull=True)
    )
    if not user.has_perm(DutyPermission.REVIEW_FILES):
        missed = missed.filter(contract__handler_id=user.pk)
    missed = missed.filter(contract__customer__in=visible_customers(user))
    for check in missed.select_related("contract__customer").order_by("period_end", "pk")[:100]:
        contract = check.contract
        works.append(
            Work(
                key=f"{rules.ZERO_POINT_MISSED}:{check.pk}",
                kind=rules.ZERO_POINT_MISSED,
                label=_("Contract period without a zero point"),
                title=_("%(contract)s: debt or prepayments never zero in %(start)s – %(end)s")
                % {
                    "contract": _contract_title(contract),
                    "start": check.period_start.isoformat(),
                    "end": check.period_end.isoformat(),
                },
                due=check.period_end,
                rule=rules.RULE_ZERO_POINT,
                customer_id=contract.customer_id,
                customer_name=contract.customer.name,
                contract=contract,
                check=check,
                links=[(_("Contract"), contract.get_absolute_url())],
            )
        )
    done = set(Completion.objects.filter(key__in=[w.key for w in works]).values_list("key", flat=True))
    return [w for w in works if w.key not in done]


def workbench_items(user) -> list[WorkItem]:
    """The scheduled work as to-dos (listed in xindang.views.WORKBENCH_PROVIDERS like every module's)."""
    today = timezone.localdate()
    return [w.item(today) for w in scheduled_work(user, today)]


def work_for_user(user, key: str) -> Work | None:
    return next((w for w in scheduled_work(user) if w.key == key), None)


def completion(key: str) -> Completion | None:
    return Completion.objects.select_related("done_by").filter(key=key).first()


# --- The full file review's flags (001 动态管理) ------------------------------------------------------
@dataclass(frozen=True)
class Flagged:
    customer_id: int
    name: str
    file_no: str
    previous_amount: Decimal
    current_amount: Decimal
    flag: str


def review_flags(user, today: date | None = None) -> list[Flagged]:
    """The visible customers whose trade (credit shipments and invoices) grew fast or stopped, current
    window against the one before (rules.review_windows)."""
    today = today or timezone.localdate()
    section = current_policy().duties
    (p_start, p_end), (c_start, c_end) = rules.review_windows(today, section.file_review_months)
    sales = Q(trade_entries__kind__in=[ledger_rules.SHIPMENT, ledger_rules.INVOICE])
    rows = (
        visible_customers(user)
        .annotate(
            previous=Sum(
                "trade_entries__amount", filter=sales & Q(trade_entries__entry_on__range=(p_start, p_end))
            ),
            current=Sum(
                "trade_entries__amount", filter=sales & Q(trade_entries__entry_on__range=(c_start, c_end))
            ),
        )
        .filter(previous__gt=0)
        .values_list("pk", "name", "file_no", "previous", "current")
    )
    ratio = Decimal(section.fast_growth_percent) / 100
    flagged = []
    for pk, name, file_no, previous, current in rows:
        flag = rules.trade_trend(previous or Decimal(0), current or Decimal(0), ratio)
        if flag:
            flagged.append(Flagged(pk, name, file_no, previous, current or Decimal(0), flag))
    return sorted(flagged, key=lambda f: (f.flag, f.name))


# --- The zero point of a contract period (002 第三十六条) ---------------------------------------------
def pool_moves(customer_id: int, until: date) -> dict[str, list[tuple[date, Decimal]]]:
    """Each pool's changes by day up to `until`: the credit-sale debt (receivable) and the
    prepayments (prepaid), a reversal counted in the pool of what it reverses."""
    moves: dict[str, list[tuple[date, Decimal]]] = {ledger_rules.RECEIVABLE: [], ledger_rules.PREPAID: []}
    entries = TradeEntry.objects.filter(customer_id=customer_id, entry_on__lte=until).values_list(
        "kind", "amount", "entry_on", "reverses__kind"
    )
    for kind, amount, entry_on, reversed_kind in entries:
        pool = ledger_rules.POOL_OF.get(reversed_kind if kind == ledger_rules.REVERSAL else kind)
        if pool:
            moves[pool].append((entry_on, ledger_rules.signed_amount(kind, amount, reversed_kind)))
    return moves


def zero_points(customer_id: int, start: date, end: date) -> dict[str, date | None]:
    """The first day in the period each pool stood at zero (None: it never did)."""
    result = {}
    for pool, moves in pool_moves(customer_id, end).items():
        opening = sum((amount for day, amount in moves if day < start), Decimal(0))
        result[pool] = rules.first_zero_day(opening, moves, start, end)
    return result


def contracts_to_check(today: date, *, since_days: int = 400):
    """Contract periods that ended before today and were not checked yet (an extended contract's new
    end is a new period)."""
    return (
        Contract.objects.filter(
            status__in=CHECKED_CONTRACT,
            starts_on__isnull=False,
            ends_on__lt=today,
            ends_on__gte=today - timedelta(days=since_days),
        )
        .exclude(
            Exists(ZeroPointCheck.objects.filter(contract_id=OuterRef("pk"), period_end=OuterRef("ends_on")))
        )
        .order_by("ends_on", "pk")
    )


# --- Every module's to-dos, and the stored duties ----------------------------------------------------
def provider_paths() -> list[str]:
    """The workbench providers (xindang.views.WORKBENCH_PROVIDERS), read at call time so a module
    added to that list becomes a duty without this app knowing it."""
    from xindang import views

    return list(views.WORKBENCH_PROVIDERS)


def collect_items(user) -> tuple[list[WorkItem], list[str]]:
    """Every provider's to-dos for `user`, and the providers that failed (their duties stay as they were).
    Read as the workbench page reads them: in one request's store, so that the policy in force and the
    user's visibility are looked up once for all providers, not once per provider and query."""
    items: list[WorkItem] = []
    failures = []
    with request_cache.answering():
        for path in provider_paths():
            try:
                items += import_string(path)(user)
            except Exception as exc:
                failures.append(f"{path}: {exc!r}")
    return items, failures


def item_keys(items: list[WorkItem]) -> list[str]:
    raw = [rules.duty_key(i.kind, i.url, i.due, i.customer_id) for i in items]
    return rules.unique_keys(raw, [i.kind for i in items])


@dataclass(frozen=True)
class Row:
    """A workbench line: the live to-do and, once a daily run stored it, since when it is open."""

    item: WorkItem
    open_since: date | None

    @property
    def rule(self) -> str:
        return rules.rule_for(self.item.kind, str(self.item.rule))


def workbench_rows(user, items: list[WorkItem], shown) -> list[Row]:
    """The shown page of to-dos with their stored duties (one query for the page's keys). Keys are
    computed over all of the user's items, as the daily run does."""
    keys = dict(zip(map(id, items), item_keys(items), strict=True))
    page_keys = [keys.get(id(i)) for i in shown]
    stored = dict(
        Duty.objects.filter(
            assignee_id=user.pk, key__in=[k for k in page_keys if k], state=rules.OPEN
        ).values_list("key", "created_at")
    )
    return [
        Row(i, timezone.localdate(stored[k]) if k in stored else None)
        for i, k in zip(shown, page_keys, strict=True)
    ]


def digest_preference(user) -> str:
    pref = DutyPreference.objects.filter(user_id=user.pk).values_list("digest", flat=True).first()
    return pref or rules.DAILY


def team_members(user):
    from xindang.accounts.models import User

    qs = User.objects.filter(is_active=True)
    if user.has_perm(DutyPermission.VIEW_ALL):
        return qs
    if user.has_perm(DutyPermission.VIEW_TEAM) and user.department_id:
        return qs.filter(department_id=user.department_id)
    return qs.none()


def team_overdue(user, *, today: date | None = None, assignee: str = ""):
    """The open duties past their due date of the members `user` manages (the team view)."""
    today = today or timezone.localdate()
    qs = Duty.objects.filter(state=rules.OPEN, due_on__lt=today, assignee__in=team_members(user))
    if assignee.isdigit():
        qs = qs.filter(assignee_id=int(assignee))
    return qs.select_related("assignee", "assignee__department").order_by(
        "due_on", "assignee__username", "pk"
    )


def team_counts(user, *, today: date | None = None) -> list[tuple]:
    """(user id, name, overdue count) per member with overdue duties, most first."""
    from django.db.models import Count

    today = today or timezone.localdate()
    rows = (
        Duty.objects.filter(state=rules.OPEN, due_on__lt=today, assignee__in=team_members(user))
        .values("assignee_id", "assignee__display_name", "assignee__username")
        .annotate(n=Count("pk"))
        .order_by("-n", "assignee__username")
    )
    return [(r["assignee_id"], r["assignee__display_name"] or r["assignee__username"], r["n"]) for r in rows]

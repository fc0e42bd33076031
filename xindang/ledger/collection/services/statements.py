"""Balance confirmations (对帐, 002 第三十五条 定期对帐): issue a statement of a customer's open items on
a day, record the customer's answer (the balance confirmed, or another stated: disputed), resolve a
difference; the daily run raises a problem-account report (问题帐款报告书, 000 客户信息管理办法 二.7)
for a statement unanswered or disputed past the policy's days."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.customers.models import Customer
from xindang.customers.selectors import visible_customers
from xindang.ledger.selectors import open_items
from xindang.policy.selectors import current_policy

from .. import rules
from ..errors import CollectionError
from ..models import BalanceStatement, ProblemAccountReport, StatementStatus
from ..permissions import CollectionPermission

_STATED = {
    "required": CollectionError.STATED_REQUIRED,
    "not_a_number": CollectionError.STATED_NOT_A_NUMBER,
    "negative": CollectionError.STATED_NEGATIVE,
}


def _allowed(by, perm: str, customer_id: int) -> None:
    if not by.has_perm(perm):
        raise DomainError(CollectionError.STATEMENT_NOT_ALLOWED)
    if not visible_customers(by).filter(pk=customer_id).exists():
        raise DomainError(CollectionError.STATEMENT_NOT_ALLOWED)


def statement_items(customer_id: int, as_of: date) -> tuple[list[dict], object]:
    """The open debits of the customer in the ledger on `as_of` (what was allocated after that day
    is still open then) and their total."""

    found = open_items(on=as_of, customer_ids=[customer_id])
    items = [
        {
            "entry_id": i.entry_id,
            "kind": i.kind,
            "entry_on": i.entry_on.isoformat(),
            "due_on": i.due_on.isoformat() if i.due_on else None,
            "amount": str(i.amount),
            "open_amount": str(i.open_amount),
        }
        for i in found
    ]
    total = sum((i.open_amount for i in found), Decimal("0"))
    return items, total


@transaction.atomic
def issue_statement(*, customer, as_of: date, by, request=None) -> BalanceStatement:
    """A statement of `customer`'s balance on `as_of` (today or earlier), sent (002 第三十五条)."""
    _allowed(by, CollectionPermission.ADD_STATEMENT, customer.pk)
    today = timezone.localdate()
    if rules.statement_date_problem(as_of, today):
        raise DomainError(CollectionError.STATEMENT_FUTURE, field="as_of")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if BalanceStatement.objects.filter(customer=customer, as_of=as_of).exists():
        raise DomainError(CollectionError.STATEMENT_EXISTS, field="as_of", day=as_of.isoformat())
    items, balance = statement_items(customer.pk, as_of)
    statement = BalanceStatement.objects.create(
        customer=customer, as_of=as_of, balance=balance, items=items, sent_on=today, created_by=by
    )
    record_event(
        "collection.statement_issue",
        actor=by,
        request=request,
        obj=statement,
        data={"customer": customer.pk, "as_of": as_of.isoformat(), "balance": str(balance)},
    )
    return statement


@transaction.atomic
def record_reply(
    *, statement: BalanceStatement, by, stated_balance, note: str = "", request=None
) -> BalanceStatement:
    """The customer's answer: the balance it states. The same as ours confirms the statement; any other
    disputes it, with the difference (stated − ours) to follow up. Recorded once."""
    statement = BalanceStatement.objects.select_for_update().get(pk=statement.pk)
    _allowed(by, CollectionPermission.ADD_STATEMENT, statement.customer_id)
    if statement.status != StatementStatus.SENT:
        raise DomainError(CollectionError.STATEMENT_REPLIED, status=statement.get_status_display())
    amount, problem = rules.parse_stated_balance(stated_balance)
    if problem:
        raise DomainError(_STATED[problem], field="stated_balance")
    statement.stated_balance = amount
    statement.difference = amount - statement.balance
    statement.status = rules.reply_status(statement.balance, amount)
    statement.customer_note = (note or "").strip()
    statement.replied_by, statement.replied_at = by, timezone.now()
    statement.save()
    record_event(
        "collection.statement_reply",
        actor=by,
        request=request,
        obj=statement,
        data={"customer": statement.customer_id, "status": statement.status, "stated": str(amount)},
    )
    return statement


@transaction.atomic
def resolve_statement(*, statement: BalanceStatement, by, resolution: str, request=None) -> BalanceStatement:
    """A disputed balance resolved: how (an entry corrected, a payment found, the customer agreed)."""
    statement = BalanceStatement.objects.select_for_update().get(pk=statement.pk)
    _allowed(by, CollectionPermission.RESOLVE_STATEMENT, statement.customer_id)
    if statement.status != StatementStatus.DISPUTED:
        raise DomainError(CollectionError.STATEMENT_NOT_DISPUTED)
    text = (resolution or "").strip()
    if not text:
        raise DomainError(CollectionError.RESOLUTION_REQUIRED, field="resolution")
    statement.resolution = text
    statement.status = StatementStatus.RESOLVED
    statement.resolved_by, statement.resolved_at = by, timezone.now()
    statement.save()
    record_event(
        "collection.statement_resolve",
        actor=by,
        request=request,
        obj=statement,
        data={"customer": statement.customer_id, "difference": str(statement.difference)},
    )
    return statement


def raise_statement_reports(*, today: date | None = None, policy=None) -> int:
    """A problem-account report (the collection app's 问题帐款报告书, completed, reviewed and signed as
    any other) for each statement still unanswered or disputed more than the policy's
    statement_reply_days after it was sent — once per statement (002 第三十五条; 000 二.7)."""
    today = today or timezone.localdate()
    days = (policy or current_policy()).collection.statement_reply_days
    cutoff = date.fromordinal(today.toordinal() - days)
    pending = BalanceStatement.objects.filter(
        status__in=[StatementStatus.SENT, StatementStatus.DISPUTED],
        sent_on__lt=cutoff,
        problem_report__isnull=True,
    ).values_list("pk", flat=True)
    created = 0
    for pk in list(pending):
        with transaction.atomic():
            statement = BalanceStatement.objects.select_for_update().select_related("customer").get(pk=pk)
            if statement.problem_report_id or not rules.statement_overdue(
                statement.status, statement.sent_on, today, days
            ):
                continue
            report = ProblemAccountReport.objects.create(
                customer=statement.customer,
                trigger_entry_id=None,
                due_on=statement.as_of,
                overdue_amount=statement.balance,
                days_late=(today - statement.sent_on).days,
                raised_on=today,
                assigned_to_id=statement.customer.owner_id,
            )
            statement.problem_report = report
            statement.save(update_fields=["problem_report"])
            record_event(
                "collection.problem_raise",
                obj=report,
                data={
                    "customer": statement.customer_id,
                    "statement": statement.pk,
                    "status": statement.status,
                    "days_late": report.days_late,
                    "amount": str(statement.balance),
                },
            )
            created += 1
    return created

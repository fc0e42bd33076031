"""Reading balance statements (对帐, 002 第三十五条 定期对帐): a customer's statements, one statement
for a user (404 out of scope), and the workbench items — answers awaited, differences to resolve."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core import workbench
from xindang.core.money import format_yuan
from xindang.customers.selectors import visible_customers
from xindang.policy.selectors import current_policy

from . import rules
from .models import BalanceStatement, StatementStatus
from .permissions import CollectionPermission

RULE = "002 第三十五条: 定期对帐、清帐"


def visible_statements(user) -> QuerySet[BalanceStatement]:
    if not user.is_authenticated or not user.has_perm(CollectionPermission.VIEW_STATEMENT):
        return BalanceStatement.objects.none()
    return BalanceStatement.objects.filter(customer__in=visible_customers(user).values("pk"))


def customer_statements(user, customer) -> QuerySet[BalanceStatement]:
    return visible_statements(user).filter(customer=customer).select_related("problem_report")


def get_statement_for_user(user, pk) -> BalanceStatement:
    statement = visible_statements(user).select_related("customer", "problem_report").filter(pk=pk).first()
    if statement is None:
        raise Http404
    return statement


def workbench_items(user) -> list[workbench.WorkItem]:
    """Statements of the user's own files still awaiting the customer's answer, and disputed
    differences to resolve (for those who may resolve them: the customer's owner sees their own,
    the resolvers all they see), due the policy's days after sending (002 第三十五条)."""

    if not user.is_authenticated or not user.has_perm(CollectionPermission.VIEW_STATEMENT):
        return []
    today = timezone.localdate()
    days = current_policy().collection.statement_reply_days
    mine = Q(customer__owner=user) | Q(created_by=user)
    qs = visible_statements(user).filter(status__in=[StatementStatus.SENT, StatementStatus.DISPUTED])
    if not user.has_perm(CollectionPermission.RESOLVE_STATEMENT):
        qs = qs.filter(mine)
    else:
        qs = qs.filter(mine | Q(status=StatementStatus.DISPUTED))
    items = []
    for s in qs.select_related("customer").order_by("sent_on", "pk")[:50]:
        due = s.sent_on + timedelta(days=days)
        waiting = s.status == rules.SENT
        items.append(
            workbench.WorkItem(
                kind="collection.statement_reply" if waiting else "collection.statement_dispute",
                label=_("Balance confirmation awaiting the customer")
                if waiting
                else _("Resolve disputed balance"),
                title=f"{s.customer.name} · {s.as_of:%Y-%m-%d} · {format_yuan(s.balance)}",
                due=due,
                url=s.get_absolute_url(),
                overdue=today > due,
                customer_id=s.customer_id,
                customer_name=s.customer.name,
                rule=RULE,
            )
        )
    return items

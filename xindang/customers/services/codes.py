"""A file's customer code (客户代码): given when its transaction card is approved (mark_onboarded), or
on request for an onboarded file that has none (assign_code)."""

from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core import numbering
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from .. import permissions
from ..choices import Onboarding, Status
from ..errors import CustomerError
from ..models import Customer, StatusChange
from ..permissions import CustomerPermission
from .access import require_capability, visible_or_404
from .filing import refresh_search_fields


def _give_code(customer: Customer, policy) -> None:
    seq = numbering.allocate("customer.code")
    customer.code = policy.core.customer_code_format.format(seq=seq)


def mark_onboarded(*, customer_id: int, by) -> Customer:
    """The transaction card is approved (004 客户信息管理制度 第十条1(8)): the file is onboarded, gets
    its customer code (002 篇五 第三条(4) 设定新客户代码) unless it has one, and a prospect becomes an
    active customer. Runs inside the approving transaction (the onboarding app's on_approved, which
    audits the approval); the row lock makes two approvals in a row give one code only."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("mark_onboarded() must run inside the approving transaction")
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    changes = {}
    if customer.onboarding != Onboarding.APPROVED:
        changes["onboarding"] = [customer.onboarding, Onboarding.APPROVED]
        customer.onboarding = Onboarding.APPROVED
    if not customer.code:
        _give_code(customer, current_policy())
        changes["code"] = ["", customer.code]
    if customer.status == Status.PROSPECTIVE:
        StatusChange.objects.create(
            customer=customer,
            from_status=customer.status,
            to_status=Status.ACTIVE,
            reason="客户交易卡已批准",
            changed_by=by,
        )
        changes["status"] = [customer.status, Status.ACTIVE]
        customer.status = Status.ACTIVE
        customer.status_changed_at = timezone.now()
    if not changes:
        return customer
    refresh_search_fields(customer)
    customer.version += 1
    customer.updated_by = by
    customer._history_user = by
    customer._change_reason = "onboarding"
    customer.save()
    return customer


def assign_code(*, by, customer_id: int, request=None) -> Customer:
    """Give an onboarded file that has none its customer code (a file onboarded before the
    transaction card existed: its approval lies behind it). A prospect's code comes only with its
    card's approval (mark_onboarded). Needs ASSIGN_CODE; one code only, under the row lock."""
    require_capability(by, CustomerPermission.ASSIGN_CODE)
    visible_or_404(by, customer_id, request)
    return _assign_code(by=by, customer_id=customer_id, request=request)


@transaction.atomic
def _assign_code(*, by, customer_id: int, request=None) -> Customer:
    customer = permissions.get_customer_for_user(by, customer_id, request=request, for_update=True)
    if customer.onboarding != Onboarding.APPROVED:
        raise DomainError(CustomerError.NOT_ONBOARDED)
    if customer.code:
        return customer
    _give_code(customer, current_policy())
    refresh_search_fields(customer)
    customer.version += 1
    customer.updated_by = by
    customer._history_user = by
    customer.save()
    record_event(
        "customer.update",
        actor=by,
        request=request,
        obj=customer,
        data={"changes": {"code": ["", customer.code]}, "children": {}, "version": customer.version},
    )
    return customer

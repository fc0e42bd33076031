"""Credit control capabilities, in one place.

Which customers a user sees is not decided here: checks, over-limit requests and the reduction list
follow the customer file's visibility (customers.selectors.visible_customers).
"""

from django.db import models
from django.http import Http404

from xindang.accounts.roles import Role
from xindang.audit.services import record_event


class ControlPermission(models.TextChoices):
    CHECK = "credit_control.check_credit"
    VIEW_CHECKS = "credit_control.view_creditcheck"
    VIEW_OVER_LIMIT = "credit_control.view_overlimitrequest"
    REQUEST_OVER_LIMIT = "credit_control.add_overlimitrequest"
    VIEW_REDUCTION = "credit_control.view_reduction_list"
    EXPORT_REDUCTION = "credit_control.export_reduction_list"
    STOP_SHIPMENTS = "credit_control.stop_shipments"
    DECIDE_STOP = "credit_control.decide_shipment_stop"


_SALES = [
    "check_credit",
    "view_creditcheck",
    "view_overlimitrequest",
    "add_overlimitrequest",
    "view_reduction_list",
]
_SUPERVISE = [*_SALES, "export_reduction_list"]
_READ = ["view_creditcheck", "view_overlimitrequest", "view_reduction_list", "export_reduction_list"]

# 第三十二条: the marketing manager and the finance credit controller supervise credit execution
# day to day; salespeople check and ask; the approval chain reads what it decides on.
ROLE_GRANTS = {
    Role.SALESPERSON: _SALES,
    Role.DEPARTMENT_MANAGER: _SUPERVISE,
    Role.CREDIT_MANAGER: _SUPERVISE,
    Role.MARKETING_MANAGER: _SUPERVISE,
    Role.FINANCE_CREDIT_CONTROLLER: _SUPERVISE,
    Role.VP_MARKETING: _READ,
    Role.CFO: _READ,
    Role.GENERAL_MANAGER: _READ,
    Role.CHAIRMAN: _READ,
}

# 004 客户信息管理制度 第十一条1(3): the salesperson stops shipments in an emergency (their own
# customers: the service checks it); the department manager confirms or lifts the stop (the manager
# of the customer's department: the service checks it). Applied by migration 0005.
STOP_GRANTS = {
    Role.SALESPERSON: ["stop_shipments"],
    Role.DEPARTMENT_MANAGER: ["decide_shipment_stop"],
}


def get_over_limit_for_user(user, pk, *, request=None):
    """The over-limit request if `user` sees it; otherwise 404, and the attempt goes into the audit log."""
    # selectors imports this module's permission enum: a top-level import would be a cycle
    from .selectors import visible_over_limit

    olr = (
        visible_over_limit(user).select_related("customer", "requested_by", "approval").filter(pk=pk).first()
    )
    if olr is None:
        if user is not None and user.is_authenticated:
            record_event(
                "over_limit.access_denied",
                actor=user,
                request=request,
                object_type="credit_control.overlimitrequest",
                object_id=str(pk),
            )
        raise Http404
    return olr

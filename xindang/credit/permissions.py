"""Credit (investigation and rating) capabilities, in one place.

Which customers a user sees is not decided here: customers.selectors.visible_customers is the rule.
An investigation or a rating is open to whoever may see its customer file
(customers.permissions.get_customer_for_user, which audits a refused attempt).
"""

from django.db import models
from django.http import Http404

from xindang.accounts.roles import Role
from xindang.customers.permissions import get_customer_for_user

from .models import Investigation, Rating


class CreditPermission(models.TextChoices):
    VIEW = "credit.view_investigation"
    ADD = "credit.add_investigation"
    CHANGE = "credit.change_investigation"
    REVIEW = "credit.review_investigation"
    FILE = "credit.file_investigation"
    EXPORT = "credit.export_credit"
    VIEW_RATING = "credit.view_rating"
    PROPOSE = "credit.propose_rating"
    OVERRIDE = "credit.override_rating"


_READ = ["view_investigation", "view_rating", "export_credit"]
_WRITE = ["view_investigation", "add_investigation", "change_investigation", "view_rating"]

# 002 第十条: the salesperson (业务主管) fills in the form, the department manager reviews it (the policy's
# investigation_reviewer_roles decide who may; REVIEW only opens the screen), the finance department
# files it (财务部门备案); 第十一条: the review looks for contradictions;
# 第十九条: the marketing manager rates with the salesperson and the finance credit controller.
ROLE_GRANTS = {
    Role.SALESPERSON: _WRITE,
    Role.DEPARTMENT_MANAGER: [*_WRITE, "review_investigation", "export_credit", "propose_rating"],
    Role.CREDIT_MANAGER: [
        *_WRITE,
        "review_investigation",
        "export_credit",
        "propose_rating",
        "override_rating",
    ],
    Role.MARKETING_MANAGER: [*_READ, "review_investigation", "propose_rating", "override_rating"],
    Role.FINANCE_CREDIT_CONTROLLER: [*_READ, "review_investigation"],
    Role.ARCHIVIST: ["view_investigation", "view_rating"],
    Role.VP_MARKETING: _READ,
    Role.CFO: _READ,
    Role.GENERAL_MANAGER: _READ,
    Role.CHAIRMAN: _READ,
}

# Granted by a later migration (0004), after the permission existed: 002 第十条 财务部门备案.
FILE_GRANTS = {
    Role.FINANCE_CREDIT_CONTROLLER: ["file_investigation"],
    Role.CFO: ["file_investigation"],
}


def get_investigation_for_user(user, pk, *, request=None) -> Investigation:
    """The investigation if `user` may see its customer file; otherwise 404 (the refusal audited as
    the file's)."""
    inv = Investigation.objects.filter(pk=pk).select_related("customer").first()
    if inv is None:
        raise Http404
    get_customer_for_user(user, inv.customer_id, request=request)
    return inv


def get_rating_for_user(user, pk, *, request=None) -> Rating:
    """The rating if `user` may see its customer file; otherwise 404 (the refusal audited as the
    file's)."""
    rating = Rating.objects.filter(pk=pk).select_related("customer", "investigation", "proposed_by").first()
    if rating is None:
        raise Http404
    get_customer_for_user(user, rating.customer_id, request=request)
    return rating

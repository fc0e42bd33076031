"""Grant-evaluation capabilities (seed 002 第三十七–四十二条).

Which evaluations a user sees is not decided here: an evaluation is visible iff its customer file is
(customers.selectors.visible_customers, through selectors.visible_evaluations). Who may take a step
on a given evaluation (the file's salesperson writes the report) is an object rule in the service.
"""

from django.db import models
from django.http import Http404

from xindang.accounts.roles import Role
from xindang.customers.permissions import get_customer_for_user

from .models import GrantEvaluation


class EvaluationPermission(models.TextChoices):
    VIEW = "evaluations.view_grantevaluation"
    SIGN = "evaluations.sign_figures"
    REPORT = "evaluations.write_report"
    REVIEW = "evaluations.review_evaluation"
    VP_OPINION = "evaluations.give_vp_opinion"
    GENERATE = "evaluations.generate_evaluations"
    EXPORT = "evaluations.export_evaluations"


_READ = ["view_grantevaluation", "export_evaluations"]

# Applied by migration 0002. 第四十条: the finance credit controller fills in and signs the figures;
# 第三十九条: the salesperson reports (kept for the policy's departure, see SUPERVISOR_AND_VP_GRANTS);
# 第四十一条: the marketing manager (and a department manager for the department's files) reviews.
# The credit manager and the approval chain read.
ROLE_GRANTS = {
    Role.SALESPERSON: ["view_grantevaluation", "write_report"],
    Role.DEPARTMENT_MANAGER: [*_READ, "review_evaluation"],
    Role.MARKETING_MANAGER: [*_READ, "review_evaluation"],
    Role.FINANCE_CREDIT_CONTROLLER: [*_READ, "sign_figures", "generate_evaluations"],
    Role.CREDIT_MANAGER: _READ,
    Role.VP_MARKETING: _READ,
    Role.CFO: _READ,
    Role.GENERAL_MANAGER: _READ,
    Role.CHAIRMAN: _READ,
}

# Applied by migration 0004. 第三十九条: the business supervisors (业务主管) report — by the policy's
# reading the manager of the customer's department; 第四十条: the finance department fills in the form
# (the CFO heads it); 第四十一条: the review goes up to the VP marketing (营销主管副总), who gives an opinion.
SUPERVISOR_AND_VP_GRANTS = {
    Role.DEPARTMENT_MANAGER: ["write_report"],
    Role.CFO: ["sign_figures", "generate_evaluations"],
    Role.VP_MARKETING: ["give_vp_opinion"],
}


def get_evaluation_for_user(user, pk, *, request=None) -> GrantEvaluation:
    """The evaluation if its customer file is visible to `user`; else 404 (and the attempt audited
    through the customer file's access rule)."""

    try:
        evaluation = GrantEvaluation.objects.select_related(
            "customer", "customer__department", "customer__owner", "grant", "salesperson"
        ).get(pk=pk)
    except (GrantEvaluation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    get_customer_for_user(user, evaluation.customer_id, request=request)
    if not user.has_perm(EvaluationPermission.VIEW):
        raise Http404
    return evaluation

"""Error codes of investigations and ratings (raised as core.errors.DomainError(code, message))."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CreditError(models.TextChoices):
    REVIEWER_NOT_MANAGER = (
        "investigation.reviewer_not_manager",
        _("The department manager reviews the investigation form (002 第十条): %(roles)s."),
    )
    REVIEWER_OTHER_DEPARTMENT = (
        "investigation.reviewer_other_department",
        _("A department manager reviews the forms of their own department's customers (002 第十条)."),
    )
    NOT_REVIEWED = "investigation.not_reviewed", _("Only a reviewed investigation is filed.")
    ALREADY_FILED = "investigation.already_filed", _("The finance department has already filed this form.")
    NOT_FINANCE = (
        "investigation.not_finance",
        _("The finance department files the form (002 第十条 财务部门备案)."),
    )
    NOT_SALESPERSON = (
        "rating.not_salesperson",
        _("Only the salesperson in charge of this customer (%(name)s) gives this opinion (002 第十九条)."),
    )
    SALESPERSON_SIGNED = (
        "rating.salesperson_signed",
        _("The salesperson in charge has already given an opinion."),
    )
    OPINION_REQUIRED = (
        "rating.opinion_required",
        _("Say why you do not agree with the proposed grade."),
    )
    SALESPERSON_PENDING = (
        "rating.salesperson_pending",
        _(
            "The salesperson in charge (%(name)s) has not yet given an opinion on this rating "
            "(002 第十九条); it is sent for approval after that."
        ),
    )


def error(code: CreditError, *, field: str | None = None, **params):
    """A DomainError with the enum's message, formatted with params."""
    from xindang.core.errors import DomainError

    message = str(code.label) % params if params else str(code.label)
    return DomainError(code.value, message, field=field, **params)

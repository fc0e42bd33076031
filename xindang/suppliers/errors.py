from django.db import models
from django.utils.translation import gettext_lazy as _

from xindang.core.errors import register_statuses


class SupplierError(models.TextChoices):
    FORBIDDEN = "suppliers.forbidden", _("You may not do this.")
    INVALID = "suppliers.invalid", _("Please correct the errors below.")
    NOT_A_SUPPLIER = (
        "suppliers.not_a_supplier",
        _("%(name)s is not a supplier: only supplier files (supplier, buyer and supplier) are selected."),
    )
    ALREADY_SUBMITTED = (
        "suppliers.already_submitted",
        _("The selection is with the approvers or approved already: it can no longer be changed."),
    )
    STEP_MISSING = (
        "suppliers.step_missing",
        _("Complete the step “%(step)s” before submitting the selection application."),
    )
    CONTRACTS_MISSING = (
        "suppliers.contracts_missing",
        _("The selection cannot be approved: the file lacks the %(missing)s (002 篇五 第三条(2)(3))."),
    )
    CONTRACT_NOT_SUITABLE = (
        "suppliers.contract_not_suitable",
        _("Contract %(contract)s cannot serve here: %(why)s"),
    )
    SCORE_OUT_OF_SCALE = (
        "suppliers.score_out_of_scale",
        _("The score for %(criterion)s must be a whole number from 0 to %(max)s."),
    )
    ALREADY_EVALUATED = (
        "suppliers.already_evaluated",
        _("%(name)s has been evaluated for %(year)s already: one evaluation a year."),
    )
    NOT_SELECTED = (
        "suppliers.not_selected",
        _("Only a selected (approved) supplier is evaluated."),
    )
    NO_NOTICE = "suppliers.no_notice", _("There is no open notice of this supplier for you.")
    YEAR_INVALID = "suppliers.year_invalid", _("The evaluation year cannot be in the future.")


register_statuses(
    {
        SupplierError.FORBIDDEN: 403,
        SupplierError.ALREADY_SUBMITTED: 409,
        SupplierError.ALREADY_EVALUATED: 409,
    }
)

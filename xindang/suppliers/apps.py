"""Supplier selection by the six principles of seed 002 篇五 and the yearly supplier evaluation."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliersConfig(AppConfig):
    name = "xindang.suppliers"
    label = "suppliers"
    verbose_name = _("Suppliers")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step

        from . import (
            errors,  # noqa: F401 - registers the HTTP statuses of the error codes
            sections,  # noqa: F401 - registers the "suppliers" policy section
        )
        from .demo import seed_suppliers
        from .services import register_approval_kind

        register_approval_kind()
        register_demo_step("suppliers", seed_suppliers, order=65)
        register_actions(
            {
                "suppliers.step": _("Recorded a supplier selection step"),
                "suppliers.submit": _("Submitted a supplier selection"),
                "suppliers.approved": _("Supplier selection approved"),
                "suppliers.rejected": _("Supplier selection rejected"),
                "suppliers.returned": _("Supplier selection returned"),
                "suppliers.withdrawn": _("Supplier selection withdrawn"),
                "suppliers.evaluate": _("Evaluated a supplier"),
                "suppliers.notified": _("Departments told of a selected supplier"),
                "suppliers.noted": _("Took note of a selected supplier"),
                "suppliers.print": _("Printed a supplier selection application"),
            },
            groups={"suppliers": _("Suppliers")},
            object_pages={
                "suppliers.supplierselection": "suppliers:selection_by_id",
            },
        )

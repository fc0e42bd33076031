from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "xindang.credit"
    label = "credit"
    verbose_name = _("Credit")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step

        from . import sections  # noqa: F401 - registers the "credit" policy section
        from .demo import seed_demo
        from .services import register_approval_kind

        register_actions(
            {
                "credit.investigation.create": _("Created investigation"),
                "credit.investigation.update": _("Changed investigation"),
                "credit.investigation.sign": _("Signed investigation"),
                "credit.investigation.review": _("Reviewed investigation"),
                "credit.rating.propose": _("Proposed rating"),
                "credit.rating.submit": _("Submitted rating for approval"),
                "credit.rating.approve": _("Rating took effect"),
                "credit.rating.reject": _("Rating rejected"),
                "credit.rating.withdraw": _("Rating proposal withdrawn"),
                "credit.export": _("Exported credit list"),
                "credit.print": _("Printed investigation form"),
            },
            groups={"credit": _("Credit")},
            object_pages={"credit.investigation": "credit:investigation", "credit.rating": "credit:rating"},
        )
        register_approval_kind()
        register_demo_step("credit", seed_demo, order=10)
        from xindang.customers.selectors import register_visibility

        from .selectors import rating_customers

        register_visibility(rating_customers)  # the marketing manager's ratings (002 第十九条)
        from .picture import register_approval_panels

        register_approval_panels()  # the credit picture on grant and over-limit approvals
        from .columns import register_list_columns

        register_list_columns()  # grade, limit, utilisation and investigation columns of the customer list

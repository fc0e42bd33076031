from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditControlConfig(AppConfig):
    name = "xindang.credit.control"
    label = "credit_control"
    verbose_name = _("Credit control")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step

        from . import sections  # noqa: F401 - registers the "credit_control" policy section
        from .demo import seed_demo
        from .services import register_approval_kind

        register_approval_kind()
        # the control matrix of the policy: control points and strengths by their names
        from xindang.policy.labels import register_value_labels

        from . import rules
        from .models import ControlPoint

        register_value_labels(
            {
                **dict(ControlPoint.choices),
                rules.IGNORE: _("Ignore"),
                rules.STRENGTH_WARN: _("Warn"),
                rules.STRENGTH_BLOCK: _("Block"),
                rules.ROUTE: _("Route to over-limit approval"),
            }
        )
        register_actions(
            {
                "credit_check.block": _("Credit check blocked"),
                "credit_check.over_limit_used": _("Used an over-limit approval"),
                "over_limit.request": _("Requested over-limit approval"),
                "over_limit.approved": _("Over-limit request approved"),
                "over_limit.rejected": _("Over-limit request rejected"),
                "over_limit.returned": _("Over-limit request returned"),
                "over_limit.withdrawn": _("Over-limit request withdrawn"),
                "over_limit.access_denied": _("Access to over-limit request refused"),
                "reduction.export": _("Exported the reduction list"),
                "shipment_stop.stop": _("Stopped shipments (emergency)"),
                "shipment_stop.confirm": _("Confirmed an emergency shipment stop"),
                "shipment_stop.lift": _("Lifted an emergency shipment stop"),
            },
            groups={
                "shipment_stop": _("Emergency shipment stops"),
                "credit_check": _("Credit checks"),
                "over_limit": _("Over-limit approvals"),
                "reduction": _("Reduction list"),
            },
            object_pages={"credit_control.overlimitrequest": "credit_control:over_limit_detail"},
        )
        register_demo_step("credit_control", seed_demo, order=50)

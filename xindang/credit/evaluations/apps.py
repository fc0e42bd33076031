from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "xindang.credit.evaluations"
    label = "evaluations"
    verbose_name = _("Grant evaluations")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step

        from . import sections  # noqa: F401 - registers the "evaluations" policy section
        from .demo import seed_demo

        register_actions(
            {
                "evaluation.generate": _("Generated the monthly grant evaluations"),
                "evaluation.refresh": _("Recomputed the figures of a grant evaluation"),
                "evaluation.sign": _("Signed the figures of a grant evaluation"),
                "evaluation.report": _("Reported on a granted customer"),
                "evaluation.review": _("Reviewed a grant evaluation"),
                "evaluation.vp_opinion": _("Gave the VP marketing's opinion on a grant evaluation"),
                "evaluation.view": _("Viewed a grant evaluation"),
                "evaluation.export": _("Exported grant evaluations"),
            },
            groups={"evaluation": _("Grant evaluations")},
            object_pages={"evaluations.grantevaluation": "evaluations:detail"},
        )
        register_demo_step("evaluations", seed_demo, order=60)
        from xindang.customers.selectors import register_visibility

        from .selectors import signed_customers

        # the marketing manager, VP marketing and CFO sign every month's evaluation (002 第四十–四十一条)
        register_visibility(signed_customers)

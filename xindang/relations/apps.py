from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationsConfig(AppConfig):
    name = "xindang.relations"
    label = "relations"
    verbose_name = _("Relations")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.holds import register_hold_source
        from xindang.customers.selectors import register_visibility

        from . import errors, sections  # noqa: F401 - registers the error statuses and the policy section
        from .selectors import complaint_holds, served_customers
        from .services import register_approval_kinds

        register_actions(
            {
                "relations.complaint.receive": _("Received complaint"),
                "relations.complaint.investigate": _("Investigated complaint"),
                "relations.complaint.propose": _("Proposed complaint resolution"),
                "relations.complaint.approve": _("Complaint resolution approved"),
                "relations.complaint.reject": _("Complaint resolution rejected"),
                "relations.complaint.feedback": _("Fed complaint result back to customer"),
                "relations.complaint.close": _("Closed complaint"),
                "relations.complaint.export": _("Exported complaint statistics"),
                "relations.visit.plan": _("Planned visit"),
                "relations.visit.record": _("Recorded visit"),
                "relations.visit.report": _("Reported visit"),
                "relations.visit.review": _("Reviewed visit report"),
                "relations.visit.cancel": _("Cancelled visit"),
                "relations.visit.print": _("Printed visit record"),
                "relations.plan.create": _("Created customer development plan"),
                "relations.survey.questionnaire": _("Saved questionnaire"),
                "relations.survey.campaign": _("Opened survey campaign"),
                "relations.survey.answer": _("Entered survey answers"),
                "relations.survey.import": _("Imported survey answers"),
                "relations.survey.report": _("Submitted survey report"),
                "relations.survey.approve": _("Survey report approved"),
                "relations.survey.reject": _("Survey report rejected"),
                "relations.action.raise": _("Raised corrective action"),
                "relations.action.close": _("Closed corrective action"),
            },
            groups={"relations": _("Relations")},
            object_pages={"relations.complaint": "relations:complaint", "relations.visit": "relations:visit"},
        )
        register_approval_kinds()
        register_hold_source(complaint_holds)  # an open complaint keeps the file from disposal
        register_visibility(served_customers)  # a service agent sees the files of their visits
        from xindang.core.demo import register_demo_step

        from .demo import seed_demo

        register_demo_step("relations", seed_demo, order=20)

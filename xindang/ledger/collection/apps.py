from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "xindang.ledger.collection"
    label = "collection"
    verbose_name = _("Collection")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step

        from . import sections  # noqa: F401 - registers the "collection" policy section
        from .demo import seed_collection

        register_actions(
            {
                "collection.record": _("Recorded collection contact"),
                "collection.next_step_done": _("Marked collection next step done"),
                "collection.promise": _("Recorded payment promise"),
                "collection.promise_cancel": _("Cancelled payment promise"),
                "collection.promise_kept": _("Payment promise kept"),
                "collection.promise_broken": _("Payment promise broken"),
                "collection.anomaly_raise": _("Raised collection-anomaly report"),
                "collection.anomaly_complete": _("Completed collection-anomaly report"),
                "collection.problem_raise": _("Raised problem-account report"),
                "collection.problem_submit": _("Submitted problem-account report"),
                "collection.problem_review": _("Reviewed problem-account report"),
                "collection.report_sign": _("Signed a line of a collection report"),
                "collection.danger_report": _("Reported dangerous customer"),
                "collection.danger_decide": _("Decided measures for dangerous customer"),
                "collection.suspend": _("Suspended trade with customer"),
                "collection.resume": _("Lifted trade suspension"),
                "collection.ageing": _("Viewed receivables ageing"),
                "collection.export": _("Exported collection list or ageing"),
                "collection.daily": _("Ran daily collection checks"),
                "collection.statement_issue": _("Issued balance statement"),
                "collection.statement_reply": _("Recorded customer's answer to balance statement"),
                "collection.statement_resolve": _("Resolved disputed balance"),
            },
            groups={"collection": _("Collection")},
            object_pages={
                "collection.anomalyreport": "collection:anomaly",
                "collection.problemaccountreport": "collection:problem",
                "collection.dangerreport": "collection:danger",
                "collection.balancestatement": "collection:statement",
            },
        )
        register_demo_step("collection", seed_collection, order=40)
        from .demo_statements import seed_statements

        register_demo_step("statements", seed_statements, order=41)
        from xindang.ledger.facts import register_broken_promises

        from . import errors  # noqa: F401 - registers the HTTP statuses of its codes
        from .selectors import broken_promises_by_customer

        register_broken_promises(broken_promises_by_customer)  # the rating facts count broken promises

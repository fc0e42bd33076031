from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "xindang.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from xindang.audit.actions import register_actions

        from . import sections  # noqa: F401 - registers the "approvals" policy section

        register_actions(
            {
                "approval.submit": _("Submitted for approval"),
                "approval.approve": _("Approved a step"),
                "approval.reject": _("Rejected an approval"),
                "approval.return": _("Returned an approval for changes"),
                "approval.resubmit": _("Resubmitted an approval"),
                "approval.withdraw": _("Withdrew an approval"),
                "approval.comment": _("Commented on an approval"),
                "approval.attachment": _("Attached a file to an approval"),
                "approval.attachment_download": _("Downloaded an approval attachment"),
                "approval.export": _("Exported approvals"),
                "approval.access_denied": _("Access to approval refused"),
                "approval.requester_transferred": _("Handed a pending request to a successor"),
                "approval.step_assigned": _("Named the signer of a waiting approval step"),
            },
            groups={"approval": _("Approvals")},
            object_pages={"approvals.approvalrequest": "approvals:detail"},
        )

"""The approvals section of the company policy. Registered in ApprovalsConfig.ready()."""

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field

from xindang.policy.sections import register_section


class ApprovalsSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # By default every step of a chain is signed by a different person (separation of duties).
    same_person_may_sign_multiple_steps: bool = False
    # A step waiting longer than this is marked overdue on the approver's to-do list.
    pending_reminder_days: int = Field(3, ge=1, le=90)


register_section(
    "approvals",
    ApprovalsSection,
    _("Approvals"),
    {
        "same_person_may_sign_multiple_steps": (
            _("One person may sign several steps"),
            _(
                "If on, a person who holds two roles of a chain may sign both steps (each signature is "
                "recorded separately). The requester never signs."
            ),
        ),
        "pending_reminder_days": (
            _("Reminder after (days)"),
            _("A step waiting longer is marked overdue on the approver's to-do list."),
        ),
    },
)

"""A leaver's or mover's customers, duties, approvals and loans handed to named successors in one act
(seed 001 五), with the handover list."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoversConfig(AppConfig):
    name = "xindang.handovers"
    label = "handovers"
    verbose_name = _("Staff handovers")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step

        from . import errors  # noqa: F401 - registers the HTTP statuses of the error codes
        from .demo import seed_handovers

        register_demo_step("handovers", seed_handovers, order=95)

        register_actions(
            {
                "handovers.hand_over": _("Handed over a leaver's customers and work"),
                "handovers.contract": _("Handed a contract to a new handler"),
                "handovers.loan": _("Handed over or listed missing originals on loan"),
                "handovers.sign": _("Signed a handover list"),
                "handovers.print": _("Printed a handover list"),
            },
            groups={"handovers": _("Staff handovers")},
            object_pages={"handovers.handover": "handovers:detail"},
        )

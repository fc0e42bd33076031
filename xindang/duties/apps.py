from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "xindang.duties"
    label = "duties"
    verbose_name = _("Duties")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step

        from . import sections  # noqa: F401 - registers the "duties" policy section
        from .demo import seed_demo

        register_demo_step("duties", seed_demo, order=90)
        from xindang.core.tasks import register_on_interrupted

        from .daily import forget_digests, mail_digest

        # a digest whose worker died is sent again by the next daily run
        register_on_interrupted(mail_digest, forget_digests)

        register_actions(
            {
                "duties.complete": _("Recorded scheduled work as done"),
                "duties.preference": _("Changed the duty e-mail setting"),
                "duties.daily_run": _("Daily run stored duties and sent digests"),
                "duties.zero_point_check": _("Checked contract periods for a zero point"),
            },
            groups={"duties": _("Duties")},
        )

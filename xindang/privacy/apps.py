from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "xindang.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from xindang.audit.actions import register_actions
        from xindang.core.demo import register_demo_step
        from xindang.core.errors import register_statuses
        from xindang.customers.exporting import register_sharing_check

        from . import sections  # noqa: F401 — the personal-data section of the company policy
        from .demo import seed_privacy
        from .errors import PrivacyError

        register_actions(
            {
                "privacy.basis_recorded": _("Recorded a person's data basis"),
                "privacy.unmask": _("Showed an identity number in full"),
                "privacy.unmask_denied": _("Showing an identity number refused"),
                "privacy.request_received": _("Recorded a personal-data request"),
                "privacy.request_refused": _("Refused a personal-data request"),
                "privacy.export": _("Exported a person's data"),
                "privacy.share": _("Shared a person's data with an outside party"),
                "privacy.share_refused": _("Sharing with an outside party refused"),
                "privacy.correction": _("Corrected a person's data"),
                "privacy.erasure": _("Erased a person's data"),
                "privacy.consent_recorded": _("Recorded a consent to share"),
                "privacy.consent_withdrawn": _("Withdrew a consent to share"),
                "privacy.keys_rotated": _("Re-encrypted personal data under a new key"),
            },
            groups={"privacy": _("Personal data")},
        )
        register_statuses(
            {
                PrivacyError.NOT_ALLOWED: 403,
                PrivacyError.UNMASK_NOT_ALLOWED: 403,
                PrivacyError.NO_SHARING_CONSENT: 403,
                PrivacyError.ERASURE_HELD: 409,
                PrivacyError.ALREADY_ERASED: 409,
                PrivacyError.NOT_OPEN: 409,
                PrivacyError.CONSENT_WITHDRAWN: 409,
            }
        )
        register_demo_step("privacy", seed_privacy, order=90)
        # an export of the customer list marked for an outside party needs the consents (第十条)
        from .selectors import without_sharing_consent

        register_sharing_check(without_sharing_consent)

from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivacyError(models.TextChoices):
    NOT_ALLOWED = "privacy.not_allowed", _("You may not do this with personal data.")
    UNMASK_NOT_ALLOWED = (
        "privacy.unmask_not_allowed",
        _("Identity numbers are shown in full only to the roles the company policy names (%(roles)s)."),
    )
    INVALID = "privacy.invalid", _("Please correct the errors below.")
    REASON_REQUIRED = "privacy.reason_required", _("Give the reason for the correction.")
    NOTHING_TO_CORRECT = "privacy.nothing_to_correct", _("The new values are the same as the recorded ones.")
    ERASURE_HELD = (
        "privacy.erasure_held",
        _("The data cannot be erased while the file is held: %(holds)s."),
    )
    ALREADY_ERASED = "privacy.already_erased", _("This person's data has already been erased.")
    NOT_OPEN = "privacy.not_open", _("This request has already been handled (%(state)s).")
    WRONG_KIND = "privacy.wrong_kind", _("This request asks for something else (%(kind)s).")
    REFUSAL_REASON_REQUIRED = "privacy.refusal_reason_required", _("Say why the request is refused.")
    NO_SHARING_CONSENT = (
        "privacy.no_sharing_consent",
        _(
            "Data go to an outside party only with the customer's recorded consent and a signed agreement "
            "with that party (seed 004 第十条)."
        ),
    )
    CONSENT_WITHDRAWN = "privacy.consent_withdrawn", _("This consent has already been withdrawn.")

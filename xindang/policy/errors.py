from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyError(models.TextChoices):
    NOT_DRAFT = (
        "policy.not_draft",
        _("Only a draft can be changed; a version in force is replaced, never edited."),
    )
    INVALID = "policy.invalid", _("The settings are not valid.")
    DRAFT_EXISTS = "policy.draft_exists", _("A draft already exists; edit or discard it first.")
    UNKNOWN_SECTION = "policy.unknown_section", _("Unknown policy section.")
    CHECKS_MISSING = (
        "policy.checks_missing",
        _("Run the back-test of this draft first, or give a written reason to put it in force without it."),
    )

from django.db import models
from django.utils.translation import gettext_lazy as _


class DutyError(models.TextChoices):
    NOT_YOURS = "duties.not_yours", _("This work is not among your duties.")
    ALREADY_DONE = "duties.already_done", _("This work was already recorded as done by %(user)s on %(at)s.")
    NOTE_REQUIRED = "duties.note_required", _("Say in a note what was done.")
    BAD_DIGEST = "duties.bad_digest", _("Choose one of the offered digest settings.")

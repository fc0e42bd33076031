from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthError(models.TextChoices):
    INVALID_CREDENTIALS = "auth.invalid_credentials", _("Wrong user name or password.")
    THROTTLED = "auth.throttled", _("Too many failed logins. Try again in %(minutes)s minutes.")
    INACTIVE = "auth.inactive", _("This account is disabled.")

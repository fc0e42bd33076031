"""Texts of Django's admin templates that Django's own Chinese catalogue lacks (the screen-reader
headings of the admin's app list). Listed here so that makemessages puts them in our catalogue, which
Django reads before its own (LOCALE_PATHS)."""

from django.utils.translation import gettext_noop as _

ADMIN_TEXTS = (
    _("Model name"),
    _("Add link"),
    _("Change or view list link"),
)

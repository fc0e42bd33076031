"""Chinese formats: Django's own, except that the first input format is ISO 8601. Django renders a
form's date with the first input format, and a browser's date input (`<input type="date">`) reads
only "2026-12-06": with Django's "2026/12/06" first, every date field of an edit form showed empty and
an optional date was erased when the form was saved again."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403 (Django's formats, then ours)
from django.conf.locale.zh_Hans.formats import DATE_INPUT_FORMATS as _DJANGO_DATE

DATE_INPUT_FORMATS = ["%Y-%m-%d", *(f for f in _DJANGO_DATE if f != "%Y-%m-%d")]

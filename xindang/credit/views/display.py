"""How the credit pages show a grade and an investigation's state (shared by the list, the file's panel
and the rating pages)."""

from django.utils.translation import gettext as _

from .. import selectors
from ..models import Grade

GRADE_CLASSES = {"A": "active", "B": "warn", "C": "bad", "jia": "active", "yi": "warn", "bing": "bad"}
STATE_CLASSES = {selectors.VALID: "active", selectors.EXPIRED: "bad", selectors.MISSING: "warn"}


def state_labels():
    return {
        selectors.VALID: _("Valid"),
        selectors.EXPIRED: _("Expired"),
        selectors.MISSING: _("Missing"),
    }


def grade_label(grade):
    if not grade:
        return None
    return {"code": grade, "label": Grade(grade).label, "css": GRADE_CLASSES.get(grade, "")}


def investigation_state(valid_until, today):
    """valid / expired / missing for an investigation valid until `valid_until`."""
    if valid_until is None:
        return selectors.MISSING
    return selectors.VALID if valid_until >= today else selectors.EXPIRED

"""Reading accounts data."""

from .models import ListPreference


def list_preference(user, list_key: str) -> ListPreference | None:
    """The user's remembered choice for a list (columns, page size), None until they choose."""
    if not user or not user.is_authenticated:
        return None
    return ListPreference.objects.filter(user=user, list_key=list_key).first()

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def category_label(category) -> str:
    """The category's name in the user's language (Chinese first, English on request)."""
    if category is None:
        return ""
    if hasattr(category, "label"):
        return category.label(get_language() or "zh-hans")
    return str(category)


_LEVEL_LABELS: dict[tuple[int, str], str] = {}


@register.filter
def level_label(level) -> str:
    """Confidentiality as a small label with text (never colour alone, UI.md); built once per language."""
    level = int(level or 3)
    key = (level, get_language() or "")
    if key not in _LEVEL_LABELS:
        css = {1: "bad", 2: "warn"}.get(level, "prospective")
        _LEVEL_LABELS[key] = format_html(
            '<span class="label {}" data-level="{}">{}</span>', css, level, _("Level %(n)s") % {"n": level}
        )
    return _LEVEL_LABELS[key]


@register.filter
def filesize(num) -> str:
    try:
        num = int(num)
    except (TypeError, ValueError):
        return ""
    for unit in ("B", "KB", "MB", "GB"):
        if num < 1024 or unit == "GB":
            return f"{num} {unit}" if unit == "B" else f"{num:.1f} {unit}"
        num /= 1024
    return str(num)


@register.filter
def retention_label(cls) -> str:
    if cls is None:
        return ""
    if (get_language() or "").startswith("en") and cls.label_en:
        return cls.label_en
    return cls.label

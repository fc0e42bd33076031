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


@register.filter
def level_label(level) -> str:
    """Confidentiality as a small label with text (never colour alone, UI.md)."""
    css = {1: "bad", 2: "warn"}.get(int(level or 3), "prospective")
    return format_html(
        '<span class="label {}" data-level="{}">{}</span>', css, level, _("Level %(n)s") % {"n": level}
    )


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

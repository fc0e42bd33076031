"""HTML written in Python where a template loop or format_html costs too much per value (the list
rows, select options, sortable headers)."""

from html import escape


def text(value) -> str:
    """A value as escaped HTML text: what conditional_escape and format_html do to an argument,
    without their checks for lazy text on every call. Safe strings pass unchanged."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))

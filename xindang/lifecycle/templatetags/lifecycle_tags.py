from django import template

from ..texts import describe_check

register = template.Library()


@register.filter
def check_findings(result) -> list[dict]:
    """An act's four-property check result, per property, in the reader's language."""
    return describe_check(result)

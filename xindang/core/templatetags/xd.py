from django import template

from xindang.core.money import format_money, format_yuan

register = template.Library()


@register.filter
def yuan(value):
    """¥1,250,000.00 (UI.md: yuan with thousands separators)."""
    return format_yuan(value)


@register.filter
def money(value, currency="CNY"):
    """An amount in its own currency: {{ c.registered_capital|money:c.registered_capital_currency }}."""
    return format_money(value, currency)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (sorting, pagination links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()

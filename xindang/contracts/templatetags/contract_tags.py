from django import template

from xindang.core.money import format_yuan, to_yuan

register = template.Library()


@register.filter
def money(amount, currency="CNY"):
    """¥1,250,000.00 for yuan; "USD 1,250,000.00" for other currencies (never a ¥ on dollars)."""
    if amount is None or amount == "":
        return ""
    if not currency or currency == "CNY":
        return format_yuan(amount)
    return f"{currency} {to_yuan(amount):,.2f}"

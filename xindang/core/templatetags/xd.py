from django import template
from django.utils.safestring import mark_safe

from xindang.core.markup import text
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


@register.simple_tag(takes_context=True)
def sort_th(context, key, label, num=False):
    """A sortable column's header: a link that sorts by `key` (the other way round when the list is
    sorted by it already, ▲ ascending, ▼ descending), keeping the query but its page. In Python: a
    list has up to a dozen of them, an included template each cost a millisecond a page."""
    sort = context.get("sort")
    if sort == key:
        target, arrow = "-" + key, " ▲"
    elif sort == "-" + key:
        target, arrow = key, " ▼"
    else:
        target, arrow = key, ""
    params = context["request"].GET.copy()
    params.pop("page", None)
    params["sort"] = target
    css = ' class="num"' if num else ""
    return mark_safe(f'<th{css}><a href="?{text(params.urlencode())}">{text(label)}{arrow}</a></th>')


@register.simple_tag
def options(choices, selected, value="", label=""):
    """The <option> elements of a <select>, the one equal to `selected` (compared as text) marked:
    {% options statuses params.status %} for (value, label) pairs; {% options departments
    params.department value="pk" label="name" %} for objects (no label: the object's text);
    {% options tags params.tag value="-" %} for plain values. In Python: a select of a list page has up
    to a few hundred options, a template loop with a comparison per option costs milliseconds."""
    chosen = "" if selected is None else str(selected)
    html = []
    for choice in choices:
        if value == "-":
            v = lbl = choice
        elif value:
            v = getattr(choice, value)
            lbl = getattr(choice, label) if label else choice
        else:
            v, lbl = choice
        v = str(v)
        marked = " selected" if v == chosen else ""
        html.append(f'<option value="{text(v)}"{marked}>{text(lbl)}</option>')
    return mark_safe("".join(html))


@register.simple_tag
def grouped_options(objects, group):
    """<optgroup> elements, one per value of `group` (an attribute holding an object with a name, in
    the order met), each with its objects' <option value="pk">text</option>: {% grouped_options
    salespeople "department" %}. In Python, like `options`: what {% regroup %} and two loops did."""
    html, current = [], None
    for obj in objects:
        grouper = getattr(obj, group)
        if not html or grouper != current:
            if html:
                html.append("</optgroup>")
            html.append(f'<optgroup label="{text(getattr(grouper, "name", grouper))}">')
            current = grouper
        html.append(f'<option value="{text(obj.pk)}">{text(obj)}</option>')
    if html:
        html.append("</optgroup>")
    return mark_safe("".join(html))

"""{% load approval_tags %}: {% object_approvals obj %} (the approvals about an object) and
{% approval_trail approval %} (the trail table) for domain pages and prints."""

from django import template

from ..selectors import requests_for_object, trail_rows

register = template.Library()


@register.inclusion_tag("approvals/_object_approvals.html")
def object_approvals(obj):
    return {"approvals": list(requests_for_object(obj).select_related("requested_by")[:50])}


@register.inclusion_tag("approvals/_trail.html")
def approval_trail(approval):
    return {"trail": trail_rows(approval) if approval is not None else []}

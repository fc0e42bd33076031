from django import template

from ..spreadsheets import bucket_label as _bucket_label

register = template.Library()


@register.simple_tag
def bucket_label(bucket) -> str:
    return _bucket_label(bucket)

from django import template

from .. import spreadsheets

register = template.Library()


@register.simple_tag
def bucket_label(bucket) -> str:
    return spreadsheets.bucket_label(bucket)

"""Customer-file screens: list, file page, create/edit, status change. Thin: capability check →
access helper → form → one service → message/redirect; DomainError becomes a form error.

One module per page group: listing (the list and its bulk actions), files (one file's pages) and
not_related (the "not related" findings); urls.py names the views through this package."""

from .files import (
    child_row_add,
    child_row_remove,
    customer_create,
    customer_detail,
    customer_edit,
    customer_history,
    customer_pdf,
    customer_status,
)
from .listing import PAGE_SIZE, SEARCH_COUNT_CAP, bulk_reassign, bulk_tag, customer_list, list_columns
from .not_related import not_related_mark, not_related_revoke

__all__ = [
    "PAGE_SIZE",
    "SEARCH_COUNT_CAP",
    "bulk_reassign",
    "bulk_tag",
    "child_row_add",
    "child_row_remove",
    "customer_create",
    "customer_detail",
    "customer_edit",
    "customer_history",
    "customer_list",
    "customer_pdf",
    "customer_status",
    "list_columns",
    "not_related_mark",
    "not_related_revoke",
]

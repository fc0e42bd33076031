"""Ninja's page-number pagination with the house bounds: a page past any table is a 422, not a
database overflow, and a page holds at most 500 rows. Answers {"items": [...], "count": n}."""

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=500)

    def __init__(self, page_size: int = 50, **kwargs):
        super().__init__(page_size=page_size, max_page_size=500, **kwargs)

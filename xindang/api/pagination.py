"""Ninja's pagination with the house bounds: a page past any table is a 422, not a database overflow.

`Pages` (new lists): {"items": [...], "count": n}, `?page=` and `?page_size=` (up to 500).
`page_answer(...)` (the first lists, whose answers keep their shape): {"count", "page", "pages",
"results"}; `clamp=True` answers the last page for a page past the end (as Django's Paginator did).
A view may return `Mapped(queryset, fn)` to shape each row of the page only, `Batched(queryset, fn)`
to shape the page at once."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination, PaginationBase

MAX_PAGE = 1_000_000


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=500)

    def __init__(self, page_size: int = 50, **kwargs):
        super().__init__(page_size=page_size, max_page_size=500, **kwargs)


class Mapped:
    """A queryset whose rows are shaped by `fn` once sliced (only the page's rows are shaped)."""

    def __init__(self, queryset: QuerySet, fn: Callable[[Any], Any]):
        self.queryset, self.fn = queryset, fn

    def all(self) -> "Mapped":  # Ninja's PageNumberPagination counts `queryset.all().count()`
        return self

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, index: slice) -> list:
        return [self.fn(row) for row in self.queryset[index]]


class Batched(Mapped):
    """A queryset whose page is shaped by `fn` at once (`fn(rows) -> list`; e.g. rows that expand)."""

    def __getitem__(self, index: slice) -> list:
        return self.fn(list(self.queryset[index]))


def page_answer(
    *, default: int, maximum: int, clamp: bool = False, sized: bool = True, cap: int | None = None
) -> type:
    """A paginator answering {"count", "page", "pages", "results"}; `sized`: the caller may choose
    the page size (`?page_size=`, `default` when absent, at most `maximum`); `cap`: the count stops
    at cap + 1 ("more than cap", core.pagination.CappedPaginator) and only the first `cap` rows page."""

    fields: dict = {"page": (int, Field(1, ge=1, le=MAX_PAGE))}
    if sized:
        fields["page_size"] = (int, Field(default, ge=1, le=maximum))
    annotations = {k: t for k, (t, _f) in fields.items()}
    Input = type(
        "Input", (Schema,), {"__annotations__": annotations, **{k: f for k, (_t, f) in fields.items()}}
    )

    class Output(Schema):
        count: int
        page: int
        pages: int
        results: list[Any]

    class PageAnswer(PaginationBase):
        items_attribute = "results"

        def paginate_queryset(self, queryset, pagination, request, **params):
            size = getattr(pagination, "page_size", default)
            rows = queryset.queryset if isinstance(queryset, Mapped) else queryset  # count rows unshaped
            counted = rows if cap is None else rows[: cap + 1]
            count = (
                counted.count()
                if hasattr(counted, "count") and not isinstance(counted, list)
                else len(counted)
            )
            pages = max(1, -(-min(count, cap or count) // size))
            page = min(pagination.page, pages) if clamp else pagination.page
            start = (page - 1) * size
            return {"count": count, "page": page, "pages": pages, "results": queryset[start : start + size]}

    PageAnswer.Input = Input
    PageAnswer.Output = Output
    return PageAnswer

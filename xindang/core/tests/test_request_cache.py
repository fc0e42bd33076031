"""Values memoized for one request (core.request_cache): computed once within it, afresh in the next,
never kept outside a request."""

from django.test import RequestFactory

from xindang.core import request_cache


def test_memo_within_a_request_only():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    def view(request):
        first = request_cache.memo("k", compute)
        second = request_cache.memo("k", compute)
        request_cache.forget("k")
        third = request_cache.memo("k", compute)
        return first, second, third

    middleware = request_cache.RequestCacheMiddleware(view)
    assert middleware(RequestFactory().get("/")) == (1, 1, 2)
    assert middleware(RequestFactory().get("/")) == (3, 3, 4)  # a new request computes afresh
    assert request_cache.memo("k", compute) == 5  # outside a request nothing is kept
    assert request_cache.memo("k", compute) == 6

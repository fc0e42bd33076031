"""What one request asks for several times, computed once for that request: the policy in force, the
left navigation. RequestCacheMiddleware opens a fresh store for each request and drops it at the end;
outside a request (commands, services called directly, the task worker) nothing is kept and every
call computes afresh. A write that changes what is cached within the same request calls forget().
"""

from collections.abc import Callable
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_store: ContextVar[dict | None] = ContextVar("xindang_request_cache", default=None)


def memo(key, compute: Callable[[], T]) -> T:
    store = _store.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def forget(key=None) -> None:
    """Drop one cached value (or all) of the current request, if any."""
    store = _store.get()
    if store is None:
        return
    if key is None:
        store.clear()
    else:
        store.pop(key, None)


class RequestCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _store.set({})
        try:
            return self.get_response(request)
        finally:
            _store.reset(token)

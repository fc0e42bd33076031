"""What one request asks for several times, computed once for that request: the policy in force, the
left navigation. RequestCacheMiddleware opens a fresh store for each request and drops it at the end;
outside a request (commands, services called directly, the task worker) nothing is kept and every
call computes afresh. A write that changes what is cached within the same request calls forget().
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
_store: ContextVar[dict | None] = ContextVar("xindang_request_cache", default=None)


def memo(key, compute: Callable[[], T]) -> T:
    store = _store.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def in_request() -> bool:
    """Whether a request is being answered (RequestCacheMiddleware opened its store)."""
    return _store.get() is not None


def forget(key=None) -> None:
    """Drop one cached value (or all) of the current request, if any."""
    store = _store.get()
    if store is None:
        return
    if key is None:
        store.clear()
    else:
        store.pop(key, None)


@contextmanager
def answering() -> Iterator[None]:
    """A request's store, open while the block runs (RequestCacheMiddleware; tests)."""
    token = _store.set({})
    try:
        yield
    finally:
        _store.reset(token)


class RequestCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with answering():
            return self.get_response(request)


# --- Shared between requests and processes ---------------------------------------------------------
# Small reference data that every page of a kind reads and that rarely changes (the customer list's
# filter options: departments, tags, salespeople) is kept in Django's cache (the file cache every
# worker process of a machine shares, or Redis), under a generation number: invalidate(name) moves
# every process to a new generation at once, and the old entries simply expire. Whoever changes the
# data calls invalidate(); `timeout` bounds how long anything missed can stay stale.
def _generation_key(name: str) -> str:
    return f"xd:shared:{name}:generation"


def _next_generation(name: str) -> None:
    try:
        cache.incr(_generation_key(name))
    except ValueError:  # no generation yet (or evicted): any number the entries were not made under
        cache.set(_generation_key(name), int(time.time() * 1000), None)


def shared(name: str, key, compute: Callable[[], T], *, timeout: int) -> T:
    """compute() once per `timeout` seconds and generation of `name`, for every process; within a
    request, once (memo). The value must pickle."""

    def fetch():
        generation = cache.get(_generation_key(name)) or 0
        cache_key = f"xd:shared:{name}:{generation}:{key}"
        value = cache.get(cache_key)
        if value is None:
            value = compute()
            cache.set(cache_key, value, timeout)
        return value

    return memo(("shared", name, key), fetch)


def invalidate(name: str) -> None:
    """A new generation of `name`: every process computes its values afresh from now on. Called
    inside a transaction, the generation moves again when it commits: a request that read the old
    rows between the two would otherwise have cached them under the new generation."""
    _next_generation(name)
    transaction.on_commit(lambda: _next_generation(name))
    store = _store.get()
    if store is not None:
        for k in [k for k in store if isinstance(k, tuple) and k[:2] == ("shared", name)]:
            del store[k]

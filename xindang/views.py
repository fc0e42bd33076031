"""The workbench (工作台): the user's to-do list across modules (UI.md)."""

from django.core.cache import cache
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET

# Each module contributes its due items: f(user) -> [{"kind", "title", "due", "url", "overdue"}].
WORKBENCH_PROVIDERS = [
    "xindang.customers.selectors.workbench_items",
    "xindang.documents.selectors.workbench_items",
    "xindang.contracts.selectors.workbench_items",
    "xindang.approvals.selectors.workbench_items",
    "xindang.credit.selectors.workbench_items",
    "xindang.credit.grants.selectors.workbench_items",
    "xindang.credit.evaluations.selectors.workbench_items",
    "xindang.ledger.collection.selectors.workbench_items",
    "xindang.credit.control.selectors.workbench_items",
]


def workbench_items(user) -> list[dict]:
    items = []
    for path in WORKBENCH_PROVIDERS:
        items += import_string(path)(user)
    # Overdue first, then by due date; undated items last.
    return sorted(items, key=lambda i: (not i.get("overdue"), i.get("due") is None, i.get("due") or ""))


BADGE_SECONDS = 60  # the top-bar count may lag the workbench by up to a minute


def _badge_key(user) -> str:
    return f"xindang:todo-badge:{user.pk}"


def home(request):
    items = workbench_items(request.user)
    cache.set(
        _badge_key(request.user), (len(items), sum(1 for i in items if i.get("overdue"))), BADGE_SECONDS
    )
    return render(request, "home.html", {"items": items})


@require_GET
def todo_badge(request):
    """The top bar's to-do badge (UI.md), loaded by htmx after the page so no page waits for it."""
    counts = cache.get(_badge_key(request.user))
    if counts is None:
        items = workbench_items(request.user)
        counts = (len(items), sum(1 for i in items if i.get("overdue")))
        cache.set(_badge_key(request.user), counts, BADGE_SECONDS)
    total, overdue = counts
    return render(request, "_todo_badge.html", {"total": total, "overdue": overdue})

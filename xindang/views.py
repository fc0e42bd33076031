"""The workbench (工作台): the user's to-do list across modules (UI.md)."""

from django.shortcuts import render
from django.utils.module_loading import import_string

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


def home(request):
    return render(request, "home.html", {"items": workbench_items(request.user)})

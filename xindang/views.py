"""The workbench (工作台): the user's to-do list across modules (UI.md) — grouped by kind with counts,
filtered by kind, customer and due date, paged, overdue first then by due date."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from xindang.core.workbench import WorkItem
from xindang.customers.rules import name_pinyin

# Each module contributes its due items: f(user) -> list[WorkItem] (xindang.core.workbench).
WORKBENCH_PROVIDERS = [
    "xindang.customers.selectors.workbench_items",
    "xindang.documents.selectors.workbench_items",
    "xindang.contracts.selectors.workbench_items",
    "xindang.approvals.selectors.workbench_items",
    "xindang.credit.selectors.workbench_items",
    "xindang.credit.grants.selectors.workbench_items",
    "xindang.credit.evaluations.selectors.workbench_items",
    "xindang.ledger.collection.selectors.workbench_items",
    "xindang.ledger.collection.statements.workbench_items",
    "xindang.credit.control.selectors.workbench_items",
    "xindang.duties.selectors.workbench_items",
    "xindang.privacy.selectors.workbench_items",
    "xindang.lifecycle.selectors.workbench_items",
    "xindang.reports.selectors.workbench_items",
    "xindang.retention.selectors.workbench_items",
    "xindang.relations.selectors.workbench_items",
    "xindang.custody.selectors.workbench_items",
    "xindang.suppliers.selectors.workbench_items",
    "xindang.handovers.selectors.workbench_items",
]
PAGE_SIZE = 25


def _due_within(days: int):
    return lambda item, today: item.due is not None and item.due <= today + timedelta(days=days)


# The due-date filter: code → (label, test of an item on `today`).
DUE_FILTERS = {
    "overdue": (_("Overdue"), lambda item, today: item.overdue),
    "7": (_("Due within 7 days"), _due_within(7)),
    "30": (_("Due within 30 days"), _due_within(30)),
    "none": (_("No due date"), lambda item, today: item.due is None),
}


def workbench_items(user) -> list[WorkItem]:
    items: list[WorkItem] = []
    for path in WORKBENCH_PROVIDERS:
        items += import_string(path)(user)
    return sorted(items, key=WorkItem.sort_key)  # overdue first, then by due date; undated last


@dataclass
class KindGroup:
    kind: str
    label: str
    count: int = 0
    overdue: int = 0


def group_by_kind(items: list[WorkItem]) -> list[KindGroup]:
    """One group per kind with its count and overdue count; groups with overdue work first."""
    groups: dict[str, KindGroup] = {}
    for item in items:
        group = groups.setdefault(item.kind, KindGroup(item.kind, str(item.label)))
        group.count += 1
        group.overdue += item.overdue
    return sorted(groups.values(), key=lambda g: (-g.overdue, -g.count, g.label))


def filter_items(items: list[WorkItem], params, *, today) -> list[WorkItem]:
    kind, customer, due = params.get("kind"), params.get("customer"), params.get("due")
    if kind:
        items = [i for i in items if i.kind == kind]
    if customer and customer.isdigit():
        items = [i for i in items if i.customer_id == int(customer)]
    if due in DUE_FILTERS:
        test = DUE_FILTERS[due][1]
        items = [i for i in items if test(i, today)]
    return items


BADGE_SECONDS = 60  # the top-bar count may lag the workbench by up to a minute


def _badge_key(user) -> str:
    return f"xindang:todo-badge:{user.pk}"


def _counts(items) -> tuple[int, int]:
    return len(items), sum(1 for i in items if i.overdue)


def home(request):
    items = workbench_items(request.user)
    cache.set(_badge_key(request.user), _counts(items), BADGE_SECONDS)
    params = request.GET
    shown = filter_items(items, params, today=timezone.localdate())
    # the customers of the to-dos, by pinyin like the customer list (not by code point)
    customers = sorted(
        {(i.customer_id, i.customer_name) for i in items if i.customer_id},
        key=lambda c: (name_pinyin(c[1])[0], c[1]),
    )
    page = Paginator(shown, PAGE_SIZE).get_page(params.get("page"))
    # Live to-dos merged with the stored duties: each shown line with since when it is open (one query).
    from xindang.duties.permissions import can_see_team
    from xindang.duties.selectors import workbench_rows

    filtered = any(params.get(k) for k in ("kind", "customer", "due"))
    return render(
        request,
        "home.html",
        {
            "page": page,
            "groups": group_by_kind(items),
            "total": len(items),
            "overdue": sum(1 for i in items if i.overdue),
            "customers": customers,
            "due_filters": [(code, label) for code, (label, _test) in DUE_FILTERS.items()],
            "params": params,
            "filtered": filtered,
            "rows": workbench_rows(request.user, items, page.object_list),
            "can_see_team": can_see_team(request.user),
        },
    )


@require_GET
def todo_badge(request):
    """The top bar's to-do badge (UI.md), loaded by htmx after the page so no page waits for it."""
    counts = cache.get(_badge_key(request.user))
    if counts is None:
        counts = _counts(workbench_items(request.user))
        cache.set(_badge_key(request.user), counts, BADGE_SECONDS)
    total, overdue = counts
    return render(request, "_todo_badge.html", {"total": total, "overdue": overdue})


@login_not_required
@require_GET
def bench_floor(request):
    """A constant answer through the whole middleware stack and no database: the HTTP floor the load
    bench sets the credit check beside (bench/load.py). Routed only when XINDANG_BENCH_FLOOR is set."""
    return HttpResponse(b"ok", content_type="text/plain")

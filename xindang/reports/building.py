"""The document of an analysis for a user and a query (?year=, ?dimension=, ?goal=, ?customer=,
stocks…): what the screens show and what an export writes — here and now for a page, or in the task
worker for a long export (services.build_export). `request` needs only `.user` and `.GET`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.utils import timezone

from xindang.customers.selectors import visible_customers
from xindang.policy.selectors import current_policy

from . import documents
from .selectors import ranking, sales, snapshot


def year_param(request, default: int) -> int:
    value = request.GET.get("year", "")
    if value.isdigit() and 1990 <= int(value) <= 2999:
        return int(value)
    return default


def _amount(value: str) -> Decimal | None:
    try:
        amount = Decimal((value or "").replace(",", "").strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and 0 <= amount < Decimal("1e15") else None


def _stocks(params) -> dict:
    """product → (opening, closing) from the form's stock fields (open::<product>, close::<product>)."""
    out = {}
    for key in params:
        if key.startswith("open::"):
            product = key[6:]
            opening, closing = _amount(params.get(key)), _amount(params.get("close::" + product, ""))
            if opening is not None and closing is not None:
                out[product] = (opening, closing)
    return out


def build(request, slug: str):
    """The document `slug` for this request's user and query."""
    user, today = request.user, timezone.localdate()
    customers = visible_customers(user)
    policy = current_policy()
    params = request.GET
    if slug == "composition":
        dimension = params.get("dimension") or "industry"
        if dimension not in sales.DIMENSIONS:
            dimension = "industry"
        return documents.composition_document(
            customers, dimension=dimension, year=year_param(request, today.year), today=today
        )
    if slug == "abc":
        year = year_param(request, today.year)
        ct, marker = ranking.two_ends(customers, year=year, today=today, policy=policy)
        return documents.abc_document(
            customers, year=year, today=today, policy=policy, core_tail=ct, core_tail_as_of=marker
        )
    if slug == "sales":
        goal = _amount(params.get("goal", ""))
        wanted, one = params.get("customer", ""), None
        if wanted.isdigit():  # 004 第四条1(1) 统计各客户: one customer's seasons and products
            customers = customers.filter(pk=int(wanted))
            one = customers.first()
            if one is None:
                raise Http404
        return documents.sales_document(
            customers,
            year=year_param(request, today.year - 1),
            today=today,
            policy=policy,
            goal=goal,
            stocks=_stocks(params),
            one=one,
        )
    if slug == "credit":
        snap = snapshot.for_dashboard(today)  # today's, or yesterday's until today's daily run
        return documents.credit_document(customers, on=snap.on if snap else today, snap=snap)
    if slug == "yearly":
        return documents.yearly_document(
            customers, year=year_param(request, today.year - 1), today=today, policy=policy
        )
    raise Http404

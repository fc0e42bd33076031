"""Composition of customers and sales, and the products' mix and margins (004 客户信息管理制度 第三条1,
第四条2–6; 003 篇五 第四条3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from xindang.customers.models import Customer
from xindang.ledger.models import EntryLine
from xindang.ledger.rules import CREDIT_NOTE, REVERSAL

from ... import rules
from .figures import (
    DIMENSIONS,
    MONEY,
    ZERO,
    customer_sums,
    sales_entries,
    sales_total,
    split_period,
    total_sales,
)


# --- Composition (004 第三条1; 003 篇五 第四条3) ---------------------------------------------------
@dataclass
class CompositionRow:
    key: str
    label: str
    amount: Decimal
    share: Decimal | None
    customers: int


@dataclass
class Composition:
    dimension: str
    rows: list[CompositionRow]
    total: Decimal
    unlined_amount: Decimal = ZERO  # product dimension: sales that carry no product lines


def _choice_labels(dimension: str) -> dict:
    return {k: str(v) for k, v in Customer._meta.get_field(dimension).flatchoices}


def composition(customers, dimension: str, start: date, end: date) -> Composition:
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    if dimension == "product":
        return product_composition(customers, start, end)
    parts, total = rules.composition(composition_rows(customers, dimension, start, end))
    labels = _choice_labels(dimension)
    out = [CompositionRow(p.key, labels.get(p.key) or p.key, p.amount, p.share, p.count) for p in parts]
    return Composition(dimension, out, total)


def composition_rows(customers, dimension: str, start: date, end: date) -> list[tuple[str, Decimal, int]]:
    """(key, sales, customers with a sales entry) per value of the customer's `dimension`: the stored
    months' facts and the ledger's other days in one query (UNION ALL of both per customer, then
    grouped by the key, so a customer in both counts once)."""
    from django.db import connection

    stored, live = split_period(start, end)
    key = F(f"customer__{dimension}")
    parts = [
        part.annotate(k=key).order_by().values("customer_id", "k").annotate(total=Sum("sales"))
        for part in (customer_sums(customers, stored) if stored else [])
    ]
    for a, b in live:
        parts.append(
            sales_entries(customers, a, b)
            .annotate(k=key)
            .order_by()
            .values("customer_id", "k")
            .annotate(total=sales_total())
        )
    if not parts:
        return []
    sqls, params = [], []
    for qs in parts:
        sql, p = qs.query.sql_with_params()
        sqls.append(f"SELECT * FROM ({sql}) p{len(sqls)}")  # noqa: S608 - compiled by the ORM
        params += list(p)
    union = " UNION ALL ".join(sqls)
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT u.k, SUM(u.total), COUNT(DISTINCT u.customer_id) FROM ({union}) u GROUP BY u.k",  # noqa: S608
            params,
        )
        rows = cur.fetchall()
    money = MONEY
    return [(k or "", money.to_python(t) if t is not None else ZERO, n) for k, t, n in rows]


def _line_rows(customers, start: date, end: date):
    """Lines of sales entries (returns negative) not reversed, with their entry's sign."""
    sign = Case(When(entry__kind=CREDIT_NOTE, then=Value(-1)), default=Value(1))
    return (
        EntryLine.objects.filter(
            entry__in=sales_entries(customers, start, end).exclude(kind=REVERSAL).values("pk"),
            entry__reversed_by__isnull=True,
        )
        .annotate(sign=sign)
        .order_by()
    )


@dataclass
class ProductRow:
    product: str
    amount: Decimal
    share: Decimal | None
    cost: Decimal | None  # None: some line of the product has no cost
    margin: Decimal | None = None
    margin_rate: Decimal | None = None
    opening_stock: Decimal | None = None
    closing_stock: Decimal | None = None
    average_stock: Decimal | None = None
    turnover: Decimal | None = None
    cross: Decimal | None = None
    contribution: Decimal | None = None
    customers: int = 0


def product_sales(customers, start: date, end: date) -> tuple[list[dict], Decimal]:
    """Per product: amount, cost (None when any line lacks it), customers; and the lined total."""
    amount = Sum(F("amount") * F("sign"), output_field=MONEY)
    cost = Sum(F("cost_amount") * F("sign"), output_field=MONEY)
    rows = list(
        _line_rows(customers, start, end)
        .values("product")
        .annotate(
            amount_sum=Coalesce(amount, Value(ZERO), output_field=MONEY),
            cost_sum=cost,
            missing_cost=Count("id", filter=Q(cost_amount__isnull=True)),
            n=Count("entry__customer", distinct=True),
        )
    )
    return rows, sum((r["amount_sum"] for r in rows), ZERO)


def product_composition(customers, start: date, end: date) -> Composition:
    rows, lined = product_sales(customers, start, end)
    parts, total = rules.composition((r["product"], r["amount_sum"], r["n"]) for r in rows)
    out = [CompositionRow(p.key, p.key, p.amount, p.share, p.count) for p in parts]
    return Composition("product", out, total, unlined_amount=total_sales(customers, start, end) - lined)


def product_analysis(
    customers, start: date, end: date, stocks: dict | None = None
) -> tuple[list[ProductRow], Decimal]:
    """004 客户信息管理制度 第四条2–6 per product: mix, gross margin and rate (when every line has a cost),
    average stock, turnover, cross ratio and contribution (when the stock at the start and the end of
    the period is given: `stocks` product → (opening, closing); the ledger keeps no stock)."""
    stocks = stocks or {}
    rows, lined = product_sales(customers, start, end)
    mix = {p.key: p for p in rules.product_mix((r["product"], r["amount_sum"]) for r in rows)[0]}
    out = []
    for r in rows:
        part = mix[r["product"]]
        cost = r["cost_sum"] if r["missing_cost"] == 0 else None
        margin, rate = rules.gross_margin(r["amount_sum"], cost)
        opening, closing = stocks.get(r["product"], (None, None))
        avg = rules.average_stock(opening, closing)
        turnover = rules.stock_turnover(r["amount_sum"], avg)
        cross = rules.cross_ratio(rate, turnover)
        out.append(
            ProductRow(
                product=r["product"],
                amount=r["amount_sum"],
                share=part.share,
                cost=cost,
                margin=margin,
                margin_rate=rate,
                opening_stock=opening,
                closing_stock=closing,
                average_stock=avg,
                turnover=turnover,
                cross=cross,
                contribution=rules.contribution_ratio(cross, part.share),
                customers=r["n"],
            )
        )
    out.sort(key=lambda p: (-(p.margin if p.margin is not None else Decimal("-1e30")), -p.amount, p.product))
    return out, lined

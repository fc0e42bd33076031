"""Composition of the customers (004 客户信息管理制度 第三条1; 003 篇五 第四条3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from xindang.core.money import format_yuan

from ..selectors import sales
from ..tables import INT, MONEY, SHARE, Column, Document, Table
from .common import dimension_labels, year_span


def composition_document(customers, *, dimension: str, year: int, today: date) -> Document:
    start, end = year_span(year, today)
    comp = sales.composition(customers, dimension, start, end)
    label = dimension_labels()[dimension]
    table = Table(
        "composition",
        _("Sales by %(dimension)s") % {"dimension": label},
        [Column(label), Column(_("Customers"), INT), Column(_("Sales"), MONEY), Column(_("Share"), SHARE)],
        empty=_("No sales in this period."),
    )
    for row in comp.rows:
        table.rows.append([row.label or _("(not recorded)"), row.customers, row.amount, row.share])
        if dimension == "product":
            table.links.append("")
        else:
            table.links.append(
                reverse("customers:list") + "?" + urlencode({dimension: row.key, "status": "all"})
                if row.key
                else ""
            )
    table.rows.append(
        [_("Total"), sum(r.customers for r in comp.rows), comp.total, Decimal(1) if comp.total else None]
    )
    table.links.append("")
    doc = Document(
        "composition",
        _("Customer composition (004 客户信息管理制度 第三条1)"),
        _("%(start)s to %(end)s, by %(dimension)s") % {"start": start, "end": end, "dimension": label},
        [table],
        params={"dimension": dimension, "year": year},
    )
    if dimension == "product" and comp.unlined_amount:
        doc.notes.append(
            _("Sales of %(amount)s carry no product lines in the ledger and are not in this table.")
            % {"amount": format_yuan(comp.unlined_amount)}
        )
    return doc

"""What the analyses share: the drill-down link to the customer list, the dimension labels, a year's span."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

MONTHS = range(1, 13)


_SENTINEL = 987654321


def customer_links():
    """A function customer id → the URL of its file, reversing the route once (a list of customers can
    hold every file of the company)."""
    pattern = reverse("customers:detail", args=[_SENTINEL])
    head, tail = pattern.split(str(_SENTINEL))
    return lambda pk: f"{head}{pk}{tail}"


def drill(**params) -> str:
    return reverse("reports:customers") + "?" + urlencode({k: v for k, v in params.items() if v is not None})


def dimension_labels() -> dict:
    return {
        "industry": _("Industry"),
        "nature": _("Nature"),
        "region": _("Region"),
        "enterprise_type": _("Enterprise type"),
        "tier": _("Tier"),
        "product": _("Product"),
    }


def year_span(year: int, today: date) -> tuple[date, date]:
    return date(year, 1, 1), min(date(year, 12, 31), today)

"""Navigating the ageing pages: their URLs and the way back up the drill-down."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from xindang.accounts.models import Department, User


def ageing_url(**params) -> str:
    return reverse("collection:ageing") + (
        "?" + urlencode({k: v for k, v in params.items() if v}) if params else ""
    )


@dataclass(frozen=True)
class Crumb:
    label: str
    url: str | None  # None: the page the reader is on


def ageing_crumbs(
    *, on, department_id=None, salesperson_id=None, customer=None, here: str | None = None
) -> list[Crumb]:
    """The way back up the ageing drill-down: company → department → salesperson → customer. Each
    level links to the list one level down; the page the reader is on (`here`, or the customer's
    entries) is not linked."""

    on = on.isoformat() if hasattr(on, "isoformat") else on
    crumbs = [Crumb(_("Company"), ageing_url(on=on, by="department"))]
    if department_id:
        dept = Department.objects.filter(pk=department_id).only("name").first()
        url = ageing_url(on=on, by="salesperson", department=department_id)
        crumbs.append(Crumb(dept.name if dept else "?", url))
    if salesperson_id:
        user = User.objects.filter(pk=salesperson_id).first()
        url = ageing_url(on=on, by="customer", department=department_id, salesperson=salesperson_id)
        crumbs.append(Crumb((user.get_full_name() or user.username) if user else "?", url))
    crumbs = [Crumb(c.label, None if c.url == here else c.url) for c in crumbs]
    if customer is not None:
        crumbs.append(Crumb(customer.name, None))
    return crumbs

"""The ledger's columns of the customer list (customers.columns): exposure, overdue amount and the
days the oldest overdue item is past due — each one correlated subquery on the customer row."""

from django.db.models import DateField, DecimalField, F, Min, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from xindang.customers.columns import DAYS, MONEY, ListColumn, register_list_column

from . import rules
from .models import ZERO, Exposure, TradeEntry
from .permissions import LedgerPermission

_MONEY = DecimalField(max_digits=18, decimal_places=2)


def exposure_expression():
    """Exposure (004 客户信息管理制度 第八条 + 002 第二十二条) of the outer customer row: open credit sales +
    open prepayments +
    unsettled notes, from the maintained Exposure row (zero when it never traded)."""
    total = (
        F("open_shipments_amount") + F("open_invoices_amount") + F("prepayments_amount") + F("notes_amount")
    )
    row = Exposure.objects.filter(customer_id=OuterRef("pk")).annotate(t=total).values("t")[:1]
    return Coalesce(Subquery(row, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def _overdue(today):
    return TradeEntry.objects.filter(
        customer_id=OuterRef("pk"), kind__in=rules.DEBIT_KINDS, open_amount__gt=0, due_on__lt=today
    ).order_by()


def _overdue_amount(today) -> dict:
    sums = _overdue(today).values("customer_id").annotate(s=Sum("open_amount")).values("s")
    return {"overdue_amount": Coalesce(Subquery(sums, output_field=_MONEY), Value(ZERO), output_field=_MONEY)}


def _oldest_overdue_on(today) -> dict:
    oldest = _overdue(today).values("customer_id").annotate(d=Min("due_on")).values("d")
    return {"oldest_overdue_on": Subquery(oldest, output_field=DateField())}


def _days_overdue(row, today):
    return (today - row.oldest_overdue_on).days if row.oldest_overdue_on else None


def register_list_columns() -> None:
    register_list_column(
        ListColumn(
            "exposure",
            _("Exposure"),
            annotate=lambda today: {"exposure": exposure_expression()},
            kind=MONEY,
            permission=LedgerPermission.VIEW,
            sort="exposure",
            default=True,
            order=30,
        )
    )
    register_list_column(
        ListColumn(
            "overdue_amount",
            _("Overdue amount"),
            annotate=_overdue_amount,
            kind=MONEY,
            permission=LedgerPermission.VIEW,
            sort="overdue_amount",
            default=True,
            order=50,
        )
    )
    register_list_column(
        ListColumn(
            "oldest_overdue_days",
            _("Oldest overdue (days)"),
            annotate=_oldest_overdue_on,
            kind=DAYS,
            permission=LedgerPermission.VIEW,
            sort="oldest_overdue_on",
            sort_reversed=True,
            default=True,
            order=60,
            value=_days_overdue,
        )
    )

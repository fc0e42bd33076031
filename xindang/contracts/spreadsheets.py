"""The contract ledger and the statistics report as .xlsx (core.xlsx: rows stream to disk)."""

from django.utils.translation import gettext as _

from xindang.core import xlsx

from . import rules
from .models import EventKind, Kind, Status

MAX_EXPORT_ROWS = 1_000_000  # an .xlsx sheet holds 1,048,576 rows


def write_ledger_xlsx(contracts, state_labels: dict):
    """The ledger (合同管理台帐): contracts with `handover_state` attributes set by the caller."""
    widths = (20, 30, 16, 30, 10, 14, 10, 16, 6, 12, 12, 12, 10, 16, 10, 14, 30)
    headers = (
        _("Contract number"),
        _("Customer"),
        _("File number"),
        _("Title"),
        _("Type"),
        _("Department"),
        _("Handler"),
        _("Amount"),
        _("Currency"),
        _("Signed on"),
        _("Starts on"),
        _("Ends on"),
        _("Status"),
        _("Credit limit"),
        _("Payment term (days)"),
        _("Handover"),
        _("Notes"),
    )
    book = xlsx.Workbook()
    sheet = book.sheet(
        _("Contract ledger"), [xlsx.Column(h, w) for h, w in zip(headers, widths, strict=True)]
    )
    kinds, statuses = dict(Kind.choices), dict(Status.choices)
    for c in contracts:
        sheet.append(
            [
                xlsx.text(c.contract_no),
                xlsx.text(c.customer.name),
                xlsx.text(c.customer.file_no),
                xlsx.text(c.title),
                xlsx.text(kinds.get(c.kind, c.kind)),
                xlsx.text(c.department.name),
                xlsx.text(c.handler.get_full_name() or c.handler.username),
                xlsx.amount(c.amount),
                xlsx.text(c.currency),
                xlsx.date(c.signed_on),
                xlsx.date(c.starts_on),
                xlsx.date(c.ends_on),
                xlsx.text(statuses.get(c.status, c.status)),
                xlsx.amount(c.credit_limit_amount),
                "" if c.credit_term_days is None else c.credit_term_days,
                xlsx.text(state_labels.get(c.handover_state, "")),
                xlsx.text(c.notes),
            ]
        )
    return book.save()


def group_label(dimension: str, key: str) -> str:
    if dimension == "kind":
        return str(dict(Kind.choices).get(key, key))
    if dimension == "status":
        return str(dict(Status.choices).get(key, key))
    if dimension == "movement":
        return _("New (signed)") if key == "new" else str(dict(EventKind.choices).get(key, key))
    return key


def write_statistics_xlsx(stats: rules.Statistics, title: str):
    """The contract statistics report (合同统计报表, 001 客户信用档案建立与管理制度 4): one sheet, one table
    per dimension."""
    book = xlsx.Workbook()
    sheet = book.sheet(_("Contract statistics"), freeze=None)
    sheet.width(0, 28)
    for index in range(len(stats.currencies) + 1):
        sheet.width(index + 1, 18)
    sheet.append([xlsx.text(title)])
    sheet.append([_("Period"), xlsx.date(stats.start), xlsx.date(stats.end)])
    tables = [
        ("movement", _("Movements in the period"), stats.movements),
        ("department", _("Contracts signed in the period by department"), stats.by_department),
        ("kind", _("Contracts signed in the period by type"), stats.by_kind),
        ("status", _("Contracts signed in the period by status"), stats.by_status),
    ]
    header_amounts = [_("Amount (%(currency)s)") % {"currency": c} for c in stats.currencies]
    for dimension, heading, groups in tables:
        sheet.append([])
        sheet.append([xlsx.text(heading)])
        sheet.append(["", _("Count"), *header_amounts])
        for group in groups:
            sheet.append(
                [
                    xlsx.text(group_label(dimension, group.key)),
                    group.count,
                    *[xlsx.amount(group.amounts.get(c)) for c in stats.currencies],
                ]
            )
        if dimension != "movement":
            sheet.append(
                [
                    _("Total"),
                    stats.total.count,
                    *[xlsx.amount(stats.total.amounts.get(c)) for c in stats.currencies],
                ]
            )
    return book.save()

"""Ageing and the open collection work as .xlsx (core.xlsx)."""

from decimal import Decimal

from django.utils.translation import gettext as _

from xindang.core import xlsx


def bucket_label(bucket) -> str:
    if bucket.low is None:
        return _("Not due")
    if bucket.high is None:
        return _("Over %(days)s days") % {"days": bucket.low - 1}
    return _("%(low)s–%(high)s days") % {"low": bucket.low, "high": bucket.high}


def ageing_xlsx(report):
    book = xlsx.Workbook()
    sheet = book.sheet(_("Ageing"), freeze="B3")
    sheet.append([xlsx.text(_("Receivables ageing as of %(on)s") % {"on": report.on.isoformat()})])
    sheet.append([_("Name"), _("Code"), *[bucket_label(b) for b in report.buckets], _("Overdue"), _("Total")])
    for row in report.rows:
        sheet.append(
            [
                xlsx.text(row.label),
                xlsx.text(row.sub),
                *[xlsx.amount(a) for a in row.amounts],
                xlsx.amount(row.overdue),
                xlsx.amount(row.total),
            ]
        )
    t = report.totals
    sheet.append(
        [
            _("Total"),
            "",
            *[xlsx.amount(a) for a in t.amounts],
            xlsx.amount(t.overdue),
            xlsx.amount(t.total),
        ]
    )
    return book.save()


def work_xlsx(items):
    book = xlsx.Workbook()
    sheet = book.sheet(_("Collection"))
    sheet.append(
        [_("Type"), _("Customer"), _("File number"), _("Due"), _("Overdue"), _("Summary"), _("Person")]
    )
    for i in items:
        sheet.append(
            [
                xlsx.text(i.kind_label),
                xlsx.text(i.customer.name),
                xlsx.text(i.customer.file_no),
                xlsx.date(i.due),
                _("yes") if i.overdue else "",
                xlsx.text(i.summary),
                xlsx.text(i.owner.get_full_name() if i.owner else ""),
            ]
        )
    return book.save()


def statement_xlsx(statement):
    """The balance statement (对帐单, 002 第三十五条) as .xlsx: its open items and the balance."""
    book = xlsx.Workbook()
    sheet = book.sheet(_("Balance statement"), freeze=None)
    sheet.append(
        [
            xlsx.text(
                _("Balance statement of %(customer)s as of %(on)s")
                % {"customer": statement.customer.name, "on": statement.as_of.isoformat()},
            )
        ]
    )
    sheet.append([_("Entry"), _("Kind"), _("Date"), _("Due"), _("Amount"), _("Open amount")])
    for item in statement.items:
        sheet.append(
            [
                item["entry_id"],
                xlsx.text(item["kind"]),
                xlsx.text(item["entry_on"]),
                xlsx.text(item.get("due_on") or ""),
                xlsx.amount(Decimal(item["amount"])),
                xlsx.amount(Decimal(item["open_amount"])),
            ]
        )
    sheet.append([_("Total"), "", "", "", "", xlsx.amount(statement.balance)])
    return book.save()

"""The destruction register (销毁清册) as .xlsx (openpyxl write-only); every text cell is written as text,
so a title typed as "=HYPERLINK(…)" never becomes a formula."""

from django.utils.translation import gettext as _

from xindang.core import xlsx


def register_xlsx(rows: list[dict]):
    header = [
        _("Disposal"),
        _("Customer"),
        _("File number"),
        _("Title"),
        _("Category"),
        _("Retention"),
        _("Retention class"),
        _("Retention passed on"),
        _("Policy version"),
        _("Reason"),
        _("Appraisal"),
        _("Requested by"),
        _("Approved by"),
        _("Approved at"),
        _("Witnesses"),
        _("Carried out by"),
        _("Carried out at"),
        _("Versions"),
        _("Size (bytes)"),
        _("Stored files erased"),
    ]
    book = xlsx.Workbook()
    sheet = book.sheet(_("Destruction register"), [xlsx.Column(h) for h in header])
    for r in rows:
        sheet.append(
            [
                xlsx.text(r["number"]),
                xlsx.text(r["customer"]),
                xlsx.text(r["file_no"]),
                xlsx.text(r["title"]),
                xlsx.text(r["category"]),
                xlsx.text(r["retention"]),
                xlsx.text(r["retention_class"]),
                xlsx.date(r["passed_on"]),
                r["policy_version"] or "",
                xlsx.text(r["reason"]),
                xlsx.text(r["appraisal_reason"]),
                xlsx.text(r["requested_by"]),
                xlsx.text(r["approved_by"]),
                xlsx.datetime(r["approved_at"]),
                xlsx.text(r["witnesses"]),
                xlsx.text(r["carried_out_by"]),
                xlsx.datetime(r["carried_out_at"]),
                r["versions"],
                r["bytes"],
                r["erased_files"],
            ]
        )
    return book.save()

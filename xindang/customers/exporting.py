"""The customer list as an .xlsx workbook: the rows the user sees on the list page (same visibility,
filters and order), with the import's columns so an exported file reads back through the import,
written as a streamed write-only workbook (text stays text: no spreadsheet injection)."""

import re
import tempfile
from collections import defaultdict
from collections.abc import Iterable

import openpyxl
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from xindang.audit.services import record_event

from . import selectors
from .columns import DATE, DAYS, MONEY, PERCENT, registered_columns
from .importing.columns import COLUMNS, column_header
from .models import Customer
from .permissions import CustomerPermission

# --- Writing cells ---------------------------------------------------------------------------------
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(sheet, value):
    """A value for a write-only sheet that Excel shows as typed: text that starts with "=" stays text
    (never a formula — no spreadsheet injection), control characters are dropped."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL_XML.sub("", value)[:32767]
    if value.startswith("=") or value.startswith("#"):
        cell = WriteOnlyCell(sheet, value="")
        cell._value, cell.data_type = value, "s"
        return cell
    return value


def _bold_header(sheet, texts: list[str]):
    cells = []
    for text in texts:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


# --- The customer list --------------------------------------------------------------------------
EXPORT_EXTRA = [  # (key, zh, en) columns of the export that the import ignores
    ("file_no", "档案编号", "File number"),
    ("code", "客户代码", "Customer code"),
    ("status", "状态", "Status"),
]
EXPORT_TAIL = [("created_at", "建档时间", "Created at"), ("updated_at", "更新时间", "Updated at")]
EXPORT_COLUMNS = [c for c in COLUMNS if not c.field.startswith("contact_")]
EXCEL_FORMATS = {MONEY: "#,##0.00", DATE: "yyyy-mm-dd", PERCENT: "0.0", DAYS: "0"}


def export_headers(language: str | None = None) -> list[str]:
    lang = language or translation.get_language() or "zh-hans"
    zh = not lang.startswith("en")
    extra = [z if zh else e for _k, z, e in EXPORT_EXTRA]
    tail = [z if zh else e for _k, z, e in EXPORT_TAIL]
    return extra + [column_header(c, lang).rstrip("*") for c in EXPORT_COLUMNS] + tail


def write_workbook(
    out,
    *,
    title: str,
    headers: list[str],
    rows: Iterable[list],
    widths: dict[int, int] | None = None,
    formats: dict[int, str] | None = None,
) -> int:
    """Stream rows into a write-only workbook saved to `out` (a binary file); returns the row count.
    `formats` gives Excel number formats by column index (dates, amounts)."""

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    for index, width in (widths or {}).items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.append(_bold_header(sheet, headers))
    formats = formats or {}
    count = 0
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            fmt = formats.get(index)
            if fmt and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = fmt
                cells.append(cell)
            else:
                cells.append(safe_cell(sheet, value))
        sheet.append(cells)
        count += 1
    workbook.save(out)
    return count


def _export_rows(qs, tags: dict[int, list[str]], credit_columns=()):
    today = timezone.localdate()

    def local(value):
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    for c in qs.iterator(chunk_size=2000):
        row = [c.file_no, c.code or "", c.get_status_display()]
        for column in EXPORT_COLUMNS:
            name = column.field
            if name == "department":
                value = c.department.name
            elif name == "owner":
                value = c.owner.get_full_name() or c.owner.get_username()
            elif name == "tags":
                value = "、".join(tags.get(c.pk, []))
            elif column.kind == "choice":
                value = getattr(c, f"get_{name}_display")() if getattr(c, name) else ""
            else:
                value = getattr(c, name)
            row.append(None if value == "" else value)
        row += [local(c.created_at), local(c.updated_at)]
        for column in credit_columns:
            value = column.value_of(c, today)
            row.append(round(value, 1) if column.kind == PERCENT and value is not None else value)
        yield row


def export_customers(*, by, params, request=None, purpose: str = ""):
    """The customer list as the user sees it (selectors.customer_list: same visibility, filters and
    order as the list page) written to .xlsx. Returns (binary file positioned at 0, row count); the
    export is recorded in the audit log with its filter and row count. Caller checks the capability."""
    if not (by.is_superuser or by.has_perm(CustomerPermission.EXPORT)):
        raise PermissionDenied
    # The credit columns (grade, limit, exposure…) the user may see, registered by the higher modules.
    credit_columns = [c for c in registered_columns() if c.is_available(by)]
    qs = selectors.customer_list(by, params, columns=credit_columns)
    tags: dict[int, list[str]] = defaultdict(list)
    through = Customer.tags.through
    for customer_id, tag in (
        through.objects.filter(customer_id__in=qs.values("pk"))
        .order_by("tag__name")
        .values_list("customer_id", "tag__name")
    ):
        tags[customer_id].append(tag)
    headers = export_headers() + [str(c.label) for c in credit_columns]
    first = len(EXPORT_EXTRA)
    formats, widths = {}, {}
    for index, column in enumerate(EXPORT_COLUMNS, start=first):
        if column.kind == "date":
            formats[index] = "yyyy-mm-dd"
        elif column.kind == "amount":
            formats[index] = "#,##0.00"
        widths[index] = 30 if column.field in ("name", "address") else 16
    tail = first + len(EXPORT_COLUMNS)
    formats[tail] = formats[tail + 1] = "yyyy-mm-dd hh:mm"
    widths.update({0: 18, 1: 12, tail: 17, tail + 1: 17})
    for index, column in enumerate(credit_columns, start=tail + 2):
        formats[index] = EXCEL_FORMATS.get(column.kind)
        widths[index] = 14
    out = tempfile.TemporaryFile()  # noqa: SIM115 — returned open; FileResponse closes it
    count = write_workbook(
        out,
        title=_("Customers")[:31],
        headers=headers,
        rows=_export_rows(qs, tags, credit_columns),
        widths=widths,
        formats=formats,
    )
    out.seek(0)
    kept = {
        k: v
        for k, v in (params.items() if hasattr(params, "items") else [])
        if v and k not in ("page", "ids", "csrfmiddlewaretoken", "next", "owner", "tag", "purpose")
    }
    ids = selectors.selected_ids(params)
    if ids:
        kept["ids"] = ids
    record_event(
        "customer.export", actor=by, request=request, purpose=purpose, data={"filter": kept, "rows": count}
    )
    return out, count

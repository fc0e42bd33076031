"""The customer list as an .xlsx workbook: the rows the user sees on the list page (same visibility,
filters and order), with the import's columns so an exported file reads back through the import,
written as a streamed write-only workbook (text stays text: no spreadsheet injection)."""

import tempfile
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xindang.audit.services import record_event
from xindang.core import xlsx
from xindang.core.errors import DomainError

from . import selectors
from .columns import DATE, DAYS, MONEY, PERCENT, registered_columns
from .errors import CustomerError
from .importing.columns import COLUMNS, column_header
from .models import Customer
from .permissions import CustomerPermission

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
    """Stream rows into a write-only workbook (core.xlsx) saved to `out` (a binary file); returns the row
    count. `formats` gives Excel number formats by column index (dates, amounts)."""
    widths, formats = widths or {}, formats or {}
    columns = [xlsx.Column(h, widths.get(i), formats.get(i)) for i, h in enumerate(headers)]
    book = xlsx.Workbook()
    sheet = book.sheet(title, columns, bold_header=True)
    count = 0
    for row in rows:
        sheet.append(row)
        count += 1
    book.save(out)
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


# Sharing with an outside party (004 客户信息保护管理制度 第十条: 经过客户的明示同意,并签订相关合同):
# the privacy app, above customers, registers fn(customer_ids, recipient) -> the ids without a consent in
# force to share with that recipient. With none registered every outside-party export is refused.
_SHARING_CHECKS: list = []


def register_sharing_check(fn) -> None:
    if fn not in _SHARING_CHECKS:
        _SHARING_CHECKS.append(fn)


def without_sharing_consent(customer_ids, recipient: str) -> list[int]:
    """customer_ids: ids or a query of ids (values("pk"))."""
    if not _SHARING_CHECKS:
        return sorted(Customer.objects.filter(pk__in=customer_ids).values_list("pk", flat=True))
    missing: set[int] = set()
    for check in _SHARING_CHECKS:
        missing |= set(check(customer_ids, recipient))
    return sorted(missing)


def export_customers(*, by, params, request=None, purpose: str = "", outside_party: str = ""):
    """The customer list as the user sees it (selectors.customer_list: same visibility, filters and
    order as the list page) written to .xlsx. Returns (binary file positioned at 0, row count); the
    export is recorded in the audit log with its filter and row count. Caller checks the capability.

    `outside_party` names the recipient when the export is for an outside party: then every customer in
    it needs a recorded consent in force to share with that party and a signed agreement (004 客户信息
    保护管理制度 第十条); without one the export is refused (DomainError NO_SHARING_CONSENT) and the
    refusal is audited."""
    if not (by.is_superuser or by.has_perm(CustomerPermission.EXPORT)):
        raise PermissionDenied
    # The credit columns (grade, limit, exposure…) the user may see, registered by the higher modules.
    credit_columns = [c for c in registered_columns() if c.is_available(by)]
    qs = selectors.customer_list(by, params, columns=credit_columns)
    outside_party = (outside_party or "").strip()[:200]
    if outside_party:
        missing = without_sharing_consent(qs.order_by().values("pk"), outside_party)
        if missing:
            record_event(
                "customer.export_share_refused",
                actor=by,
                request=request,
                purpose=purpose,
                data={"recipient": outside_party, "without_consent": missing[:100], "count": len(missing)},
            )
            raise DomainError(CustomerError.NO_SHARING_CONSENT, count=len(missing), recipient=outside_party)
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
    data = {"filter": kept, "rows": count}
    if outside_party:
        data["outside_party"] = outside_party
    record_event("customer.export", actor=by, request=request, purpose=purpose, data=data)
    return out, count

"""The credit list (资信档案一览) and its spreadsheet export."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.accounts.models import Department
from xindang.audit.services import record_event
from xindang.core import xlsx
from xindang.core.pagination import CappedPaginator

from .. import selectors
from ..models import Grade
from ..permissions import CreditPermission
from .display import STATE_CLASSES, grade_label, investigation_state, state_labels

PAGE_SIZE = 50
MAX_EXPORT_ROWS = 50000


@permission_required(CreditPermission.VIEW, raise_exception=True)
def credit_list(request):
    params = request.GET
    today = timezone.localdate()
    qs = selectors.credit_list(request.user, params, on=today)
    page = CappedPaginator(qs, PAGE_SIZE).get_page(params.get("page"))
    labels = state_labels()
    rows = []
    for c in page.object_list:
        state = investigation_state(c.valid_until, today)
        rows.append(
            {
                "customer": c,
                "grade": grade_label(c.grade),
                "rated_at": c.rated_at,
                "valid_until": c.valid_until,
                "state": state,
                "state_label": labels[state],
                "state_class": STATE_CLASSES[state],
                "has_open": c.has_open,
            }
        )
    return render(
        request,
        "credit/list.html",
        {
            "page": page,
            "rows": rows,
            "params": params,
            "grades": Grade.choices,
            "states": list(labels.items()),
            "departments": Department.objects.filter(is_active=True),
            "sort": params.get("sort") or selectors.DEFAULT_SORT,
            "can_export": request.user.has_perm(CreditPermission.EXPORT),
        },
    )


@permission_required(CreditPermission.EXPORT, raise_exception=True)
def export(request):
    today = timezone.localdate()
    qs = selectors.credit_list(request.user, request.GET, on=today)[:MAX_EXPORT_ROWS]
    columns = [
        xlsx.Column(_("File number")),
        xlsx.Column(_("Customer")),
        xlsx.Column(_("Department")),
        xlsx.Column(_("Salesperson")),
        xlsx.Column(_("Grade")),
        xlsx.Column(_("Rated on")),
        xlsx.Column(_("Investigation valid until")),
        xlsx.Column(_("Investigation")),
    ]
    labels = state_labels()
    count = 0

    def rows():
        nonlocal count
        for c in qs:
            count += 1
            yield [
                c.file_no,
                c.name,
                str(c.department),
                str(c.owner),
                str(Grade(c.grade).label) if c.grade else "",
                timezone.localtime(c.rated_at).date() if c.rated_at else None,
                c.valid_until,
                str(labels[investigation_state(c.valid_until, today)]),
            ]

    out = xlsx.xlsx_file(columns, rows(), title=_("Credit"))
    record_event("credit.export", actor=request.user, request=request, data={"rows": count})
    return xlsx.file_response(out, f"credit-{today:%Y%m%d}.xlsx")

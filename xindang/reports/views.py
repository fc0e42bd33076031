"""The analysis screens: each builds its document (documents.py) over the files the user sees and
renders its tables and charts; every one exports to .xlsx and PDF after asking the purpose."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xindang.core import dates
from xindang.core.errors import DomainError
from xindang.core.xlsx import XLSX_TYPE
from xindang.customers.selectors import visible_customers
from xindang.policy.selectors import current_policy

from . import documents, services
from .building import build, year_param
from .exports import write_pdf, write_xlsx
from .permissions import VIEW_PERMISSION, ReportPermission
from .selectors import credit, sales, snapshot, yearly_on_screen
from .tables import show

CUSTOMER_CHOICES = 300  # the largest customers of the years read, offered on the sales analysis


def _require(request, slug: str) -> None:
    if slug not in VIEW_PERMISSION:
        raise Http404
    if not request.user.has_perm(VIEW_PERMISSION[slug]):
        raise PermissionDenied


def _page(request, slug: str, template: str, extra: dict | None = None):
    _require(request, slug)
    doc = build(request, slug)
    context = {
        "doc": doc,
        "tables": [_rendered(t, request) for t in doc.tables],
        "charts": [{"id": f"chart-{k}", "data": v} for k, v in documents.chart_data(doc).items() if v],
        "can_export": request.user.has_perm(ReportPermission.EXPORT),
        "export_query": request.GET.urlencode(),
        "slug": slug,
        **(extra or {}),
    }
    return render(request, template, context)


PAGED_TABLES = ("abc_customers", "core", "tail", "bad_debts")  # a row a customer (or an entry)
TABLE_PAGE = 50  # rows of such a table on a screen; its summaries and the export hold them all


def _rendered(table, request=None):
    """A table's cells as the screen shows them. A table of customers (PAGED_TABLES) shows a page of
    TABLE_PAGE rows, chosen by ?<key>-page=N, with links to the other pages."""
    rows, links, pager = table.rows, table.links, None
    if request is not None and table.key in PAGED_TABLES and len(rows) > TABLE_PAGE:
        param = f"{table.key}-page"
        page = Paginator(range(len(rows)), TABLE_PAGE).get_page(request.GET.get(param))
        lo, hi = page.start_index() - 1, page.end_index()
        rows, links = rows[lo:hi], links[lo:hi]

        def url(number: int) -> str:
            query = request.GET.copy()
            query[param] = str(number)
            return f"?{query.urlencode()}#table-{table.key}"

        pager = {
            "page": page,
            "first": url(1) if page.has_previous() else "",
            "previous": url(page.previous_page_number()) if page.has_previous() else "",
            "next": url(page.next_page_number()) if page.has_next() else "",
            "last": url(page.paginator.num_pages) if page.has_next() else "",
        }
    rows, links = list(rows), list(links)  # a page of LazyRows is read here
    cells = [
        {
            "cells": [(show(v, c.kind), c.kind != "text") for c, v in zip(table.columns, row, strict=True)],
            "link": link,
        }
        for row, link in zip(rows, links + [""] * (len(rows) - len(links)), strict=True)
    ]
    return {"table": table, "rows": cells, "link_column": table.link_column, "pager": pager}


def index(request):
    user = request.user
    for perm, name in (
        (ReportPermission.VIEW_CREDIT, "reports:credit"),
        (ReportPermission.VIEW_SALES, "reports:abc"),
        (ReportPermission.VIEW_YEARLY, "reports:yearly"),
    ):
        if user.has_perm(perm):
            return redirect(name)
    raise PermissionDenied


def composition(request):
    return _page(
        request,
        "composition",
        "reports/composition.html",
        {
            "dimensions": documents.dimension_labels().items(),
            "dimension": request.GET.get("dimension") or "industry",
        },
    )


def abc(request):
    return _page(request, "abc", "reports/abc.html")


def sales_analysis(request):
    """The seasons and products of all the files the user sees, or of one customer (?customer=)."""
    if not request.user.has_perm(ReportPermission.VIEW_SALES):
        raise PermissionDenied
    today = timezone.localdate()
    customers = visible_customers(request.user)
    year = year_param(request, today.year - 1)
    first = date(year - current_policy().reports.seasonal_years + 1, 1, 1)
    top = sales.top_customers(customers, first, date(year, 12, 31), CUSTOMER_CHOICES)
    names = dict(customers.filter(pk__in=top).values_list("pk", "name"))
    choices = [(cid, names[cid]) for cid in top if cid in names]
    return _page(
        request,
        "sales",
        "reports/sales.html",
        {"customer_choices": choices, "customer": request.GET.get("customer", "")},
    )


def credit_dashboard(request):
    return _page(request, "credit", "reports/credit.html")


def yearly(request):
    today = timezone.localdate()
    year = year_param(request, today.year - 1)
    if not yearly_on_screen(year, today):  # computed from the whole ledger: prepared as a file
        _require(request, "yearly")
        context = {
            "year": year,
            "title": _("Credit-management analysis report %(year)s") % {"year": year},
            "can_export": request.user.has_perm(ReportPermission.EXPORT),
            "export_query": request.GET.urlencode(),
            "slug": "yearly",
        }
        return render(request, "reports/yearly_file.html", context)
    return _page(request, "yearly", "reports/yearly.html", {"year": year})


@permission_required(ReportPermission.VIEW_CREDIT, raise_exception=True)
def home_section(request):
    """The credit manager's and the manager's panel on the workbench (loaded by htmx)."""
    customers = visible_customers(request.user)
    today = timezone.localdate()
    snap = snapshot.for_dashboard(today)  # as the dashboard: the daily run's figures when stored
    if snap:
        dist = snapshot.grade_distribution(customers)
        overdue = snapshot.overdue_by_customer(customers)
        over_count = snapshot.bands(customers)[0].get("over", (0,))[0]
    else:
        dist = credit.grade_distribution(customers)
        overdue = credit.overdue_by_customer(customers, today)
        over_count = credit.bands(customers, today)[0].get("over", (0,))[0]
    return render(
        request,
        "reports/_home_section.html",
        {
            "grades": [(g, dist.get(g, 0), documents.drill(grade=g)) for g in credit.GRADES],
            "overdue_count": len(overdue),
            "overdue_amount": sum(overdue.values(), Decimal(0)),
            "over_count": over_count,
        },
    )


# --- Drill-down ---------------------------------------------------------------------------------
def _drill_queryset(request):
    """The customers behind a figure: ?grade= ?band= ?overdue=1 ?abc=&year= ?bad_debt=YYYY-MM
    ?over_limit=<status>&since= — always within the files the user sees."""
    user, today = request.user, timezone.localdate()
    customers = visible_customers(user)
    p = request.GET
    snap = snapshot.for_dashboard(today)  # the files behind the dashboard's figures: its snapshot's
    if "grade" in p:
        grade = p["grade"]
        title = _("Customers of grade %(grade)s") % {"grade": grade if grade != "none" else _("(not rated)")}
        if snap:
            ids = snapshot.grade_ids(customers, "" if grade == "none" else grade)
            return customers.filter(pk__in=ids), title
        qs = customers.exclude(status="past").annotate(g=credit.grade_at())
        return (qs.filter(g__isnull=True) if grade == "none" else qs.filter(g=grade)), title
    if "band" in p:
        if snap:
            ids = snapshot.band_ids(customers, p["band"])
        else:
            ids = [r["pk"] for r in credit.limits_and_exposure(customers, today) if r["band"] == p["band"]]
        return customers.filter(pk__in=ids), documents.band_labels().get(p["band"], p["band"])
    if "overdue" in p:
        ids = snapshot.overdue_ids(customers) if snap else list(credit.overdue_by_customer(customers, today))
        return customers.filter(pk__in=ids), _("Customers with overdue receivables")
    if "abc" in p:
        year = year_param(request, today.year)
        report = sales.abc_report(
            customers, date(year, 1, 1), min(date(year, 12, 31), today), current_policy()
        )
        ids = [r.customer.pk for r in report.rows if r.klass == p["abc"]]
        return customers.filter(pk__in=ids), _("Class %(klass)s customers of %(year)s") % {
            "klass": p["abc"],
            "year": year,
        }
    if "bad_debt" in p:
        try:
            y, m = (int(x) for x in p["bad_debt"].split("-"))
            start = date(y, m, 1)
        except (ValueError, TypeError):
            raise Http404 from None
        ids = credit.bad_debt_entries(customers, start, dates.month_end(y, m)).values("customer_id")
        return customers.filter(pk__in=ids), _("Bad debts written off in %(month)s") % {
            "month": p["bad_debt"]
        }
    if "over_limit" in p:
        try:
            since = date.fromisoformat(p.get("since", ""))
        except ValueError:
            since = date(today.year - 1, today.month, 1)
        ids = (
            credit.over_limit_requests(customers, since, today)
            .filter(status=p["over_limit"])
            .values("customer_id")
        )
        return customers.filter(pk__in=ids), _("Customers with over-limit requests since %(since)s") % {
            "since": since
        }
    raise Http404


def drill_customers(request):
    user = request.user
    if not (user.has_perm(ReportPermission.VIEW_CREDIT) or user.has_perm(ReportPermission.VIEW_SALES)):
        raise PermissionDenied
    qs, title = _drill_queryset(request)
    today = timezone.localdate()
    qs = qs.select_related("department", "owner").annotate(grade=credit.grade_at()).order_by("name", "pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    ids = [c.pk for c in page.object_list]
    info = {r["pk"]: r for r in credit.limits_and_exposure(qs.filter(pk__in=ids), today)}
    overdue = credit.overdue_by_customer(qs.filter(pk__in=ids), today)
    rows = [
        {
            "customer": c,
            "limit": info.get(c.pk, {}).get("limit"),
            "exposure": info.get(c.pk, {}).get("exposure"),
            "overdue": overdue.get(c.pk),
        }
        for c in page.object_list
    ]
    return render(request, "reports/customers.html", {"title": title, "page": page, "rows": rows})


def _export_refused(request, slug: str, query: str, fmt: str, exc: DomainError):
    """The export form again, with the reason it was refused (no purpose, no permission…)."""
    context = {"slug": slug, "query": query, "format": fmt, "back": _back(slug, query), "error": exc}
    return render(request, "reports/export.html", {**context, "field": exc.field}, status=exc.status)


# --- Export -------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def export(request, slug: str):
    """GET: the form asking the purpose (and the format); POST: audit, then the file."""
    _require(request, slug)
    if not request.user.has_perm(ReportPermission.EXPORT):
        raise PermissionDenied
    fmt = (request.POST.get("format") or request.GET.get("format") or "xlsx").lower()
    query = (
        request.POST.get("query", request.GET.urlencode())
        if request.method == "POST"
        else request.GET.urlencode()
    )
    if request.method == "GET":
        return render(
            request,
            "reports/export.html",
            {"slug": slug, "query": query, "format": fmt, "back": _back(slug, query)},
        )
    if services.should_queue(user=request.user, slug=slug):
        try:
            job = services.start_export(
                by=request.user, slug=slug, query=query, fmt=fmt, purpose=request.POST.get("purpose", "")
            )
        except DomainError as exc:
            return _export_refused(request, slug, query, fmt, exc)
        return redirect("reports:export_job", job_id=job.pk)
    request.GET = QueryDict(query)
    doc = build(request, slug)
    try:
        services.record_export(
            by=request.user,
            document=doc,
            fmt=fmt,
            purpose=request.POST.get("purpose", ""),
            request=request,
            rows=sum(len(t.rows) for t in doc.tables),
        )
    except DomainError as exc:
        return _export_refused(request, slug, query, fmt, exc)
    name = f"{doc.slug}-{timezone.localdate():%Y%m%d}"
    if fmt == "pdf":
        content = write_pdf(
            doc,
            company=current_policy().core.company_name,
            printed_by=request.user.get_full_name() or request.user.get_username(),
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    return FileResponse(write_xlsx(doc), as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_TYPE)


def _back(slug: str, query: str) -> str:
    return reverse(f"reports:{slug}") + (f"?{query}" if query else "")


def _job(request, job_id):
    from .models import ExportJob

    job = ExportJob.objects.filter(pk=job_id, user=request.user).first()
    if job is None:  # another user's export is not there for this one
        raise Http404
    return job


def export_job(request, job_id):
    """The status of a long export (polled every two seconds until it is ready or failed)."""
    job = _job(request, job_id)
    template = "reports/_export_job.html" if request.headers.get("HX-Request") else "reports/export_job.html"
    return render(
        request,
        template,
        {"job": job, "back": _back(job.slug, job.query) if job.slug in VIEW_PERMISSION else ""},
    )


def export_download(request, job_id):
    from django.core.files.storage import default_storage

    job = _job(request, job_id)
    if job.status != job.Status.DONE or not job.stored_name:
        raise Http404
    content_type = "application/pdf" if job.fmt == "pdf" else XLSX_TYPE
    return FileResponse(
        default_storage.open(job.stored_name, "rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=content_type,
    )

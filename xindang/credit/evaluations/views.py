"""Grant-evaluation screens (客户授信额度执行评价表, seed 002 第三十七–四十二条): the monthly list with
export, the quarterly summary, the form page with its three signatures, the print view, the customer's
evaluations. Thin: capability → access helper → form → one service → message and redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.accounts.models import Department
from xindang.core.errors import DomainError, form_error
from xindang.core.pagination import CappedPaginator
from xindang.core.xlsx import XLSX_TYPE
from xindang.customers.permissions import get_customer_for_user
from xindang.policy.selectors import current_policy

from . import rules, selectors, services
from .forms import ReportForm, ReviewForm, SignForm, VpOpinionForm
from .models import EvaluationStatus
from .pdf import evaluation_pdf as render_pdf
from .permissions import EvaluationPermission, get_evaluation_for_user
from .spreadsheets import MAX_EXPORT_ROWS, write_evaluations_xlsx

PAGE_SIZE = 50
STATUS_CLASSES = {
    rules.GENERATED: "prospective",
    rules.CONTROLLER_SIGNED: "warn",
    rules.SALESPERSON_REPORTED: "warn",
    rules.READY_FOR_REVIEW: "warn",
    rules.REVIEWED: "active",
    rules.VP_REVIEWED: "active",
}


def _month_param(request):
    """The month asked for, else the latest month evaluated, else the last full month."""
    text = request.GET.get("month")
    if text:
        try:
            return rules.parse_month(text)
        except ValueError:
            pass
    return selectors.latest_month() or rules.last_full_month(timezone.localdate())


@permission_required(EvaluationPermission.VIEW, raise_exception=True)
def evaluation_list(request):
    params = request.GET.copy()
    month = _month_param(request)
    if params.get("month") != "all":
        params["month"] = f"{month:%Y-%m}"
    else:
        params.pop("month")
    qs = selectors.evaluation_list(request.user, params)
    page = CappedPaginator(qs, PAGE_SIZE, cap=None).get_page(request.GET.get("page"))
    for ev in page.object_list:
        ev.status_class = STATUS_CLASSES.get(ev.status, "")
    dues = rules.due_dates(month, due_day=_policy().due_day, review_due_day=_policy().review_due_day)
    return render(
        request,
        "evaluations/list.html",
        {
            "page": page,
            "params": request.GET,
            "month": month,
            "month_text": f"{month:%Y-%m}",
            "previous_month": f"{rules.previous_month(month):%Y-%m}",
            "next_month": f"{rules.next_month(month):%Y-%m}",
            "quarter": "{}-Q{}".format(*rules.quarter_of(month)),
            "due_on": dues[rules.SIGN],
            "review_due_on": dues[rules.REVIEW],
            "statuses": EvaluationStatus.choices,
            "departments": Department.objects.filter(is_active=True),
            "sort": request.GET.get("sort") or selectors.DEFAULT_SORT,
            "can_export": request.user.has_perm(EvaluationPermission.EXPORT),
            "can_generate": request.user.has_perm(EvaluationPermission.GENERATE),
        },
    )


def _policy():
    return current_policy().evaluations


@permission_required(EvaluationPermission.EXPORT, raise_exception=True)
def export(request):
    """The list with the page's filters (same query string) as .xlsx; audited."""
    params = request.GET.copy()
    if params.get("month") != "all":
        params["month"] = f"{_month_param(request):%Y-%m}"
    else:
        params.pop("month")
    qs = selectors.evaluation_list(request.user, params)
    count = qs.count()
    if count > MAX_EXPORT_ROWS:
        messages.error(request, _("Too many evaluations to export; narrow the filter."))
        return redirect(reverse("evaluations:list") + "?" + request.GET.urlencode())
    out = write_evaluations_xlsx(qs.iterator(chunk_size=2000))
    filters = {k: params[k] for k in (*selectors.FILTER_KEYS, "sort") if params.get(k)}
    services.record_export(by=request.user, request=request, filters=filters, count=count)
    name = f"grant-evaluations-{params.get('month') or 'all'}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX_TYPE)


@require_POST
@permission_required(EvaluationPermission.GENERATE, raise_exception=True)
def generate(request):
    """Generate (or bring up to date) the evaluations of a month, as `manage.py monthly_evaluations`."""
    try:
        month = rules.parse_month(request.POST.get("month", ""))
    except ValueError:
        messages.error(request, _("Choose a month (YYYY-MM)."))
        return redirect("evaluations:list")
    if month >= rules.month_start(timezone.localdate()):
        messages.error(request, _("Only a month that has ended can be evaluated."))
        return redirect(reverse("evaluations:list") + f"?month={month:%Y-%m}")
    result = services.generate_month(month, by=request.user, request=request)
    if result.created:
        messages.success(
            request,
            _(
                "%(created)s evaluations created for %(month)s "
                "(%(existing)s already there, %(refreshed)s recomputed)."
            )
            % {
                "created": result.created,
                "month": f"{month:%Y-%m}",
                "existing": result.existing,
                "refreshed": result.refreshed,
            },
        )
    else:
        messages.info(
            request,
            _(
                "Nothing to create: all %(existing)s evaluations of %(month)s exist "
                "(%(refreshed)s recomputed)."
            )
            % {"existing": result.existing, "month": f"{month:%Y-%m}", "refreshed": result.refreshed},
        )
    return redirect(reverse("evaluations:list") + f"?month={month:%Y-%m}")


@permission_required(EvaluationPermission.VIEW, raise_exception=True)
def quarter(request):
    """第三十八条 (quarterly check): per customer, the three months of a quarter side by side."""
    text = request.GET.get("quarter")
    try:
        year, q = rules.parse_quarter(text) if text else rules.quarter_of(_month_param(request))
    except ValueError:
        year, q = rules.quarter_of(rules.last_full_month(timezone.localdate()))
    months, rows = selectors.quarter_summary(request.user, year, q, request.GET)
    for row in rows:
        for ev in row.months:
            if ev is not None:
                ev.status_class = STATUS_CLASSES.get(ev.status, "")
    previous = (year - 1, 4) if q == 1 else (year, q - 1)
    following = (year + 1, 1) if q == 4 else (year, q + 1)
    return render(
        request,
        "evaluations/quarter.html",
        {
            "year": year,
            "q": q,
            "months": months,
            "rows": rows,
            "params": request.GET,
            "previous": "{}-Q{}".format(*previous),
            "following": "{}-Q{}".format(*following),
            "departments": Department.objects.filter(is_active=True),
        },
    )


def _can(user, ev) -> dict:
    """Which steps `user` may take on `ev` now (buttons and forms on the page)."""
    steps = {}
    for step, perm in (
        (rules.SIGN, EvaluationPermission.SIGN),
        (rules.REPORT, EvaluationPermission.REPORT),
        (rules.REVIEW, EvaluationPermission.REVIEW),
        (rules.VP, EvaluationPermission.VP_OPINION),
    ):
        ok = user.has_perm(perm) and not rules.step_problem(
            step, signed=ev.is_signed, reported=ev.is_reported, reviewed=ev.is_reviewed, vp=ev.has_vp_opinion
        )
        if ok and step == rules.REPORT:
            ok = services.may_report(user, ev)
        if ok and step == rules.REVIEW:
            ok = services.reviewer_problem(user, ev) is None
        steps[step] = ok
    steps["refresh"] = user.has_perm(EvaluationPermission.SIGN) and rules.figures_may_change(
        signed=ev.is_signed
    )
    return steps


def _history(ev):
    return ev.history.select_related("history_user").order_by("-history_date", "-history_id")[:20]


@permission_required(EvaluationPermission.VIEW, raise_exception=True)
def evaluation_detail(request, pk, *, forms=None, status=200):
    ev = get_evaluation_for_user(request.user, pk, request=request)
    if forms is None:
        services.record_view(evaluation=ev, by=request.user, request=request)
    can = _can(request.user, ev)
    forms = forms or {}
    dues = rules.due_dates(ev.month, due_day=_policy().due_day, review_due_day=_policy().review_due_day)
    return render(
        request,
        "evaluations/detail.html",
        {
            "ev": ev,
            "customer": ev.customer,
            "can": can,
            "status_class": STATUS_CLASSES.get(ev.status, ""),
            "dues": {"sign": dues[rules.SIGN], "report": dues[rules.REPORT], "review": dues[rules.REVIEW]},
            "sign_form": forms.get("sign") or (SignForm() if can[rules.SIGN] else None),
            "report_form": forms.get("report") or (ReportForm() if can[rules.REPORT] else None),
            "review_form": forms.get("review") or (ReviewForm() if can[rules.REVIEW] else None),
            "vp_form": forms.get("vp") or (VpOpinionForm() if can[rules.VP] else None),
            "reporter_reading": _policy().reporter,
            "history": _history(ev),
            "increase_warning_limit": ev.limit_amount,
        },
        status=status,
    )


def _step(request, pk, perm, form_class, key, call):
    if not request.user.has_perm(perm):
        raise PermissionDenied
    ev = get_evaluation_for_user(request.user, pk, request=request)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(ev, form.cleaned_data)
            return redirect(ev.get_absolute_url())
        except DomainError as exc:
            form_error(form, exc)
    return evaluation_detail(request, pk, forms={key: form}, status=400)


@require_POST
def sign(request, pk):
    def call(ev, data):
        services.sign_figures(evaluation=ev, by=request.user, remarks=data["remarks"], request=request)
        messages.success(request, _("Figures signed."))

    return _step(request, pk, EvaluationPermission.SIGN, SignForm, "sign", call)


@require_POST
def report(request, pk):
    def call(ev, data):
        services.submit_report(
            evaluation=ev,
            by=request.user,
            operations_report=data["operations_report"],
            payment_outlook=data["payment_outlook"],
            confirmed=data["confirmed"],
            request=request,
        )
        messages.success(request, _("Report submitted."))

    return _step(request, pk, EvaluationPermission.REPORT, ReportForm, "report", call)


@require_POST
def review(request, pk):
    def call(ev, data):
        saved = services.review_evaluation(
            evaluation=ev,
            by=request.user,
            opinion=data["opinion"],
            proposed_limit_amount=data.get("proposed_limit_amount"),
            proposal_reason=data.get("proposal_reason", ""),
            request=request,
        )
        if saved.proposed_grant_id:
            messages.success(request, _("Review signed; the adjustment went to the grant approval chain."))
        else:
            messages.success(request, _("Review signed."))

    return _step(request, pk, EvaluationPermission.REVIEW, ReviewForm, "review", call)


@require_POST
def vp_opinion(request, pk):
    def call(ev, data):
        services.give_vp_opinion(evaluation=ev, by=request.user, opinion=data["opinion"], request=request)
        messages.success(request, _("Opinion signed."))

    return _step(request, pk, EvaluationPermission.VP_OPINION, VpOpinionForm, "vp", call)


@require_POST
@permission_required(EvaluationPermission.SIGN, raise_exception=True)
def refresh(request, pk):
    ev = get_evaluation_for_user(request.user, pk, request=request)
    try:
        services.refresh_figures(evaluation=ev, by=request.user, request=request)
        messages.success(request, _("Figures recomputed from the ledger."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(ev.get_absolute_url())


@permission_required(EvaluationPermission.VIEW, raise_exception=True)
def evaluation_print(request, pk):
    """The paper form (客户授信额度执行评价表) with its signature lines, for printing."""
    ev = get_evaluation_for_user(request.user, pk, request=request)
    services.record_view(evaluation=ev, by=request.user, request=request, fmt="print")
    return render(
        request, "evaluations/print.html", {"ev": ev, "customer": ev.customer, "printed_at": timezone.now()}
    )


@permission_required(EvaluationPermission.VIEW, raise_exception=True)
def evaluation_pdf(request, pk):
    """The same paper form as a PDF (core.pdf: the company's letterhead, an embedded CJK font)."""

    ev = get_evaluation_for_user(request.user, pk, request=request)
    services.record_view(evaluation=ev, by=request.user, request=request, fmt="pdf")
    content = render_pdf(ev, company=current_policy().core.company_name)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="grant-evaluation-{ev.month:%Y-%m}-{ev.pk}.pdf"'
    return response


@permission_required(EvaluationPermission.VIEW, raise_exception=True)
def customer_evaluations(request, pk):
    """The evaluations of one customer file (linked from the file's grants section)."""
    customer = get_customer_for_user(request.user, pk, request=request)
    evaluations = list(selectors.customer_evaluations(request.user, customer)[:120])
    for ev in evaluations:
        ev.status_class = STATUS_CLASSES.get(ev.status, "")
    template = (
        "evaluations/_customer.html" if request.headers.get("HX-Request") else "evaluations/customer.html"
    )
    return render(request, template, {"customer": customer, "evaluations": evaluations})

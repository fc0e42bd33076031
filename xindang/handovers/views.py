"""Handover pages: the list, the handover form (pick the leaver, see what they hold, name successors,
confirm), the handover list with its sign-off lines, and the printed list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xindang.accounts.models import User
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from . import rules, selectors, services
from .forms import HandoverForm
from .models import Line
from .permissions import can_hand_over

# Per-customer successors are offered up to this many files; beyond it one successor takes all.
OVERRIDE_LIMIT = 100


def handover_list(request):
    qs = selectors.visible_handovers(request.user)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request, "handovers/list.html", {"page": page, "can_hand_over": can_hand_over(request.user)}
    )


def handover_new(request):
    if not can_hand_over(request.user):
        raise PermissionDenied
    leaver_id = request.POST.get("leaver") or request.GET.get("leaver")
    leaver = User.objects.filter(pk=leaver_id).first() if str(leaver_id or "").isdigit() else None
    held = selectors.holdings(leaver) if leaver else None
    form = HandoverForm(request.POST or None)
    error = None
    if request.method == "POST" and leaver and form.is_valid():
        overrides = {}
        for c in held.customers[:OVERRIDE_LIMIT]:
            value = request.POST.get(f"customer_{c.pk}")
            if value and value.isdigit():
                overrides[c.pk] = User.objects.filter(pk=value).first()
        try:
            handover = services.hand_over(
                by=request.user,
                leaver=leaver,
                reason=form.cleaned_data["reason"],
                successor=form.cleaned_data["successor"],
                manager=form.cleaned_data["manager"],
                customer_successors=overrides,
                handed_loan_ids=[i for i in request.POST.getlist("loan") if i.isdigit()],
                note=form.cleaned_data["note"],
                request=request,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request, _("Handover %(no)s recorded. Print the list for signing.") % {"no": handover.number}
            )
            return redirect(handover)
    customers = list(held.customers[:OVERRIDE_LIMIT]) if held else []
    context = {
        "leaver": leaver,
        "leavers": selectors.leaver_choices(),
        "held": held,
        "counts": held.counts() if held else {},
        "customers": customers,
        "more_customers": held.customers.count() - len(customers) if held else 0,
        "successors": selectors.successor_choices(),
        "form": form,
        "error": error,
    }
    return render(request, "handovers/new.html", context, status=400 if error else 200)


def _get(request, pk):
    handover = selectors.visible_handovers(request.user).filter(pk=pk).first()
    if handover is None:
        raise Http404
    return handover


def handover_detail(request, pk):
    handover = _get(request, pk)
    lines = selectors.sign_off_lines(handover)
    may_record = can_hand_over(request.user)
    for row in lines:
        user = row["user"]
        row["can_sign"] = (
            not row["signature"]
            and user is not None
            and (
                user.pk == request.user.pk
                or (row["line"] == rules.LEAVER and may_record and not user.is_active)
            )
        )
    context = {
        "handover": handover,
        "groups": selectors.items_by_category(handover),
        "missing": handover.items.filter(outcome=rules.MISSING),
        "any_items": handover.items.exists(),
        "rows": selectors.customer_rows(handover),
        "lines": lines,
        "signed": all(r["signature"] for r in lines),
    }
    return render(request, "handovers/detail.html", context)


@require_POST
def handover_sign(request, pk):
    handover = _get(request, pk)
    line = request.POST.get("line", "")
    signer_id = request.POST.get("signer", "")
    signer = User.objects.filter(pk=signer_id).first() if signer_id.isdigit() else None
    try:
        services.sign(handover=handover, by=request.user, line=line, signer=signer, request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Signed as %(line)s.") % {"line": Line(line).label})
    return redirect(handover)


def handover_pdf(request, pk):
    from .pdf import handover_pdf as render_pdf

    handover = _get(request, pk)
    data = render_pdf(
        handover,
        selectors.items_by_category(handover),
        selectors.customer_rows(handover),
        selectors.sign_off_lines(handover),
        company=current_policy().core.company_name,
    )
    services.record_print(handover=handover, by=request.user, request=request)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="handover-{handover.pk}.pdf"'
    return response

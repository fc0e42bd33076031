"""Duty screens: one piece of scheduled work (where it is recorded done), the digest setting, the
team's overdue duties. Thin: access → form → one service → message/redirect."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.core.errors import DomainError
from xindang.ledger.selectors import exposure_of

from . import rules, selectors, services
from .forms import CompleteForm, PreferenceForm
from .permissions import can_see_team

PAGE_SIZE = 50


def work(request, key):
    """A piece of scheduled work: what it is, the rule, the material, and the form recording it done."""
    item = selectors.work_for_user(request.user, key)
    done = selectors.completion(key)
    if item is None and done is None:
        raise Http404
    form = CompleteForm(request.POST or None)
    if request.method == "POST" and item is not None and form.is_valid():
        try:
            services.complete_work(actor=request.user, key=key, note=form.cleaned_data["note"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Recorded as done."))
            return redirect("home")
    context = {"work": item, "done": done, "form": form, "today": timezone.localdate()}
    if item is not None and item.kind == rules.FILE_REVIEW:
        context["flagged"] = selectors.review_flags(request.user)
        context["FAST"], context["LOST"] = rules.FAST_GROWING, rules.LOST
    if item is not None and item.contract is not None:
        context["exposure"] = exposure_of(item.contract.customer)
    return render(request, "duties/work.html", context)


def preferences(request):
    form = PreferenceForm(request.POST or None, initial={"digest": selectors.digest_preference(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_digest(user=request.user, digest=form.cleaned_data["digest"])
        except DomainError as exc:
            form.add_error("digest", exc.message)
        else:
            messages.success(request, _("Your duty e-mail setting is saved."))
            return redirect("duties:settings")
    return render(request, "duties/settings.html", {"form": form, "email": request.user.email})


def team(request):
    """The overdue duties of the members the user manages (department; or all for company roles)."""
    if not can_see_team(request.user):
        raise PermissionDenied
    assignee = request.GET.get("assignee", "")
    page = Paginator(selectors.team_overdue(request.user, assignee=assignee), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "duties/team.html",
        {"page": page, "counts": selectors.team_counts(request.user), "assignee": assignee},
    )

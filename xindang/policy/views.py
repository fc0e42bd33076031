"""The company-policy screens: versions, a version's settings (a draft's are editable), the diff
between two versions, putting a draft in force, and "which version was in force on date D"."""

import re
from datetime import datetime, time

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xindang.audit.actions import action_label
from xindang.core.errors import DomainError

from . import services
from .activation import activation_checks
from .errors import PolicyError
from .forms import (
    CompareForm,
    DiscardForm,
    InForceOnForm,
    NewDraftForm,
    PutInForceForm,
    apply_pydantic_errors,
    section_form,
)
from .labels import value_label
from .models import PolicyVersion
from .permissions import PolicyPermission, policy_permission_required
from .sections import SECTIONS
from .selectors import (
    draft_version,
    get_version,
    policy_readings,
    policy_versions,
    previous_version,
    section_values,
    version_changes,
    version_departures,
    version_events,
    version_in_force,
)

view_required = policy_permission_required(PolicyPermission.VIEW)
change_required = policy_permission_required(PolicyPermission.CHANGE)


def _version_or_404(pk: int) -> PolicyVersion:
    version = get_version(pk)
    if version is None:
        raise Http404
    return version


def _code(value) -> str:
    """One code of a policy value: its registered label (policy.labels), else the code as code."""
    label = value_label(value) if isinstance(value, str) else None
    if label is not None:
        return conditional_escape(label)
    if isinstance(value, bool):
        return conditional_escape(_("Yes") if value else _("No"))
    if isinstance(value, str):
        return format_html("<code>{}</code>", value)
    return conditional_escape(str(value))


def _inline(value) -> str:
    """A part of a list or mapping, escaped (nested lists and mappings in parentheses)."""
    if isinstance(value, list | dict):
        return f"({_display(value)})" if value else "—"
    return "—" if value is None else _code(value)


def _display(value) -> str:
    """A policy value for reading: codes shown by their labels (a list of role codes is an approval
    chain, signed in order: "A → B"); mappings as "key: value" pairs; other codes as code."""
    if value is None:
        return "—"
    if isinstance(value, list):
        if not value:
            return "—"
        if all(isinstance(v, str | int | float | bool) for v in value):
            chain = all(isinstance(v, str) and value_label(v) is not None for v in value)
            return mark_safe((" → " if chain else "、").join(_code(v) for v in value))
        return mark_safe("; ".join(_inline(v) for v in value))
    if isinstance(value, dict):
        if not value:
            return "—"
        pairs = [f"{_code(k)}: {_inline(v)}" for k, v in value.items()]
        return mark_safe("; ".join(pairs))  # every part escaped above
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str) and re.fullmatch(r"[\x21-\x7e]+", value):
        return _code(value)  # a code or pattern (abc, HT-{dept}-{year}-{seq:04d}): its label or as code
    return str(value)


def _label(section: str, field: str) -> tuple[str, str]:
    info = SECTIONS.get(section)
    label, help_text = info.labels.get(field, (field, "")) if info else (field, "")
    return str(label), str(help_text)


def _end_of_day(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max), timezone.get_default_timezone())


@require_GET
@view_required
def version_list(request):
    on_form = InForceOnForm(request.GET if "on" in request.GET else None)
    in_force_on = None
    if on_form.is_valid():
        in_force_on = {
            "date": on_form.cleaned_data["on"],
            "version": version_in_force(on=_end_of_day(on_form.cleaned_data["on"])),
        }
    return render(
        request,
        "policy/list.html",
        {
            "versions": policy_versions(),
            "draft": draft_version(),
            "on_form": on_form,
            "in_force_on": in_force_on,
            "new_draft_form": NewDraftForm(),
        },
    )


def _sections(version: PolicyVersion, editable: bool, bound: dict) -> list[dict]:
    values = section_values(version)
    blocks = []
    for name, info in SECTIONS.items():
        rows = []
        for field in info.model.model_fields:
            label, help_text = _label(name, field)
            rows.append({"label": label, "help": help_text, "value": _display(values[name].get(field))})
        form = (bound.get(name) or section_form(info, initial=values[name])) if editable else None
        blocks.append({"name": name, "title": info.title, "rows": rows, "form": form})
    return blocks


def _render_detail(
    request, version: PolicyVersion, *, bound=None, activate_form=None, discard_form=None, status=200
):
    editable = version.status == PolicyVersion.Status.DRAFT and request.user.has_perm(
        PolicyPermission.CHANGE.value
    )
    return render(
        request,
        "policy/detail.html",
        {
            "version": version,
            "editable": editable,
            "sections": _sections(version, editable, bound or {}),
            "activate_form": activate_form or PutInForceForm(initial={"reason": version.comment}),
            "discard_form": discard_form or DiscardForm(),
            "checks": activation_checks(version) if version.status == PolicyVersion.Status.DRAFT else [],
            "previous": previous_version(version),
            "events": [(event, action_label(event.action)) for event in version_events(version)],
            "departures": [
                {
                    "section": SECTIONS[row.section].title,
                    "label": _label(row.section, row.field)[0],
                    "value": _display(row.value),
                    "article": row.article,
                    "text": row.text,
                }
                for row in version_departures(version)
            ],
            "readings": [
                {
                    "section": SECTIONS[name].title,
                    "word": reading.word,
                    "article": reading.article,
                    "labels": [_label(name, f)[0] for f in reading.fields],
                    "text": reading.text,
                }
                for name, reading in policy_readings()
            ],
        },
        status=status,
    )


@require_GET
@view_required
def version_detail(request, pk: int):
    return _render_detail(request, _version_or_404(pk))


@require_POST
@change_required
def create_draft(request):
    form = NewDraftForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("comment", [])))
        return redirect("policy:list")
    try:
        draft = services.create_draft(by=request.user, comment=form.cleaned_data["comment"], request=request)
    except DomainError as exc:
        messages.error(request, exc.message)
        existing = draft_version()
        return redirect("policy:detail", existing.pk) if existing else redirect("policy:list")
    messages.success(
        request, _("Draft v%(number)s created from the version in force.") % {"number": draft.number}
    )
    return redirect("policy:detail", draft.pk)


@require_POST
@change_required
def edit_section(request, pk: int, section: str):
    version = _version_or_404(pk)
    info = SECTIONS.get(section)
    if info is None:
        raise Http404
    form = section_form(info, data=request.POST)
    if form.is_valid():
        try:
            services.update_draft_section(
                draft_id=version.pk,
                section=section,
                values=form.cleaned_data,
                by=request.user,
                request=request,
            )
        except DomainError as exc:
            if exc.code != PolicyError.INVALID:
                messages.error(request, exc.message)
                return redirect("policy:detail", version.pk)
            apply_pydantic_errors(form, exc.params.get("errors", []))
        else:
            messages.success(
                request,
                _("%(section)s saved in draft v%(number)s.")
                % {"section": info.title, "number": version.number},
            )
            return redirect(reverse("policy:detail", args=[version.pk]) + f"#section-{section}")
    return _render_detail(request, version, bound={section: form}, status=400)


@require_POST
@change_required
def activate(request, pk: int):
    version = _version_or_404(pk)
    form = PutInForceForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, version, activate_form=form, status=400)
    try:
        version = services.put_in_force(
            draft_id=version.pk,
            by=request.user,
            comment=form.cleaned_data["reason"],
            skip_checks_reason=form.cleaned_data["skip_reason"],
            request=request,
        )
    except DomainError as exc:
        if exc.code == PolicyError.CHECKS_MISSING:
            form.add_error("skip_reason", exc.message)
            return _render_detail(request, version, activate_form=form, status=400)
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Version v%(number)s is in force.") % {"number": version.number})
    return redirect("policy:detail", version.pk)


@require_POST
@change_required
def discard(request, pk: int):
    version = _version_or_404(pk)
    form = DiscardForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, version, discard_form=form, status=400)
    try:
        services.discard_draft(
            draft_id=version.pk, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("policy:detail", version.pk)
    messages.success(request, _("Draft v%(number)s discarded.") % {"number": version.number})
    return redirect("policy:list")


@require_GET
@view_required
def diff(request, pk: int):
    version = _version_or_404(pk)
    others = [v for v in policy_versions() if v.pk != version.pk]
    compare = CompareForm(request.GET if "against" in request.GET else None, versions=others)
    if compare.is_bound and compare.is_valid():
        against = next(v for v in others if v.pk == compare.cleaned_data["against"])
    else:
        against = previous_version(version)
        if against is not None:
            compare = CompareForm(initial={"against": against.pk}, versions=others)
    changes = [
        {
            "section": str(SECTIONS[c.section].title) if c.section in SECTIONS else c.section,
            "label": _label(c.section, c.field)[0],
            "field": c.field,
            "old": _display(c.old),
            "new": _display(c.new),
        }
        for c in version_changes(against, version)
    ]
    return render(
        request,
        "policy/diff.html",
        {
            "version": version,
            "against": against,
            "changes": changes,
            "compare": compare,
        },
    )

"""Changing the policy: drafts are edited freely; putting one in force supersedes the old version."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from pydantic import ValidationError

from xindang.audit.services import record_event
from xindang.core import request_cache
from xindang.core.errors import DomainError

from .activation import activation_checks
from .errors import PolicyError
from .models import PolicyVersion
from .sections import SECTIONS
from .selectors import IN_FORCE, build_policy, version_in_force


def policy_changed() -> None:
    """Every process and the rest of this request read the version in force afresh (the pages keep
    it in the shared cache: policy.selectors.current_policy)."""
    request_cache.invalidate(IN_FORCE)


def _next_number() -> int:
    return (PolicyVersion.objects.aggregate(m=Max("number"))["m"] or 0) + 1


def full_data(data: dict) -> dict:
    """Every registered section, validated, as plain JSON."""
    policy = build_policy(data)
    return {name: section.model_dump(mode="json") for name, section in policy.sections.items()}


def _valid_full_data(data: dict) -> dict:
    """full_data() for services: a stored version that no longer validates (a section's rule was
    tightened after it was saved) is refused with INVALID and pydantic's errors, not a crash."""
    try:
        return full_data(data)
    except ValidationError as exc:
        raise DomainError(PolicyError.INVALID, errors=exc.errors()) from exc


@transaction.atomic
def create_draft(*, by, comment: str = "", request=None) -> PolicyVersion:
    """A new draft, copied from the version in force. Only one draft at a time."""
    # The version in force is the mutex: two administrators creating drafts at once queue here.
    list(PolicyVersion.objects.select_for_update().filter(status=PolicyVersion.Status.IN_FORCE))
    if PolicyVersion.objects.select_for_update().filter(status=PolicyVersion.Status.DRAFT).exists():
        raise DomainError(PolicyError.DRAFT_EXISTS)
    base = version_in_force()
    draft = PolicyVersion.objects.create(
        number=_next_number(),
        status=PolicyVersion.Status.DRAFT,
        data=_valid_full_data(base.data if base else {}),
        comment=comment,
        based_on=base,
        created_by=by,
    )
    record_event(
        "policy.draft_created", actor=by, request=request, obj=draft, data={"based_on": base and base.number}
    )
    return draft


@transaction.atomic
def update_draft_section(*, draft_id: int, section: str, values: dict, by, request=None) -> PolicyVersion:
    """Validate and store one section of a draft. Raises DomainError(INVALID) with pydantic's errors."""
    draft = PolicyVersion.objects.select_for_update().get(pk=draft_id)
    if draft.status != PolicyVersion.Status.DRAFT:
        raise DomainError(PolicyError.NOT_DRAFT)
    info = SECTIONS.get(section)
    if info is None:
        raise DomainError(PolicyError.UNKNOWN_SECTION)
    try:
        validated = info.model.model_validate(values)
    except ValidationError as exc:
        raise DomainError(PolicyError.INVALID, errors=exc.errors()) from exc
    old = draft.data.get(section, {})
    new = validated.model_dump(mode="json")
    draft.data = {**draft.data, section: new}
    draft.save(update_fields=["data", "updated_at"])
    changes = {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}
    record_event(
        "policy.draft_changed",
        actor=by,
        request=request,
        obj=draft,
        data={"section": section, "changes": changes},
    )
    return draft


@transaction.atomic
def put_in_force(
    *, draft_id: int, by, comment: str = "", skip_checks_reason: str = "", request=None
) -> PolicyVersion:
    """The draft becomes the version in force from now; the previous one is superseded (kept).
    Every required activation check (e.g. the credit back-test of the draft) must be done, or
    `skip_checks_reason` says in writing why the draft goes in force without it (audited)."""
    draft = PolicyVersion.objects.select_for_update().get(pk=draft_id)
    if draft.status != PolicyVersion.Status.DRAFT:
        raise DomainError(PolicyError.NOT_DRAFT)
    checks = activation_checks(draft)
    missing = [c.name for c in checks if c.required and not c.done]
    skip_checks_reason = (skip_checks_reason or "").strip()
    if missing and not skip_checks_reason:
        raise DomainError(PolicyError.CHECKS_MISSING, field="skip_reason", checks=missing)
    now = timezone.now()
    replaced = []
    for old in PolicyVersion.objects.select_for_update().filter(status=PolicyVersion.Status.IN_FORCE):
        old.status, old.effective_to = PolicyVersion.Status.SUPERSEDED, now
        old.save(update_fields=["status", "effective_to", "updated_at"])
        replaced.append(old.number)
    draft.data = _valid_full_data(draft.data)
    draft.status, draft.effective_from, draft.activated_by = PolicyVersion.Status.IN_FORCE, now, by
    if comment:
        draft.comment = comment
    draft.save()
    policy_changed()
    record_event(
        "policy.put_in_force",
        actor=by,
        request=request,
        obj=draft,
        purpose=draft.comment,
        data={"replaces": replaced, **_checks_data(checks, missing, skip_checks_reason)},
    )
    return draft


def _checks_data(checks, missing: list[str], skip_reason: str) -> dict:
    """What the put-in-force event records of the activation checks: the ones done (their reference)
    and, when some were skipped, which and why."""
    data = {}
    done = {c.name: c.ref for c in checks if c.done}
    if done:
        data["checks"] = done
    if missing:
        data.update(skipped_checks=missing, skip_reason=skip_reason)
    return data


@transaction.atomic
def discard_draft(*, draft_id: int, by, request=None, reason: str = "") -> PolicyVersion:
    """The draft is dropped (kept, marked discarded); the reason goes into the audit event."""
    draft = PolicyVersion.objects.select_for_update().get(pk=draft_id)
    if draft.status != PolicyVersion.Status.DRAFT:
        raise DomainError(PolicyError.NOT_DRAFT)
    draft.status = PolicyVersion.Status.DISCARDED
    draft.save(update_fields=["status", "updated_at"])
    record_event("policy.draft_discarded", actor=by, request=request, obj=draft, purpose=reason)
    return draft

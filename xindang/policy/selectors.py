"""Reading the policy: the version in force now, or on any past date."""

import functools
import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from xindang.audit.models import AuditEvent
from xindang.core import request_cache

from .models import PolicyVersion
from .rules import FieldChange, diff_sections
from .sections import SECTIONS


@dataclass(frozen=True)
class Policy:
    """A validated, read-only view of one version: policy.core.upload_limit_mb, policy.version."""

    version: int
    version_id: int | None
    sections: dict

    def __getattr__(self, name):
        if name.startswith("__"):  # pickle's lookups (the shared cache) before `sections` is set
            raise AttributeError(name)
        try:
            return self.sections[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def build_policy(data: dict, *, version: int = 0, version_id: int | None = None) -> Policy:
    registered = tuple((name, id(info.model)) for name, info in SECTIONS.items())
    sections = _validated(json.dumps(data, sort_keys=True, default=str), registered)
    # Each caller its own copy of the sections: one that changed a value would not change another's.
    copies = {name: section.model_copy() for name, section in sections.items()}
    return Policy(version=version, version_id=version_id, sections=copies)


@functools.lru_cache(maxsize=32)
def _validated(data: str, registered: tuple) -> dict:
    """The sections validated from a version's data (as JSON) and the registered sections. Outside a
    request every current_policy() reads the version in force afresh, and validating its twenty
    sections again cost more than reading it; a version's data never changes once it is in force."""
    values = json.loads(data)
    return {name: info.model.model_validate(values.get(name, {})) for name, info in SECTIONS.items()}


def default_policy() -> Policy:
    return build_policy({})


def policy_from_version(version: PolicyVersion) -> Policy:
    return build_policy(version.data, version=version.number, version_id=version.pk)


def version_in_force(on: datetime | None = None) -> PolicyVersion | None:
    """The version in force at `on` (default now) — answers "which version applied on date D"."""
    when = on or timezone.now()
    return (
        PolicyVersion.objects.filter(effective_from__lte=when)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=when))
        .exclude(status__in=[PolicyVersion.Status.DRAFT, PolicyVersion.Status.DISCARDED])
        .order_by("-effective_from")
        .first()
    )


# The policy in force now, shared between requests (core.request_cache.shared): every page reads it
# (the idle timeout, the second factor, the page itself). Only putting a version in force changes it
# (policy.services.put_in_force, which calls policy_changed()); the timeout bounds anything missed.
IN_FORCE = "policy.in_force"
IN_FORCE_SECONDS = 600


def current_policy(on: datetime | None = None) -> Policy:
    """The policy in force at `on`; now by default. A request reads the version in force from the
    shared cache, once; outside a request (commands, the task worker) it is read afresh each time."""
    if on is None and request_cache.in_request():
        return request_cache.shared(IN_FORCE, "now", lambda: policy_at(None), timeout=IN_FORCE_SECONDS)
    return policy_at(on)


def policy_at(on: datetime | None) -> Policy:
    version = version_in_force(on)
    return policy_from_version(version) if version else default_policy()


def policy_versions():
    return PolicyVersion.objects.select_related("created_by", "activated_by").order_by("-number")


def section_defaults(name: str) -> dict:
    return SECTIONS[name].model().model_dump(mode="json")


def section_values(version: PolicyVersion) -> dict[str, dict]:
    """Each registered section's stored values over its defaults, without validating: an old version
    that a tightened rule would now refuse is still shown as it was."""
    data = version.data or {}
    return {name: {**section_defaults(name), **(data.get(name) or {})} for name in SECTIONS}


def get_version(pk: int) -> PolicyVersion | None:
    return policy_versions().filter(pk=pk).first()


def draft_version() -> PolicyVersion | None:
    return PolicyVersion.objects.filter(status=PolicyVersion.Status.DRAFT).order_by("-number").first()


def previous_version(version: PolicyVersion) -> PolicyVersion | None:
    """What this version replaced (in force / superseded) or would replace (draft, discarded)."""
    if version.effective_from is None:
        return version.based_on or version_in_force()
    return (
        PolicyVersion.objects.filter(effective_from__lt=version.effective_from)
        .exclude(status__in=[PolicyVersion.Status.DRAFT, PolicyVersion.Status.DISCARDED])
        .order_by("-effective_from")
        .first()
    )


def version_changes(old: PolicyVersion | None, new: PolicyVersion) -> list[FieldChange]:
    return diff_sections(section_values(old) if old else {}, section_values(new))


def version_events(version: PolicyVersion):
    """Who did what to this version, oldest first (the audit log is the record of changes)."""
    return AuditEvent.objects.filter(object_type="policy.policyversion", object_id=str(version.pk)).order_by(
        "seq"
    )


@dataclass(frozen=True)
class DepartureRow:
    """One value of a version that departs from the regulation's text (see sections.Departure)."""

    section: str
    field: str
    value: object
    article: str
    text: str


def policy_departures(values: dict[str, dict]) -> list[DepartureRow]:
    """The departures in a version's values (section → field → value, as section_values gives):
    the default policy has none."""
    rows = []
    for name, info in SECTIONS.items():
        for departure in info.departures:
            value = values.get(name, {}).get(departure.field)
            if departure.departs(value):
                rows.append(
                    DepartureRow(name, departure.field, value, departure.article, str(departure.text))
                )
    return rows


def version_departures(version: PolicyVersion) -> list[DepartureRow]:
    return policy_departures(section_values(version))


def policy_readings() -> list[tuple[str, object]]:
    """Every registered reading of an ambiguous word, with its section name."""
    return [(name, reading) for name, info in SECTIONS.items() for reading in info.readings]

"""Reading the policy: the version in force now, or on any past date."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from .models import PolicyVersion
from .sections import SECTIONS


@dataclass(frozen=True)
class Policy:
    """A validated, read-only view of one version: policy.core.upload_limit_mb, policy.version."""

    version: int
    version_id: int | None
    sections: dict

    def __getattr__(self, name):
        try:
            return self.sections[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def build_policy(data: dict, *, version: int = 0, version_id: int | None = None) -> Policy:
    sections = {name: info.model.model_validate(data.get(name, {})) for name, info in SECTIONS.items()}
    return Policy(version=version, version_id=version_id, sections=sections)


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


def current_policy(on: datetime | None = None) -> Policy:
    version = version_in_force(on)
    return policy_from_version(version) if version else default_policy()


def policy_versions():
    return PolicyVersion.objects.select_related("created_by", "activated_by").order_by("-number")

"""The roles of GLOSSARY.md, stored as auth Groups named by their code.

Each app says in its permissions.py which of its permissions each role gets (ROLE_GRANTS) and
applies that in a data migration through grant_role_permissions(); this module knows no app.
"""

from django.contrib.auth.management import create_permissions
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALESPERSON = "salesperson", _("Salesperson")
    DEPARTMENT_MANAGER = "department_manager", _("Department manager")
    CREDIT_MANAGER = "credit_manager", _("Credit manager")
    ARCHIVIST = "archivist", _("Archivist")
    MARKETING_MANAGER = "marketing_manager", _("Marketing manager")
    FINANCE_CREDIT_CONTROLLER = "finance_credit_controller", _("Finance credit controller")
    SERVICE_AGENT = "service_agent", _("Service agent")
    SERVICE_SUPERVISOR = "service_supervisor", _("Service supervisor")
    OFFICE_DIRECTOR = "office_director", _("Office director")
    VP_MARKETING = "vp_marketing", _("VP marketing")
    CFO = "cfo", _("CFO")
    GENERAL_MANAGER = "general_manager", _("General manager")
    CHAIRMAN = "chairman", _("Chairman")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    ARCHIVE_LEADER = "archive_leader", _("Leader in charge of the archive department")
    SECURITY_OFFICER = "security_officer", _("Security officer")
    AUDITOR = "auditor", _("Auditor")


def role_label(code: str) -> str:
    try:
        return Role(code).label
    except ValueError:
        return code


def grant_role_permissions(apps, app_label: str, grants: dict) -> None:
    """For data migrations: make sure the app's permissions exist, then add them to the role groups.

    grants: {role code: ["codename", …]} for permissions of `app_label`.
    """

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in grants.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        perms = list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))
        missing = set(codenames) - {p.codename for p in perms}
        if missing:
            raise RuntimeError(f"unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*perms)
    from .backends import access_changed  # backends imports the models, which import this module

    access_changed()  # users read their permissions from the shared cache


def revoke_role_permissions(apps, app_label: str, grants: dict) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in grants.items():
        group = Group.objects.filter(name=str(role)).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            )
    from .backends import access_changed  # backends imports the models, which import this module

    access_changed()

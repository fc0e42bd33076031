"""The audit log's known actions and their labels (one registry; later apps add theirs with
register_actions() in their AppConfig.ready()). An action nobody registered is shown as its code."""

from django.utils.translation import gettext_lazy as _

# prefix → group label, for the action filter
ACTION_GROUPS: dict[str, str] = {
    "auth": _("Sign-in"),
    "customer": _("Customer files"),
    "policy": _("Company policy"),
    "admin": _("Admin pages"),
    "audit": _("Audit log"),
    "core": _("System"),
}

ACTION_LABELS: dict[str, str] = {
    "auth.login": _("Logged in"),
    "auth.login_failed": _("Failed login"),
    "auth.login_throttled": _("Login refused (too many failures)"),
    "auth.logout": _("Logged out"),
    "customer.view": _("Viewed customer file"),
    "customer.create": _("Created customer file"),
    "customer.update": _("Changed customer file"),
    "customer.status": _("Changed customer status"),
    "customer.export": _("Exported customers"),
    "customer.import": _("Imported customers"),
    "customer.import_interrupted": _("Customer import interrupted (nothing saved)"),
    "core.working_files_pruned": _("Deleted old import files"),
    "customer.import_preview": _("Previewed customer import"),
    "customer.access_denied": _("Access to customer file refused"),
    "policy.draft_created": _("Created policy draft"),
    "policy.draft_changed": _("Changed policy draft"),
    "policy.put_in_force": _("Put policy version in force"),
    "policy.draft_discarded": _("Discarded policy draft"),
    "admin.add": _("Added in admin pages"),
    "admin.change": _("Changed in admin pages"),
    "admin.delete": _("Deleted in admin pages"),
    "audit.export": _("Exported audit log"),
    "audit.verify": _("Verified audit chain"),
}

# object type (app_label.model) → URL name of its page, reversed with the object id
OBJECT_PAGES: dict[str, str] = {
    "customers.customer": "customers:detail",
    "policy.policyversion": "policy:detail",
}


def register_actions(labels: dict, groups: dict | None = None, object_pages: dict | None = None) -> None:
    ACTION_LABELS.update(labels)
    ACTION_GROUPS.update(groups or {})
    OBJECT_PAGES.update(object_pages or {})


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def action_choices() -> list:
    """Grouped choices for a <select>: each group starts with "all of the group" (value "prefix.*")."""
    grouped: dict[str, list] = {}
    for code in ACTION_LABELS:
        grouped.setdefault(code.split(".", 1)[0], []).append(code)
    choices: list = [("", _("All actions"))]
    for prefix, codes in grouped.items():
        group = str(ACTION_GROUPS.get(prefix, prefix))
        options = [(f"{prefix}.*", _("All: %(group)s") % {"group": group})]
        options += [(code, ACTION_LABELS[code]) for code in codes]
        choices.append((group, options))
    return choices


BROKEN_REASONS: dict[str, str] = {
    "altered": _("altered: the row no longer matches its hash"),
    "missing": _("missing: a row was deleted"),
    "relinked": _("relinked: the row does not point to the previous one"),
    "unrecorded": _("unrecorded: rows were written around the chain head"),
    "unkeyed": _("unkeyed: a row was rewritten without the chain's key"),
    "unknown_key": _("unknown key: the row names a key that is not configured"),
    "forged_anchor": _("forged anchor: an anchor's signature does not hold"),
}


def broken_reason_label(reason: str) -> str:
    return str(BROKEN_REASONS.get(reason, reason))

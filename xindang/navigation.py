"""The left navigation (UI.md): modules in the order of the work, only those the user may use."""

from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from xindang.accounts.permissions import may_grant_roles
from xindang.audit.permissions import may_read_audit
from xindang.core import request_cache

# (url name, label, what the user needs, key used to mark the active item). What the user needs is
# None, a permission, or the very function the view checks (fn(user) -> bool) where a permission is
# not the whole answer: the audit log also obeys the separation of duties (三员分立).
NAV = [
    ("home", _("Workbench"), None, "home"),
    ("customers:list", _("Customer files"), "customers.view_customer", "customers"),
    ("customers:import", _("Import customers"), "customers.import_customers", "import"),
    ("documents:list", _("Documents"), "documents.view_document", "documents"),
    ("contracts:list", _("Contracts"), "contracts.view_contract", "contracts"),
    ("approvals:list", _("Approvals"), "approvals.view_approvalrequest", "approvals"),
    ("credit:list", _("Credit"), "credit.view_investigation", "credit"),
    ("grants:list", _("Credit grants"), "grants.view_creditgrant", "grants"),
    (
        "credit_control:reduction",
        _("Credit control"),
        "credit_control.view_overlimitrequest",
        "credit_control",
    ),
    ("evaluations:list", _("Grant evaluations"), "evaluations.view_grantevaluation", "evaluations"),
    ("ledger:list", _("Trade and ageing"), "ledger.view_tradeentry", "ledger"),
    ("collection:list", _("Collection"), "collection.view_collectionrecord", "collection"),
    ("duties:team", _("Team duties overdue"), "duties.view_team_duties", "duties"),
    ("privacy:request_list", _("Personal-data requests"), "privacy.view_datasubjectrequest", "privacy"),
    ("lifecycle:loans", _("Loans and transfers"), "lifecycle.view_loan", "lifecycle"),
    ("reports:index", _("Analysis"), "reports.view_sales_analysis", "reports"),
    ("retention:holds", _("Retention and disposal"), "retention.view_disposal", "retention"),
    ("relations:complaints", _("Customer relations"), "relations.view_complaint", "relations"),
    ("custody:list", _("Lookup requests"), "custody.view_lookuprequest", "custody"),
    ("suppliers:list", _("Suppliers"), "suppliers.view_supplierselection", "suppliers"),
    ("handovers:list", _("Staff handovers"), "handovers.view_handover", "handovers"),
    ("audit:list", _("Audit log"), may_read_audit, "audit"),
    ("policy:list", _("Company policy"), "policy.view_policyversion", "policy"),
    ("accounts:clearances", _("Clearances"), may_grant_roles, "accounts"),
]

# Pages of another app that belong under a menu item: the ageing is half of 往来与账龄 (the ledger
# list and the ageing share a tab bar, templates/ledger/_tabs.html).
ACTIVE_UNDER = {
    "collection:ageing": "ledger",
    "collection:ageing_entries": "ledger",
}


def may_open(user, needs) -> bool:
    return needs(user) if callable(needs) else user.has_perm(needs)


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # once per request: a page that renders several templates with its request asks only once
    items = request_cache.memo(("navigation", user.pk), lambda: nav_items(user))
    match = getattr(request, "resolver_match", None)
    active = ""
    if match is not None:
        active = (
            "import"
            if match.url_name and match.url_name.startswith("import")
            else (match.namespace or "home")
        )
        active = ACTIVE_UNDER.get(match.view_name, active)
    return {"nav_items": items, "nav_active": active}


def nav_items(user) -> list[dict]:
    """The modules `user` may open, in the menu's order."""
    urls = _menu_urls(get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    items = []
    for url_name, label, perm, key in NAV:
        if urls[url_name] is None:  # a module not installed in this build
            continue
        if perm and not may_open(user, perm):
            continue
        items.append({"url": urls[url_name], "label": label, "key": key})
    if user.is_staff and urls["admin:index"]:
        items.append({"url": urls["admin:index"], "label": _("System settings"), "key": "admin"})
    return items


@lru_cache(maxsize=16)
def _menu_urls(prefix: str, urlconf) -> dict[str, str | None]:
    """Every menu item's address (None: not installed), once per process and URL configuration: the
    same for every user and page."""
    urls = {}
    for url_name in [*(item[0] for item in NAV), "admin:index"]:
        try:
            urls[url_name] = reverse(url_name, urlconf=urlconf)
        except NoReverseMatch:
            urls[url_name] = None
    return urls

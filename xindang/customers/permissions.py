"""Customer-file capabilities and the one visibility rule.

Visibility (who may see which file at all) is decided by selectors.visible_customers(); every list,
page, export and API call goes through it or through get_customer_for_user() below, the access
decision that also audits a refused attempt (selectors only read).
"""

from django.db import models
from django.http import Http404

from xindang.accounts.roles import Role
from xindang.audit.services import get_or_refuse

from .models import Customer


class CustomerPermission(models.TextChoices):
    VIEW = "customers.view_customer"
    VIEW_ALL = "customers.view_all_customers"
    VIEW_DEPARTMENT = "customers.view_department_customers"
    ADD = "customers.add_customer"
    CHANGE = "customers.change_customer"
    EXPORT = "customers.export_customers"
    IMPORT = "customers.import_customers"
    ASSIGN_CODE = "customers.assign_customer_code"
    CHANGE_STATUS = "customers.change_customer_status"
    MARK_NOT_RELATED = "customers.mark_not_related"


_CHILD = ["contact", "bankaccount", "shareholder", "manager", "relatedcompany"]


def _child(*actions):
    return [f"{a}_{m}" for m in _CHILD for a in actions]


_WORK = ["view_customer", "add_customer", "change_customer", *_child("view", "add", "change", "delete")]
_READ = ["view_customer", *_child("view")]

# Who sees what (SPEC §7, seed 001 客户档案管理制度及操作细则 六 2, 000 客户信息管理办法 三.2: files are
# secrets; responsible staff only):
# salesperson → own files; department manager → the department's; credit managers, archivists,
# the GM and the chairman → all. Finance credit controller, marketing manager, VP marketing and CFO
# sit in the credit approval chains (seed 002 第十九、二十六条) and so see all as well.
ROLE_GRANTS = {
    Role.SALESPERSON: [*_WORK, "export_customers"],
    Role.DEPARTMENT_MANAGER: [
        *_WORK,
        "view_department_customers",
        "export_customers",
        "change_customer_status",
    ],
    Role.CREDIT_MANAGER: [
        *_WORK,
        "view_all_customers",
        "export_customers",
        "import_customers",
        "assign_customer_code",
        "change_customer_status",
    ],
    Role.ARCHIVIST: [*_READ, "view_all_customers", "export_customers", "import_customers"],
    Role.MARKETING_MANAGER: [*_READ, "view_all_customers", "export_customers", "change_customer_status"],
    Role.FINANCE_CREDIT_CONTROLLER: [*_READ, "view_all_customers", "export_customers"],
    Role.VP_MARKETING: [*_READ, "view_all_customers", "export_customers"],
    Role.CFO: [*_READ, "view_all_customers", "export_customers"],
    Role.GENERAL_MANAGER: [*_READ, "view_all_customers", "export_customers", "change_customer_status"],
    Role.CHAIRMAN: [*_READ, "view_all_customers", "export_customers"],
    Role.SERVICE_AGENT: [],
    Role.SERVICE_SUPERVISOR: [],
    Role.OFFICE_DIRECTOR: [],
    Role.SYSTEM_ADMIN: [],
    # 三员分立 and the archive's leader: no standing access to files (lookup requests, custody)
    Role.ARCHIVE_LEADER: [],
    Role.SECURITY_OFFICER: [],
    Role.AUDITOR: [],
}

# Related customers (XinDang's addition): the credit manager marks two files, or a key shared by many
# (a common name), as not related. Applied by migration 0012 (0002 applies ROLE_GRANTS).
NOT_RELATED_GRANTS = {Role.CREDIT_MANAGER: ["mark_not_related"]}


def get_customer_for_user(
    user,
    pk,
    *,
    request=None,
    for_update: bool = False,
    scope: str | tuple[str, ...] | None = None,
    whole_file: bool = False,
) -> Customer:
    """The file if `user` may see it; otherwise 404 — the same answer as for a file that does not
    exist, so a URL reveals nothing — and the attempt goes into the audit log. `scope`: also a file
    whose header and that part only are open to the user (visible_customers). `whole_file`: the file
    comes with `whole_file`, whether the user may see all of it (selectors.can_see_customer without
    the scope), answered in the same query."""
    # selectors imports this module's permission enum: a top-level import would be a cycle
    from .selectors import plain_id, seen_file, visible_customers

    if for_update:  # PostgreSQL refuses FOR UPDATE across the nullable side of an outer join: no joins
        qs = visible_customers(user, scope=scope).select_for_update()
    elif plain_id(pk):
        customer = seen_file(user, pk, scope=scope, whole_file=whole_file)  # compiled once per user
        if customer is not None:
            return customer
        qs = Customer.objects.none()  # refused: audited below when the file exists
    else:  # not an id: 404
        qs = visible_customers(user, scope=scope)
    return get_or_refuse(qs, pk, user=user, action="customer.access_denied", request=request)


def get_record_for_user(user, model, pk, *, records=None, request=None, scope=None, any_file: bool = False):
    """A record of a customer file (a `model` with `customer`) that `user` may read: 404 when there is
    none; when its file is out of the user's sight, get_customer_for_user's 404 and audited refusal
    (`any_file`: an integration's key, which serves every file); 404 when `records(customer)` (the
    records of that kind the user sees; default: all of the file's) leaves it out."""
    from . import selectors  # selectors imports this module's permission enum: see get_customer_for_user

    owner = (
        model.objects.filter(pk=pk).values_list("customer_id", flat=True).first()
        if 0 < int(pk) < 2**63
        else None
    )
    if owner is None:
        raise Http404
    customer = (
        selectors.get_customer(owner)
        if any_file
        else get_customer_for_user(user, owner, request=request, scope=scope)
    )
    found = (records(customer) if records else model.objects.filter(customer=customer)).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found

"""Reading lookup requests, and the grants they give: the files and documents an open request opens
to its reader (registered with customers and documents in CustodyConfig.ready()), the file page's
"who may read it now and why" and lookup history, and the workbench items."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from xindang.core.workbench import WorkItem
from xindang.customers.models import Customer
from xindang.customers.selectors import visible_customers
from xindang.policy.selectors import current_policy

from . import rules
from .archived import is_archived
from .models import LookupRequest, LookupStatus
from .permissions import CustodyPermission


def custody_policy(policy=None):
    return (policy or current_policy()).custody


def _roles(user) -> set[str]:
    return set(getattr(user, "role_codes", set())) if user is not None and user.is_authenticated else set()


def open_requests(user, *, on: date | None = None) -> QuerySet[LookupRequest]:
    """The approved requests of `user` open today: their period has begun and not ended. A request
    past its return date closes by itself (checked here, at every access)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return LookupRequest.objects.none()
    on = on or timezone.localdate()
    return LookupRequest.objects.filter(
        reader=user, status=LookupStatus.APPROVED, starts_on__lte=on, ends_on__gte=on
    )


# --- The grants registered with the lower apps ---------------------------------------------------
def granted_customers(user) -> Q:
    """customers.register_visibility(temporary=True): the files a whole-file request opens to its
    reader — the whole file, every section, for the request's period."""
    return Q(pk__in=open_requests(user).filter(whole_file=True).values("customer_id"))


def header_customers(user) -> Q:
    """customers.register_visibility(header_only=True): a request for chosen documents opens the file's
    header and those documents only (granted_documents), not its contracts, ledger or credit sections."""
    return Q(pk__in=open_requests(user).filter(whole_file=False).values("customer_id"))


def granted_documents(user) -> Q | None:
    """documents.grants.register_read_grant: the documents an open request names (all of a file for a
    whole-file request), and what the user filed themselves while the policy keeps that access."""
    open_qs = open_requests(user)
    cond = Q(customer_id__in=open_qs.filter(whole_file=True).values("customer_id")) | Q(
        pk__in=LookupRequest.documents.through.objects.filter(
            lookuprequest__in=open_qs.filter(whole_file=False)
        ).values("document_id")
    )
    if custody_policy().filer_keeps_access:
        cond |= Q(filed_by=user)
    return cond


def request_covering(user, document) -> LookupRequest | None:
    """The open request of `user` under which `document` is read (the newest if several)."""
    return (
        open_requests(user)
        .filter(customer_id=document.customer_id)
        .filter(Q(whole_file=True) | Q(documents=document))
        .order_by("-ends_on", "-pk")
        .first()
    )


def read_context(user, document) -> dict | None:
    """documents.grants.register_read_context: which request a read happens under, and its purpose."""
    lookup = request_covering(user, document)
    if lookup is None:
        return None
    return {"lookup_request": lookup.pk, "purpose": lookup.purpose}


def may_release_original(user, document) -> bool:
    """documents.grants.register_original_gate: a level 1/2 original that cannot be watermarked goes
    only to a reader under an approved request that grants the download right (000 客户信息管理办法
    三.3–6), unless the policy departs."""
    if not custody_policy().unmarkable_originals_in_request_only:
        return True
    return covering_requests(user, document).filter(may_download=True).exists()


def covering_requests(user, document) -> QuerySet[LookupRequest]:
    """The open requests of `user` under which `document` is read."""
    return (
        open_requests(user)
        .filter(customer_id=document.customer_id)
        .filter(Q(whole_file=True) | Q(documents=document))
        .distinct()
    )


def may_use_document(user, document, use: str) -> bool:
    """documents.grants.register_use_check — viewing, downloading, printing and exporting are separate
    rights (as in Mayan EDMS): a reader under lookup requests uses a document only as one of the open
    requests covering it grants (rules.use_allowed). A standing reader (cleared for the level on a file
    they see standing, or its filer while the policy keeps that) is not limited by requests."""
    from xindang.documents.selectors import cleared_levels

    if user is None or not user.is_authenticated:
        return False
    if document.confidentiality in cleared_levels(user, document.customer):
        return True
    if document.filed_by_id == user.pk and custody_policy().filer_keeps_access:
        return True
    rights = [lookup.rights for lookup in covering_requests(user, document)]
    if not rights:
        return True  # not read under a request: the level clearance decides (documents.can_read)
    return rules.use_allowed(use, rights)


def purpose_rule(user, action: str) -> bool:
    """audit.purposes.register_purpose_rule: the uses that state their purpose (003 篇一 二.4)."""
    return action in custody_policy().purpose_actions


def limits_view_all(user) -> bool:
    """customers.register_view_all_limit: the roles of the credit approval chains see the files they
    sign for, the relationship roles the relationship records of every file (rules.standing_access),
    unless the policy departs and keeps them every file (001 客户档案管理制度及操作细则 六 2). Users
    without such a role are answered without reading the policy (this runs on every list)."""
    roles = _roles(user)
    if not roles & set(rules.WIDENABLE_ROLES):
        return False
    return rules.limits_view_all(roles, custody_policy().wide_standing_roles)


def relationship_customers(user) -> Q:
    """customers.register_visibility(scope="relations"): the relationship roles open the header and the
    relationship records (complaints, visits, surveys) of every file — 000 5.1.1 (the office runs
    relationship care), 6 b (it sends the surveys to the customers), 7 (it feeds complaint results
    back); 002 篇三 (the service supervisor plans and reviews the visits). Not the documents, contracts,
    ledger or credit sections: those are the policy's departure (wide_standing_roles)."""
    if _roles(user) & set(rules.RELATIONSHIP_ROLES):
        from .archived import archived_condition

        archived = archived_condition()  # the archive room's files: lookup requests only (000 4.5)
        return ~archived if archived is not None else Q(pk__isnull=False)
    return Q(pk__in=[])


def archived_exclusion(user) -> Q | None:
    """customers.register_standing_exclusion: files transferred to the archive room leave everyone's
    standing access but the archivist's; they are read through a lookup request (000 4.5)."""
    from .archived import archived_condition

    if "archivist" in _roles(user):
        return None
    return archived_condition()


def decided_customers(user) -> Q:
    """customers.register_visibility: the files on which the user's roles sign (a pending step: the
    approver opens what they approve) or signed an approval (grants, ratings, over-limit orders …) —
    what the regulations give the credit approval chains (002 第十九、二十六、二十七、三十条)."""
    from xindang.approvals.models import ApprovalRequest

    roles = _roles(user) & set(rules.CHAIN_ROLES)
    if not roles:
        return Q(pk__in=[])
    return Q(
        pk__in=ApprovalRequest.objects.filter(steps__role__in=sorted(roles), customer_ref__isnull=False)
        .exclude(status="withdrawn")
        .values("customer_ref")
    )


def refuses_audit_reading(user) -> bool:
    """audit.permissions.register_read_limit — 三员分立 (GB/T 39784): the system administrator manages
    users and settings but does not read the audit log (the auditor does), unless the policy lets a
    small company combine the duties (a labelled departure)."""
    roles = _roles(user)
    if "system_admin" not in roles or "auditor" in roles:
        return False
    return not custody_policy().combined_admin_duties


# --- Lists and pages -----------------------------------------------------------------------------
def visible_requests(user) -> QuerySet[LookupRequest]:
    """The requests `user` sees: their own; all for the keepers and approvers (view_all_lookups); for a
    department manager those of the department's readers (they sign level 3); the history of the files
    they see standing."""
    qs = LookupRequest.objects.select_related("reader", "customer", "approval")
    if user is None or not user.is_authenticated:
        return qs.none()
    if user.has_perm(CustodyPermission.VIEW_ALL):
        return qs
    if not user.has_perm(CustodyPermission.VIEW):
        return qs.none()
    cond = Q(reader=user) | Q(customer__in=visible_customers(user, standing_only=True))
    if "department_manager" in _roles(user) and user.department_id:
        cond |= Q(reader__department_id=user.department_id)
    return qs.filter(cond)


def request_list(user, params) -> QuerySet[LookupRequest]:
    qs = visible_requests(user)
    today = timezone.localdate()
    state = params.get("state") or ""
    if state == "mine":
        qs = qs.filter(reader=user)
    elif state == rules.OPEN:
        qs = qs.filter(status=LookupStatus.APPROVED, starts_on__lte=today, ends_on__gte=today)
    elif state == rules.EXPIRED:
        qs = qs.filter(status=LookupStatus.APPROVED, ends_on__lt=today)
    elif state in LookupStatus.values:
        qs = qs.filter(status=state)
    customer = params.get("customer")
    if customer and str(customer).isdigit():
        qs = qs.filter(customer_id=int(customer))
    return qs.order_by("-created_at", "-pk")


def phase_of(lookup: LookupRequest, today: date | None = None) -> str:
    return rules.phase(lookup.status, lookup.starts_on, lookup.ends_on, today or timezone.localdate())


PHASE_LABELS = {
    rules.PENDING: LookupStatus.PENDING.label,
    rules.REJECTED: LookupStatus.REJECTED.label,
    rules.WITHDRAWN: LookupStatus.WITHDRAWN.label,
}


def phase_label(phase: str) -> str:
    from django.utils.translation import gettext as _

    return {
        rules.OPEN: _("Open"),
        rules.NOT_YET: _("Approved, not yet open"),
        rules.EXPIRED: _("Expired"),
    }.get(phase) or str(PHASE_LABELS.get(phase, phase))


def documents_of(lookup: LookupRequest):
    from xindang.documents.models import Document

    if lookup.whole_file:
        return Document.objects.filter(customer_id=lookup.customer_id).order_by("confidentiality", "title")
    return lookup.documents.order_by("confidentiality", "title")


def choosable_customers(query: str, limit: int = 20) -> list[Customer]:
    """The customer list for lookups (客户一览表供查阅, 000 客户信息管理办法 三.2): name and file number
    only, searched by name, pinyin initials, credit code or file number."""
    from xindang.customers.selectors import search_customers

    if not (query or "").strip():
        return []
    return list(
        search_customers(Customer.objects.only("pk", "name", "file_no"), query).order_by("name")[:limit]
    )


# --- The file page's section ---------------------------------------------------------------------
@dataclass(frozen=True)
class Reader:
    name: str
    reason: str
    until: date | None = None
    url: str = ""


def who_may_read(customer: Customer) -> list[Reader]:
    """Who may read this file now and why: its owner, the manager of its department, the roles that
    keep every file, the chain roles the policy lets see every file, and the readers of open requests."""
    from django.utils.translation import gettext as _

    from xindang.accounts.roles import Role, role_label

    User = get_user_model()
    rows: list[Reader] = []
    policy = custody_policy()
    if customer.owner_id:
        rows.append(Reader(str(customer.owner), _("Owner of the file")))
    if customer.department_id:
        for u in User.objects.filter(
            is_active=True, department_id=customer.department_id, groups__name=Role.DEPARTMENT_MANAGER
        ).distinct():
            rows.append(Reader(str(u), _("Manager of the file's department")))
    for role in (*rules.KEEPERS_OF_ALL, *policy.wide_standing_roles):
        names = [str(u) for u in User.objects.filter(is_active=True, groups__name=role).distinct()[:20]]
        if names:
            if role in rules.KEEPERS_OF_ALL:
                reason = _("%(role)s: standing access to every file") % {"role": role_label(role)}
            else:
                reason = _("%(role)s: every file, by the policy's departure from 001 六 2") % {
                    "role": role_label(role)
                }
            rows.extend(Reader(n, reason) for n in names)
    for role in sorted(set(rules.RELATIONSHIP_ROLES) - set(policy.wide_standing_roles)):
        for u in User.objects.filter(is_active=True, groups__name=role).distinct()[:20]:
            rows.append(
                Reader(
                    str(u),
                    _("%(role)s: the header and the visits, complaints and surveys only")
                    % {"role": role_label(role)},
                )
            )
    from xindang.approvals.models import ApprovalRequest

    signing = set(
        ApprovalRequest.objects.filter(customer_ref=customer.pk)
        .exclude(status="withdrawn")
        .filter(steps__role__in=rules.CHAIN_ROLES)
        .values_list("steps__role", flat=True)
    ) - set(policy.wide_standing_roles)
    for role in sorted(signing):
        for u in User.objects.filter(is_active=True, groups__name=role).distinct()[:20]:
            rows.append(
                Reader(str(u), _("%(role)s: signs an approval on this file") % {"role": role_label(role)})
            )
    today = timezone.localdate()
    for lookup in (
        LookupRequest.objects.filter(
            customer=customer, status=LookupStatus.APPROVED, starts_on__lte=today, ends_on__gte=today
        )
        .select_related("reader")
        .order_by("ends_on")
    ):
        what = _("whole file") if lookup.whole_file else _("chosen documents")
        rows.append(
            Reader(
                str(lookup.reader),
                _("Approved lookup request (%(what)s)") % {"what": what},
                lookup.ends_on,
                lookup.get_absolute_url(),
            )
        )
    return rows


def customer_section(user, customer: Customer) -> dict:
    history = list(
        LookupRequest.objects.filter(customer=customer)
        .select_related("reader")
        .order_by("-created_at", "-pk")[:100]
    )
    today = timezone.localdate()
    for lookup in history:
        lookup.phase = phase_of(lookup, today)
        lookup.phase_label = phase_label(lookup.phase)
    return {
        "readers": who_may_read(customer),
        "history": history,
        "archived": is_archived(customer),
        "can_request": user.has_perm(CustodyPermission.REQUEST),
    }


def workbench_items(user) -> list[WorkItem]:
    """For the reader: open lookups with their return date (借阅时间/归还日期, 001 客户信用档案建立与管理制度
    6); the approvers' to-dos come from the approvals engine."""
    from django.utils.translation import gettext as _

    if user is None or not user.is_authenticated:
        return []
    items = []
    for lookup in open_requests(user).select_related("customer").order_by("ends_on")[:50]:
        items.append(
            WorkItem(
                kind="custody.lookup_open",
                label=_("Lookup open"),
                title=lookup.customer.name,
                url=lookup.get_absolute_url(),
                due=lookup.ends_on,
                customer_id=lookup.customer_id,
                customer_name=lookup.customer.name,
                rule="001 客户信用档案建立与管理制度 6: 借阅时间、归还日期",
            )
        )
    return items

"""Reading documents. Who reads what is decided per customer file first (customers.selectors — the
single visibility rule), then narrowed by confidentiality level as a queryset filter
(confidentiality__in=<levels cleared>): no per-document grants."""

from collections import OrderedDict
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.core.workbench import WorkItem
from xindang.customers.choices import Status
from xindang.customers.models import Customer
from xindang.customers.selectors import can_see_customer, visible_customers
from xindang.policy.selectors import current_policy

from . import rules
from .fixity import run_summary
from .grants import granted_filter
from .models import Document, DocumentCategory, DocumentVersion, FixityRun


def documents_policy(policy=None):
    return (policy or current_policy()).documents


def _roles(user) -> set[str]:
    return set(getattr(user, "role_codes", set())) if user is not None and user.is_authenticated else set()


def is_department_manager(user) -> bool:
    return Role.DEPARTMENT_MANAGER.value in _roles(user) and bool(getattr(user, "department_id", None))


def cleared_levels(user, customer: Customer, *, sees_file: bool | None = None, policy=None) -> frozenset[int]:
    """The confidentiality levels `user` may read on this customer's file (rules.cleared_levels).
    Only standing access to the file counts: a file opened by a lookup request (custody) opens the
    documents that request names, not every level-3 document of the file (grants.granted_filter)."""
    if sees_file is None:
        sees_file = can_see_customer(user, customer, standing_only=True)
    return rules.cleared_levels(
        user_roles=_roles(user),
        is_owning_dept_manager=is_department_manager(user) and user.department_id == customer.department_id,
        sees_file=sees_file,
        clearance=documents_policy(policy).clearance(),
    )


def _readable_on_file(user, customer: Customer, *, policy=None) -> Q | None:
    """The condition over one file's documents: cleared levels, or opened by a registered grant."""
    sees_file = can_see_customer(user, customer, standing_only=True)
    levels = cleared_levels(user, customer, sees_file=sees_file, policy=policy)
    cond = Q(confidentiality__in=sorted(levels)) if levels else None
    granted = granted_filter(user)
    # Whoever sees the file standing sees it with its documents' grants too (that visibility is the
    # standing one and more): asked only when the standing one says no.
    if granted is not None and (sees_file or can_see_customer(user, customer, scope="documents")):
        cond = granted if cond is None else cond | granted
    return cond


def visible_documents(user, customer: Customer, *, policy=None) -> QuerySet[Document]:
    """The documents of one file that `user` may read (list, open, download)."""
    cond = _readable_on_file(user, customer, policy=policy)
    if cond is None:
        return Document.objects.none()
    return Document.objects.filter(cond, customer=customer)


def can_read(user, document: Document, *, policy=None) -> bool:
    if document.confidentiality in cleared_levels(user, document.customer, policy=policy):
        return True
    granted = granted_filter(user)
    return (
        granted is not None
        and Document.objects.filter(granted, pk=document.pk).exists()
        and can_see_customer(user, document.customer, scope="documents")
    )


def readable_filter(user, *, policy=None) -> Q | None:
    """The level condition across all files (global list, workbench): the levels a user's roles clear
    everywhere, plus those cleared as the manager of the file's department. None = nothing."""
    clearance = documents_policy(policy).clearance()
    roles = _roles(user)
    everywhere = rules.cleared_levels(
        user_roles=roles, is_owning_dept_manager=False, sees_file=True, clearance=clearance
    )
    cond = Q(confidentiality__in=sorted(everywhere)) if everywhere else None
    if is_department_manager(user):
        as_manager = (
            rules.cleared_levels(
                user_roles=roles, is_owning_dept_manager=True, sees_file=True, clearance=clearance
            )
            - everywhere
        )
        if as_manager:
            extra = Q(confidentiality__in=sorted(as_manager), customer__department_id=user.department_id)
            cond = extra if cond is None else cond | extra
    return cond


def readable_documents(user, *, policy=None) -> QuerySet[Document]:
    """Every document `user` may read, across the files they see: by clearance on the files they see
    standing, and those a registered grant opens (lookup requests) on the files they see at all."""
    cond = readable_filter(user, policy=policy)
    granted = granted_filter(user)
    where = None
    if cond is not None:
        where = Q(cond, customer__in=visible_customers(user, standing_only=True))
    if granted is not None:
        extra = Q(granted, customer__in=visible_customers(user, scope="documents"))
        where = extra if where is None else where | extra
    if where is None:
        return Document.objects.none()
    return Document.objects.filter(where)


def get_document(pk) -> Document | None:
    try:
        return Document.objects.select_related(
            "customer", "customer__department", "category", "filed_by", "current_version"
        ).get(pk=pk)
    except (Document.DoesNotExist, ValueError, TypeError):
        return None


def get_version(pk) -> DocumentVersion | None:
    try:
        return DocumentVersion.objects.select_related(
            "document", "document__customer", "document__category", "uploaded_by"
        ).get(pk=pk)
    except (DocumentVersion.DoesNotExist, ValueError, TypeError):
        return None


def versions_of(document: Document) -> QuerySet[DocumentVersion]:
    return document.versions.select_related("uploaded_by").order_by("-number")


def active_categories() -> QuerySet[DocumentCategory]:
    return DocumentCategory.objects.filter(is_active=True)


def find_duplicate(customer: Customer, sha256: str) -> DocumentVersion | None:
    """A version with the same content already in this customer's file (any document, any version),
    not counting a version whose content a disposal destroyed."""
    return (
        DocumentVersion.objects.select_related("document")
        .filter(sha256=sha256, document__customer=customer, erased_at__isnull=True)
        .order_by("pk")
        .first()
    )


# --- Dates that start retention clocks ---------------------------------------------------------
def trade_ended_on(customer: Customer) -> date | None:
    """Trade ended = the file moved to "trade past" (交易过去, SPEC §8); suspended trade may resume."""
    if customer.status == Status.PAST and customer.status_changed_at:
        return timezone.localdate(customer.status_changed_at)
    return None


def retention_of(document: Document, *, policy=None):
    """(class or None, RetentionClock or None) of one document under the policy in force."""
    cls = documents_policy(policy).retention_class(document.retention_class)
    if cls is None:
        return None, None
    clock = rules.retention_clock(
        min_years=cls.min_years,
        event=cls.clock,
        event_dates={
            rules.UPLOAD: timezone.localdate(document.filed_at),
            rules.TRADE_ENDED: trade_ended_on(document.customer),
            rules.CONTRACT_ENDED: document.clock_started_on,
            rules.DEBT_SETTLED: document.clock_started_on,
        },
    )
    return cls, clock


# --- The file page's documents section ----------------------------------------------------------
def present_category_codes(customer: Customer) -> set[str]:
    """Categories the file holds (all levels: completeness is a fact about the file, not the reader)."""
    return set(
        Document.objects.filter(customer=customer, version_count__gt=0)
        .values_list("category__code", flat=True)
        .distinct()
    )


def completeness(customer: Customer, *, policy=None) -> dict:
    docs_policy = documents_policy(policy)
    required = docs_policy.required_for(customer.stage)
    missing_codes = rules.missing_categories(required, present_category_codes(customer))
    by_code = {c.code: c for c in DocumentCategory.objects.filter(code__in=required)}
    return {
        "required": [by_code.get(code, code) for code in required],
        "missing": [by_code.get(code, code) for code in missing_codes],
        "complete": not missing_codes,
    }


def is_file_complete(customer: Customer, *, policy=None) -> bool:
    """For the rating rules later: key data incomplete → never A (seed 002 第十八条)."""
    return completeness(customer, policy=policy)["complete"]


def _span(start: date | None, end: date | None) -> str:
    if not start and not end:
        return ""
    return f"{start.isoformat() if start else '…'} – {end.isoformat() if end else '…'}"


def customer_section(user, customer: Customer, *, policy=None) -> dict:
    """Documents of one file grouped by category, with expiry flags and completeness. Rows are plain
    dicts with their text prepared here: a file of 1,000 documents renders without model instances."""

    policy = policy or current_policy()
    docs_policy = documents_policy(policy)
    today = timezone.localdate()
    cond = _readable_on_file(user, customer, policy=policy)
    qs = Document.objects.filter(cond, customer=customer) if cond is not None else None
    rows = (
        qs.order_by("category__sort_order", "category__code", "-filed_at", "-pk").values_list(
            "pk",
            "category_id",
            "title",
            "confidentiality",
            "number",
            "issuer",
            "concerns_period",
            "concerns_on",
            "valid_from",
            "valid_until",
            "location",
            "electronic_only",
            "version_count",
            "current_version__sha256",
            "filed_at",
            "filed_by_id",
        )
        if qs is not None
        else []
    )
    categories = DocumentCategory.objects.in_bulk()
    names: dict[int, str] = {}
    url_prefix = reverse("documents:detail", args=[0])[:-2]  # …/documents/<pk>/
    groups: OrderedDict = OrderedDict()
    expired = []
    count = 0
    for (pk, cat_id, title, level, number, issuer, period, concerns_on, valid_from, valid_until, location,
         electronic_only, versions, sha256, filed_at, filed_by_id) in rows:  # fmt: skip
        count += 1
        expiry = rules.expiry_status(valid_until, today, docs_policy.expiry_reminder_days)
        row = {
            "pk": pk,
            "url": f"{url_prefix}{pk}/",
            "title": title,
            "level": level,
            "number_issuer": " · ".join(x for x in (number, issuer) if x),
            "period": " ".join(x for x in (period, concerns_on.isoformat() if concerns_on else "") if x),
            "validity": _span(valid_from, valid_until),
            "valid_until": valid_until,
            "expiry": expiry,
            "location": location,
            "electronic_only": electronic_only,
            "version_count": versions,
            "sha256": sha256 or "",
            "filed_on": timezone.localdate(filed_at).isoformat(),
            "filed_by_id": filed_by_id,
        }
        names[filed_by_id] = ""
        if expiry == rules.EXPIRED:
            expired.append(row)
        groups.setdefault(categories[cat_id], []).append(row)
    if names:
        for u in get_user_model().objects.filter(pk__in=names):
            names[u.pk] = str(u)
        for docs in groups.values():
            for row in docs:
                row["filed_by"] = names[row["filed_by_id"]]
    hidden = Document.objects.filter(customer=customer).count() - count
    return {
        "groups": list(groups.items()),
        "count": count,
        "hidden_count": max(hidden, 0),
        "expired": expired,
        "completeness": completeness(customer, policy=policy),
    }


# --- Lists and the workbench --------------------------------------------------------------------
def document_list(user, params, *, policy=None) -> QuerySet[Document]:
    """The global list: documents the user may read, filtered by category, level, expiry, customer."""
    policy = policy or current_policy()
    docs_policy = documents_policy(policy)
    qs = readable_documents(user, policy=policy).select_related(
        "customer", "category", "current_version", "filed_by"
    )
    category = params.get("category")
    if category:
        qs = qs.filter(category__code=category)
    level = params.get("level")
    if level in {"1", "2", "3"}:
        qs = qs.filter(confidentiality=int(level))
    customer = params.get("customer")
    if customer and str(customer).isdigit():
        qs = qs.filter(customer_id=int(customer))
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(customer__name__icontains=q) | Q(number__icontains=q))
    today = timezone.localdate()
    expiry = params.get("expiry")
    if expiry == rules.EXPIRED:
        qs = qs.filter(valid_until__lt=today)
    elif expiry == rules.EXPIRING:
        qs = qs.filter(
            valid_until__gte=today, valid_until__lte=today + timedelta(days=docs_policy.expiry_reminder_days)
        )
    return qs.order_by("-filed_at", "-pk")


def expiring_documents(user, *, policy=None) -> QuerySet[Document]:
    """Documents with a validity end inside the reminder window or past it, on open files."""
    policy = policy or current_policy()
    days = documents_policy(policy).expiry_reminder_days
    horizon = timezone.localdate() + timedelta(days=days)
    return (
        readable_documents(user, policy=policy)
        .filter(valid_until__isnull=False, valid_until__lte=horizon)
        .filter(customer__status__in=[Status.PROSPECTIVE, Status.ACTIVE])
        .select_related("customer", "category")
        .order_by("valid_until", "pk")
    )


def workbench_items(user) -> list[WorkItem]:
    """Expiring and expired documents for the file's owner and for credit managers."""

    if not user.is_authenticated:
        return []
    qs = expiring_documents(user)
    if Role.CREDIT_MANAGER.value not in _roles(user):
        qs = qs.filter(customer__owner=user)
    today = timezone.localdate()
    items = []
    for doc in qs[:100]:
        expired = doc.valid_until < today
        items.append(
            WorkItem(
                kind="documents.expired" if expired else "documents.expiring",
                label=_("Document expired") if expired else _("Document expires soon"),
                title=f"{doc.customer.name} · {doc.title}",
                due=doc.valid_until,
                url=doc.get_absolute_url(),
                overdue=expired,
                customer_id=doc.customer_id,
                customer_name=doc.customer.name,
            )
        )
    return items


def customer_counts(customer_ids) -> dict[int, int]:
    return dict(
        Document.objects.filter(customer_id__in=customer_ids)
        .values_list("customer_id")
        .annotate(n=Count("id"))
        .values_list("customer_id", "n")
    )


def last_fixity_run() -> FixityRun | None:
    return FixityRun.objects.select_related("started_by").order_by("-started_at", "-id").first()


def fixity_runs():
    return FixityRun.objects.select_related("started_by").order_by("-started_at", "-id")


def fixity_run_recorded(run: FixityRun) -> bool | None:
    """Whether a run's counts and findings still match what its audit event recorded (False: the run or
    its findings were rewritten since); None when no event records it (unfinished, or removed)."""

    event = (
        AuditEvent.objects.filter(
            action="document.fixity_check", object_type="documents.fixityrun", object_id=str(run.pk)
        )
        .order_by("seq")
        .first()
    )
    if event is None or not isinstance(event.data, dict):
        return None
    summary = run_summary(run)
    # events written before the digest carry only the counts; compare what they recorded
    return all(summary.get(key) == value for key, value in event.data.items())


def customer_documents(user, customer: Customer, *, category: str = "") -> QuerySet[Document]:
    """The file's documents `user` is cleared for (of one category code when given), with their
    category and current version, in the file's order."""
    qs = visible_documents(user, customer).select_related("category", "current_version")
    if category:
        qs = qs.filter(category__code=category)
    return qs.order_by("category__sort_order", "-filed_at", "-id")


def version_of(document: Document, number: int | None = None) -> DocumentVersion | None:
    """The document's version `number`, or its current version."""
    found = versions_of(document)
    return (found.filter(number=number) if number else found.filter(pk=document.current_version_id)).first()


def category_by_code(code: str) -> DocumentCategory | None:
    return DocumentCategory.objects.filter(code=code).first()

"""Reading customer files. visible_customers() is the single visibility rule.

sections  the file page's child rows (contacts, bank accounts, shareholders, managers, related
          companies) and tags, in one query
"""

import functools
from collections.abc import Callable
from datetime import timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from xindang.core import request_cache
from xindang.core.together import Part, Rows, read_together
from xindang.core.workbench import WorkItem
from xindang.policy.selectors import current_policy

from .. import rules, search_index
from ..choices import Onboarding
from ..columns import annotations, registered_columns
from ..models import Customer, NotRelated

# The access decision that audits a refused attempt, get_customer_for_user, lives in permissions.py
# (selectors only read).
from ..permissions import CustomerPermission
from .sections import customer_children as customer_children
from .sections import customer_sections as customer_sections

# Modules above customers that give a user work on a file widen what the user sees (a contract's
# handler, 承办人, opens the file of the contract). Each registers, in its AppConfig.ready(), a
# function user -> Q over Customer (a `pk__in` subquery, so that no join duplicates rows).
_VISIBILITY_GRANTS: list[Callable[[object], Q]] = []
# Grants that open a file for a while to one reader (custody's approved lookup requests, 查阅申请) and
# are no standing access: documents narrows such a reader to exactly the documents granted.
_TEMPORARY_GRANTS: list[Callable[[object], Q]] = []
# Grants that open a file's header and one part of it only, by scope: "documents" (custody: a lookup
# request for chosen documents opens those documents, not the file's contracts, ledger or credit
# sections), "relations" (relations: the office director's and service supervisor's relationship
# work on every file, 000 5.1.1, 6 b, 7). Only the callers that name the scope (the file page's header,
# the documents app, the relations app) honour them; every other section and list answers as without.
_SCOPED_GRANTS: dict[str, list[Callable[[object], Q]]] = {}
SCOPES = ("documents", "relations")
# Modules that narrow who keeps standing clearance over every file (custody: the regulations give the
# roles in the credit approval chains only what they decide on). fn(user) -> bool: True = the user's
# view-all permission is not honoured; they see what their own rules and the grants give them.
_VIEW_ALL_LIMITS: list[Callable[[object], bool]] = []


def register_visibility(
    grant: Callable[[object], Q], *, temporary: bool = False, scope: str | None = None
) -> None:
    """Add a way into files. `grant(user)` gives a Q over Customer that depends only on what
    visibility_key holds (the user's id, department, roles and permissions, the day, the policy in
    force): anything else, such as the rows that open a file, is read by a subquery in the statement,
    never evaluated in Python, because a user's visibility statement is compiled once for that key."""
    if scope is not None and scope not in SCOPES:
        raise ValueError(f"unknown scope: {scope}")
    target = (
        _SCOPED_GRANTS.setdefault(scope, [])
        if scope
        else _TEMPORARY_GRANTS
        if temporary
        else _VISIBILITY_GRANTS
    )
    if grant not in target:
        target.append(grant)
    visibility_changed()


# Files taken out of standing access (custody: files transferred to the archive room are read only
# through a lookup request, 000 4.5). fn(user) -> Q over Customer, or None for no exclusion.
_STANDING_EXCLUSIONS: list[Callable[[object], Q | None]] = []


def register_standing_exclusion(fn: Callable[[object], Q | None]) -> None:
    if fn not in _STANDING_EXCLUSIONS:
        _STANDING_EXCLUSIONS.append(fn)
    visibility_changed()


def _excluded(user) -> Q | None:
    cond = None
    for fn in _STANDING_EXCLUSIONS:
        q = fn(user)
        if q is not None:
            cond = q if cond is None else cond | q
    return cond


def register_view_all_limit(limit: Callable[[object], bool]) -> None:
    if limit not in _VIEW_ALL_LIMITS:
        _VIEW_ALL_LIMITS.append(limit)
    visibility_changed()


def _sees_all(user) -> bool:
    if user.is_superuser:
        return True
    if not user.has_perm(CustomerPermission.VIEW_ALL):
        return False
    return not any(limit(user) for limit in _VIEW_ALL_LIMITS)


def visible_customers(
    user, *, standing_only: bool = False, scope: str | tuple[str, ...] | None = None
) -> QuerySet[Customer]:
    """The files `user` may see: all (credit managers, archivists, GM, chairman…), the department's
    (department managers) or their own (salespeople), and those a registered module gives them work
    on (the files of contracts they handle). Nothing for anyone else. `standing_only`: leave out the
    temporary grants (an approved lookup request opens a file for its period only). `scope`: add the
    files whose header and that part only are open to the user ("documents": a lookup request for
    chosen documents; "relations": relationship work); never for the file's other sections.

    Within a request the statement is built once per visibility_key (the workbench asks for it from
    some twenty modules); each call gets its own copy. The rows that open a file are read by the
    statement when it runs, so a file handed over during the request is seen."""
    key = visibility_key(user)
    if key is None:
        return _visible_customers(user, standing_only=standing_only, scope=scope)
    scope_key = (scope,) if isinstance(scope, str) else tuple(scope or ())
    built = request_cache.memo(
        ("visible_customers", key, standing_only, scope_key),
        lambda: _visible_customers(user, standing_only=standing_only, scope=scope),
    )
    return built.all()


def _visible_customers(user, *, standing_only: bool, scope) -> QuerySet[Customer]:
    qs = Customer.objects.all()
    if not user or not user.is_authenticated or not user.is_active:
        return qs.none()
    excluded = _excluded(user)
    if _sees_all(user):
        if excluded is None:
            return qs
        seen = ~excluded
        for grant in _temporary_grants(standing_only, scope):
            seen |= grant(user)
        return qs.filter(seen)
    if not user.has_perm(CustomerPermission.VIEW):
        return qs.none()
    # The files of a few hundred: the ids of each way in (own files, the department's, each module's
    # grant), united, and the files by their ids. The same condition as one OR of them, but an OR of
    # subqueries makes PostgreSQL read every file (175 ms at 100,000 files, bench/README.md), where
    # each branch of the union is an index lookup (~1 ms).
    standing = [Q(owner=user)]
    if user.has_perm(CustomerPermission.VIEW_DEPARTMENT) and user.department_id:
        standing.append(Q(department_id=user.department_id))
    standing += [grant(user) for grant in _VISIBILITY_GRANTS]
    branches = [Customer.objects.filter(q) for q in standing]
    if excluded is not None:
        branches = [b.exclude(excluded) for b in branches]
    branches += [Customer.objects.filter(grant(user)) for grant in _temporary_grants(standing_only, scope)]
    ids = [b.order_by().values("pk") for b in branches]
    return qs.filter(pk__in=ids[0].union(*ids[1:], all=True) if len(ids) > 1 else ids[0])


def _temporary_grants(standing_only: bool, scope) -> list:
    if standing_only:
        return []
    grants = list(_TEMPORARY_GRANTS)
    for name in (scope,) if isinstance(scope, str) else scope or ():
        grants += _SCOPED_GRANTS.get(name, ())
    return grants


def can_see_customer(
    user, customer: Customer, *, standing_only: bool = False, scope: str | tuple[str, ...] | None = None
) -> bool:
    pk = customer.pk
    if plain_id(pk):
        return bool(seen_file(user, pk, standing_only=standing_only, scope=scope, rows=False))
    return visible_customers(user, standing_only=standing_only, scope=scope).filter(pk=pk).exists()


# --- One file through the visibility rule, in a statement compiled once per user and day ------------
# A file page asks "may this user see file 42?" at every request. Building and compiling the union of
# the user's ways into files costs several times its execution (bench/README.md), and the statement
# depends on the user only through visibility_key(): it is compiled once per key (core.together) and
# then executed with the file's id in its place.
_epoch = [0]  # bumped by every registration (visibility_changed): a plan never outlives its grants
FILE_RELATED = ("department", "owner", "created_by", "updated_by")


def visibility_changed() -> None:
    """The registered grants changed (an AppConfig.ready(), a test): plans compiled before are not used."""
    _epoch[0] += 1


def visibility_key(user) -> tuple | None:
    """Everything the statement of visible_customers(user, …) depends on besides the rows it reads: who
    the user is (id, active, superuser, department), their permissions and roles, the day, the policy
    in force (its version and custody section, which decides the approval chains' standing access) and
    the registrations. None for a user who sees nothing (anonymous, inactive), and outside a request
    (commands, the task worker), where the policy in force is not at hand without a query."""
    if not user or not user.is_authenticated or not user.is_active or not request_cache.in_request():
        return None
    policy = current_policy()
    return (
        user.pk,
        user.is_superuser,
        user.department_id,
        frozenset(user.get_all_permissions()),
        frozenset(getattr(user, "role_codes", ())),
        timezone.localdate(),
        policy.version_id,
        policy.version,
        repr(policy.sections.get("custody")),
        _epoch[0],
    )


def plain_id(pk) -> bool:
    return isinstance(pk, int) and not isinstance(pk, bool) and 0 < pk < 2**63


def seen_file(
    user,
    pk: int,
    *,
    standing_only: bool = False,
    scope: str | tuple[str, ...] | None = None,
    whole_file: bool = False,
    rows: bool = True,
) -> Customer | bool | None:
    """File `pk` if `user` may see it (visible_customers' arguments), with FILE_RELATED and, with
    `whole_file`, whether the user sees all of it (`whole_file`, as get_customer_for_user has it);
    None otherwise. rows=False: only whether the user sees it. One statement, compiled once per
    visibility_key (core.together)."""
    scope = (scope,) if isinstance(scope, str) else tuple(scope or ())

    def file(customer_id):
        qs = visible_customers(user, standing_only=standing_only, scope=scope).filter(pk=customer_id)
        if whole_file:
            qs = qs.annotate(whole_file=Exists(visible_customers(user).filter(pk=OuterRef("pk"))))
        return qs.select_related(*FILE_RELATED)

    key = visibility_key(user)
    if key is None:  # outside a request: built and compiled for this call
        return file(pk).first() if rows else file(pk).exists()

    def build(a):
        return file(a["customer"]) if rows else Rows(file(a["customer"]).values("pk"), ("pk",))

    part = Part(build, key=(key, standing_only, scope, whole_file, rows))
    found = read_together({"seen_file": part}, args={"customer": pk})["seen_file"]
    if not rows:
        return bool(found)
    return found[0] if found else None


SORTS = {
    "file_no": "file_no",
    "-file_no": "-file_no",
    # Chinese names sort by their pinyin (长城 changcheng before 华夏 huaxia), not by code point (华 U+534E
    # before 长 U+957F); the name breaks ties between homophones.
    "name": ("name_pinyin", "name"),
    "-name": ("-name_pinyin", "-name"),
    "updated": "updated_at",
    "-updated": "-updated_at",
    "capital": "registered_capital",
    "-capital": "-registered_capital",
    "status": "status",
    "-status": "-status",
    "created": "created_at",
    "-created": "-created_at",
}
DEFAULT_SORT = "-updated"


def selected_ids(params) -> list[int]:
    """The rows ticked on the list (?ids=1&ids=2) for the bulk actions; nonsense is dropped."""
    values = params.getlist("ids") if hasattr(params, "getlist") else params.get("ids") or []
    if isinstance(values, str | int):
        values = [values]
    return sorted({int(v) for v in values if str(v).isdigit()})


def _registered_sort(sort: str):
    """Sorting by a column registered by a higher module (exposure, grade…), empty rows last."""

    descending = sort.startswith("-")
    for column in registered_columns():
        if column.sort and column.sort_param == sort.lstrip("-"):
            expr = F(column.sort)
            if descending != column.sort_reversed:
                return column, expr.desc(nulls_last=True)
            return column, expr.asc(nulls_last=True)
    return None, None


def search_customers(qs: QuerySet[Customer], query: str) -> QuerySet[Customer]:
    """One box: name, pinyin or initials (hxkj → 华夏科技), credit code, file number, customer code."""
    q = rules.normalize_query(query)
    if not q:
        return qs
    code = rules.normalize_credit_code(query)
    if rules.credit_code_problem(code) is None:
        # A whole credit code can only match a file's own code: use its unique index instead of a
        # substring scan (SQLite scans search_text: 300+ ms at 100k files; see bench/README.md).
        return qs.filter(credit_code=code)
    _kind, pattern = rules.search_pattern(q)
    # SQLite: the FTS5 trigram table serves patterns of three or more characters (search_index)
    return qs.filter(search_index.contains(pattern, using=qs.db))


def filter_customers(qs: QuerySet[Customer], params: dict) -> QuerySet[Customer]:
    """Filters of the customer list; by default only open files (prospective, active) are listed —
    suspended and past files appear when the status filter asks for them (SPEC §8)."""
    ids = selected_ids(params)
    if ids:  # the rows ticked on the list (export selected): exactly those, whatever the filters
        return _sorted(qs.filter(pk__in=ids), params)
    status = params.get("status") or ""
    if status == "all":
        pass
    elif status:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=rules.OPEN_STATUSES)
    for field in ("department", "owner"):
        value = params.get(field)
        if value and str(value).isdigit():
            qs = qs.filter(**{f"{field}_id": int(value)})
    for field in ("nature", "tier", "importance", "region", "industry", "relationship"):
        value = params.get(field)
        if value:
            qs = qs.filter(**{field: value})
    tag = params.get("tag")
    if tag:
        qs = qs.filter(tags__name=tag)
    qs = search_customers(qs, params.get("q", ""))
    return _sorted(qs, params)


def _sorted(qs: QuerySet[Customer], params) -> QuerySet[Customer]:
    sort = params.get("sort") or DEFAULT_SORT
    column, expr = _registered_sort(sort)
    if column is not None:
        return qs.annotate(**annotations([column], timezone.localdate())).order_by(expr, "-id")
    order = SORTS.get(sort, SORTS[DEFAULT_SORT])
    return qs.order_by(*(order if isinstance(order, tuple) else (order,)), "-id")


def customer_list(user, params: dict, *, columns=(), related: bool = True) -> QuerySet[Customer]:
    """The list page's rows: visibility, filters, order, and the values of the registered `columns`
    (customers.columns: exposure, grade… computed by subqueries in the same query)."""
    column, _expr = _registered_sort(params.get("sort") or "")
    if column is not None and not column.is_available(user):  # no sorting by what one may not see
        params = params.copy()
        params["sort"] = DEFAULT_SORT
    qs = filter_customers(visible_customers(user), params)
    extra = annotations([c for c in columns if c.annotate is not None], timezone.localdate())
    if extra:
        qs = qs.annotate(**{k: v for k, v in extra.items() if k not in qs.query.annotations})
    # prefetch, not select_related: joining before ORDER BY … LIMIT makes SQLite join and sort every
    # open file (~0.9 s at 100k) where the bare query sorts narrow rows (~9 ms); bench/README.md.
    # related=False: the caller attaches them itself (the list page has them from its filters).
    return qs.prefetch_related("department", "owner") if related else qs


def customers_with_columns(ids: list[int], columns) -> list[Customer]:
    """The files `ids` (already chosen through customer_list, so visible) in that order, with the
    values of the registered `columns`. The list page pages the narrow sorted query first and computes
    the columns only for the page's rows: SQLite would otherwise compute every column's subquery for
    every file before sorting."""
    keys = tuple(c.key for c in columns if c.annotate is not None)
    rows = _with_columns(keys, timezone.localdate()).filter(pk__in=ids).in_bulk()
    return [rows[pk] for pk in ids if pk in rows]


@functools.lru_cache(maxsize=64)
def _with_columns(keys: tuple[str, ...], today) -> QuerySet[Customer]:
    """Every file with the annotations of the columns `keys` as of `today`, built once per process
    and day (never evaluated itself; each use filters a clone): resolving the columns' subqueries
    cost a tenth of a list page."""
    by_key = {c.key: c for c in registered_columns()}
    return Customer.objects.annotate(**annotations([by_key[k] for k in keys], today))


def customers_by_credit_code(credit_code: str) -> QuerySet[Customer]:
    return Customer.objects.filter(credit_code=credit_code)


def similar_customers(
    name: str, threshold: float, *, exclude_pk=None, limit: int = 5
) -> list[tuple[Customer, float]]:
    """Files whose names are very similar (duplicate warning). Candidates share a 2-character piece of
    the distinctive name, so this stays cheap at 100k files."""
    core = rules.name_core(name)
    shingles = rules.name_shingles(core)
    if not shingles:
        return []
    cond = Q()
    for s in shingles:
        cond |= Q(name_core__contains=s)
    qs = Customer.objects.filter(cond)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    candidates = list(qs.values_list("pk", "name")[:500])
    scored = rules.similar_names(name, candidates, threshold)[:limit]
    by_pk = Customer.objects.in_bulk([pk for pk, _ in scored])
    return [(by_pk[pk], score) for pk, score in scored if pk in by_pk]


def workbench_items(user) -> list[WorkItem]:
    """To-do items of the customer module for the workbench: expired and expiring licences of the
    files the user sees (owners and credit managers), files still without a customer code."""

    # gettext as _ only here: this module uses `_` as a throwaway name elsewhere
    from django.utils.translation import gettext as _

    if not user.is_authenticated:
        return []
    today = timezone.localdate()
    items = []
    qs = visible_customers(user).filter(status__in=rules.OPEN_STATUSES)
    if not (user.has_perm(CustomerPermission.VIEW_ALL) and not user.has_perm(CustomerPermission.ASSIGN_CODE)):
        soon = qs.filter(
            licence_valid_until__isnull=False, licence_valid_until__lte=today + timedelta(days=30)
        )
        for c in soon.order_by("licence_valid_until")[:50]:
            expired = c.licence_valid_until < today
            items.append(
                WorkItem(
                    kind="customers.licence_expired" if expired else "customers.licence_expiring",
                    label=_("Licence expired") if expired else _("Licence expires soon"),
                    title=c.name,
                    due=c.licence_valid_until,
                    url=reverse("customers:edit", args=[c.pk]) + "#id_licence_valid_until",
                    overdue=expired,
                    customer_id=c.pk,
                    customer_name=c.name,
                )
            )
    if user.has_perm(CustomerPermission.ASSIGN_CODE):
        # A prospect's code comes with its transaction card's approval (002 篇五 第三条(4)); an
        # onboarded file without one gets it from its onboarding section.
        for c in qs.filter(code__isnull=True, onboarding=Onboarding.APPROVED).order_by("created_at")[:50]:
            items.append(
                WorkItem(
                    kind="customers.no_code",
                    label=_("No customer code yet"),
                    title=c.name,
                    url=c.get_absolute_url() + "#onboarding",
                    customer_id=c.pk,
                    customer_name=c.name,
                )
            )
    return items


def customer_warnings(customer: Customer) -> list[str]:
    """Warnings for the file header: expired or soon-expiring licence, trade stopped (UI.md)."""

    # gettext as _ only here: this module uses `_` as a throwaway name elsewhere
    from django.utils.translation import gettext as _

    today = timezone.localdate()
    warnings = []
    if customer.licence_valid_until:
        if customer.licence_valid_until < today:
            warnings.append(
                _("Business licence expired on %(d)s") % {"d": customer.licence_valid_until.isoformat()}
            )
        elif customer.licence_valid_until <= today + timedelta(days=30):
            warnings.append(
                _("Business licence expires on %(d)s") % {"d": customer.licence_valid_until.isoformat()}
            )
    if customer.operating_to and customer.operating_to < today:
        warnings.append(_("Operating period ended on %(d)s") % {"d": customer.operating_to.isoformat()})
    return warnings


def not_related_findings(customer):
    """The active "not related" findings that touch this file: pairs with it, and keys it holds."""
    keys = list(customer.relation_keys.values_list("key", flat=True))
    return (
        NotRelated.objects.filter(revoked_at__isnull=True)
        .filter(
            Q(other__isnull=False, customer=customer)
            | Q(other__isnull=False, other=customer)
            | Q(other__isnull=True, key__in=keys)
        )
        .select_related("customer", "other", "created_by")
    )


def get_customer(pk) -> Customer:
    """Any file by id (for an integration's key, which serves the whole company); 404 if none."""
    found = Customer.objects.filter(pk=pk).first() if 0 < int(pk) < 2**63 else None
    if found is None:
        raise Http404
    return found


def customer_names(ids) -> dict[int, str]:
    """{id: name} of the files given."""
    return dict(Customer.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


def visible_among(user, ids) -> set[int]:
    """Of the ids given, those of files `user` sees."""
    return set(visible_customers(user).filter(pk__in=list(ids)).values_list("pk", flat=True))


def existing_hidden_customer_ids(user, ids) -> list[int]:
    """Of the ids given, those of files that exist but `user` does not see, sorted."""
    ids = set(ids)
    seen = visible_among(user, ids)
    return sorted(Customer.objects.filter(pk__in=ids - seen).values_list("pk", flat=True))

"""Who may see which customer file: visible_customers() is the single visibility rule, the ways into
files that other modules register, and the check of one file through a statement compiled once per
user (seen_file)."""

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from xindang.core import request_cache
from xindang.core.kept import Kept
from xindang.core.together import Part, Rows, read_together
from xindang.policy.selectors import current_policy

from ..models import Customer
from ..permissions import CustomerPermission

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


def sees_every_file(user) -> bool:
    """Whether the user's clearance covers every file (some may still be taken out of standing
    access): a caller that would read a user's few visible files as ids (ledger.ageing) asks first."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    key = visibility_key(user)
    if key is None:
        return _sees_all(user)
    return request_cache.memo(("sees_every_file", key), lambda: _sees_all(user))


def visible_customers(
    user, *, standing_only: bool = False, scope: str | tuple[str, ...] | None = None
) -> QuerySet[Customer]:
    """The files `user` may see: all (credit managers, archivists, GM, chairman…), the department's
    (department managers) or their own (salespeople), and those a registered module gives them work
    on (the files of contracts they handle). Nothing for anyone else. `standing_only`: leave out the
    temporary grants (an approved lookup request opens a file for its period only). `scope`: add the
    files whose header and that part only are open to the user ("documents": a lookup request for
    chosen documents; "relations": relationship work); never for the file's other sections.

    The statement is built once per process for each visibility_key (the workbench asks for it from
    some twenty modules; every list, search and report page of the user asks again), the union of a
    user's ways into files compiled to SQL at that time; each call gets its own copy. The rows that
    open a file are read by the statement when it runs, so a file handed over meanwhile is seen."""
    key = visibility_key(user)
    if key is None:
        return _visible_customers(user, standing_only=standing_only, scope=scope)
    scope_key = (scope,) if isinstance(scope, str) else tuple(scope or ())
    built = _kept.get_or_build(
        (key, standing_only, scope_key),
        lambda: _visible_customers(user, standing_only=standing_only, scope=scope, compiled=True),
    )
    return built.all()


# The visible files' statements kept per process (a few KB each; a key holds its day and the policy in
# force, so old ones fall out).
_kept = Kept(1024)


def _visible_customers(user, *, standing_only: bool, scope, compiled: bool = False) -> QuerySet[Customer]:
    """compiled: the union of a user's ways into files is compiled to SQL now, so that a statement
    kept for the user's visibility_key does not compile it again at every use."""
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
    union = ids[0].union(*ids[1:], all=True) if len(ids) > 1 else ids[0]
    if compiled:
        sql, params = union.query.get_compiler(using=union.db).as_sql()
        return qs.filter(pk__in=RawSQL(sql, params))  # noqa: S611 - the ORM's SQL, values as parameters
    return qs.filter(pk__in=union)


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

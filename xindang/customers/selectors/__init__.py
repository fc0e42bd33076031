"""Reading customer files: lists, search, filters, the workbench and the file's warnings.

visibility  who may see which file: visible_customers() is the single visibility rule (re-exported here)
sections  the file page's child rows (contacts, bank accounts, shareholders, managers, related
          companies) and tags, in one query
"""

import functools
from datetime import timedelta

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from xindang.core.workbench import WorkItem

from .. import rules, search_index
from ..choices import Onboarding
from ..columns import annotations, registered_columns
from ..models import Customer, NotRelated

# The access decision that audits a refused attempt, get_customer_for_user, lives in permissions.py
# (selectors only read).
from ..permissions import CustomerPermission
from .sections import customer_children as customer_children
from .sections import customer_sections as customer_sections
from .visibility import FILE_RELATED as FILE_RELATED
from .visibility import SCOPES as SCOPES
from .visibility import can_see_customer as can_see_customer
from .visibility import plain_id as plain_id
from .visibility import register_standing_exclusion as register_standing_exclusion
from .visibility import register_view_all_limit as register_view_all_limit
from .visibility import register_visibility as register_visibility
from .visibility import seen_file as seen_file
from .visibility import sees_every_file as sees_every_file
from .visibility import visibility_changed as visibility_changed
from .visibility import visibility_key as visibility_key
from .visibility import visible_customers as visible_customers

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

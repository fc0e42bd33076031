"""The customer list: filters, the user's columns and page size, and the bulk actions on the ticked
rows (another salesperson, a tag)."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.template.defaultfilters import date as date_format
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from xindang.accounts.models import Department, User
from xindang.accounts.roles import Role
from xindang.accounts.selectors import list_preference
from xindang.accounts.services import PAGE_SIZES, save_list_preference
from xindang.core.errors import DomainError
from xindang.core.markup import text
from xindang.core.money import format_money, format_yuan
from xindang.core.pagination import CappedPaginator

from .. import columns, list_options, selectors, services
from ..choices import Importance, Nature, Relationship, Status, Tier, industry_choices, province_choices
from ..models import Customer, Tag
from ..permissions import CustomerPermission

PAGE_SIZE = 50
LIST_KEY = "customers"  # the list's name among the user's list preferences
SEARCH_COUNT_CAP = 2000
ESTIMATE_ABOVE = 10_000  # files; below, the list counts exactly (count_mode)


# The filters' departments, tags and users change rarely and are read by every list page: kept in the
# shared cache (core.request_cache.shared) and dropped whenever one of them changes (list_options);
# the timeout bounds the staleness of anything changed another way (a bulk update elsewhere). A
# salesperson or department missing from the options still shows on its rows (_attach_related).
def _tag_names() -> list[str]:
    return list_options.shared("tags", lambda: list(Tag.objects.values_list("name", flat=True)[:200]))


def _option_users(user, *, sees_all: bool, can_reassign: bool) -> list:
    """The users the filters and the bulk action offer (no password hashes: only the fields shown)."""
    # EXISTS, not a join over every file (a join + DISTINCT cost ~300 ms at 100k files; bench/README.md)
    owns = Exists(Customer.objects.filter(owner=OuterRef("pk")))
    sells = Exists(
        User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=Role.SALESPERSON.value)
    )
    if sees_all:
        key = f"users-all-{int(can_reassign)}"
        users = User.objects.filter(owns | sells) if can_reassign else User.objects.filter(owns)
    else:
        key = f"users-department-{user.department_id}-{user.pk}"
        users = User.objects.filter(Q(department_id=user.department_id) | Q(pk=user.pk))
    users = (
        users.annotate(owns_files=owns, is_salesperson=sells)
        .select_related("department")
        .only(*USER_FIELDS)
        .order_by("username")
    )
    return list_options.shared(key, lambda: list(users))


USER_FIELDS = ("username", "display_name", "first_name", "last_name", "is_active", "department")


def _filter_options(user, *, can_reassign: bool = False) -> dict:
    """The filters' choices, the salespeople a file may be given to, and every department and the
    listed users by id (the rows take their department and salesperson from these: no query per
    relation). From the shared cache; read afresh, one query for the departments, one for the tags
    and one for the users."""

    departments = list_options.departments()
    options = {
        "statuses": Status.choices,
        "natures": Nature.choices,
        "tiers": Tier.choices,
        "importances": Importance.choices,
        "relationships": Relationship.choices,
        "industries": industry_choices(),
        "regions": province_choices(),
        "tags": _tag_names(),
        "department_map": {d.pk: d for d in departments},
        "user_map": {},
        "salespeople": [],
    }
    sees_all = user.has_perm(CustomerPermission.VIEW_ALL)
    if sees_all:
        options["departments"] = [d for d in departments if d.is_active]
    elif not user.has_perm(CustomerPermission.VIEW_DEPARTMENT):
        return options
    users = _option_users(user, sees_all=sees_all, can_reassign=can_reassign)
    options["user_map"] = {u.pk: u for u in users}
    options["owners"] = [
        u for u in users if (u.owns_files if sees_all else u.department_id == user.department_id)
    ]
    if can_reassign:
        active = [u for u in users if u.is_salesperson and u.is_active and u.department_id]
        options["salespeople"] = sorted(active, key=lambda u: (u.department.code, u.username))
    return options


def _attach_related(rows, department_map, user_map) -> None:
    """Each row's department and salesperson from the maps; any owner not in them in one query."""
    missing = {c.owner_id for c in rows if c.owner_id not in user_map}
    if missing:
        user_map = {**user_map, **User.objects.in_bulk(missing)}
    missing = {c.department_id for c in rows if c.department_id not in department_map}
    if missing:  # a department newer than the cached options
        department_map = {**department_map, **Department.objects.in_bulk(missing)}
    for c in rows:
        c.department = department_map[c.department_id]
        c.owner = user_map[c.owner_id]


FILTERS = ("department", "owner", "nature", "tier", "importance", "region", "industry", "tag", "relationship")


def count_mode(params, *, sees_all: bool = True) -> dict:
    """How the list counts its files. A search stops counting at 2,000 matches ("more than 2,000").
    Browsing without a filter, on PostgreSQL, takes the planner's estimate when it is above
    ESTIMATE_ABOVE ("about 88,000": counting 88,000 open files visits each of them, ~90 ms at 100,000
    files); a filter, another database, a smaller list or the files of one salesperson or department
    (`sees_all` false: no need to ask for an estimate) count exactly."""
    if params.get("q"):
        return {"cap": SEARCH_COUNT_CAP}
    if not sees_all or any(params.get(k) for k in FILTERS):
        return {"cap": None}
    return {"cap": None, "estimate_above": ESTIMATE_ABOVE}


def _cell(column, row, value, url: str) -> str:
    """One cell of the list, as HTML (50 rows × the chosen columns: in Python, a template's if/elif
    per cell cost more than the rest of the page; plain formatting with escaping, format_html's
    lazy-text checks per argument cost several milliseconds a page)."""
    key, kind = column.key, column.kind
    if key == "file_no":
        return f'<td class="nowrap"><a href="{text(url)}">{text(value)}</a></td>'
    if key == "name":
        code = f' <span class="muted">{text(row.code)}</span>' if row.code else ""
        return f'<td class="name"><a href="{text(url)}">{text(value)}</a>{code}</td>'
    if key == "status":
        return f'<td><span class="label {text(row.status)}">{text(value)}</span></td>'
    if key == "registered_capital":
        shown = format_money(row.registered_capital, row.registered_capital_currency) or "—"
        return f'<td class="num">{text(shown)}</td>'
    if kind == columns.GRADE:
        if not value:
            return "<td>—</td>"
        tone = "active" if value == "A" else "warn" if value == "B" else "bad"
        return f'<td><span class="label {tone}">{text(value)}</span></td>'
    if kind == columns.MONEY:
        return f'<td class="num">{"—" if value is None else text(format_yuan(value))}</td>'
    if kind == columns.PERCENT:
        if value is None:
            return '<td class="num">—</td>'
        tone = " bad" if value >= 100 else ""
        return f'<td class="num{tone}">{text(floatformat(value, 1))}%</td>'
    if kind == columns.DAYS:
        return f'<td class="num">{"—" if value is None else text(value)}</td>'
    if kind == columns.DATE:
        return f'<td class="nowrap">{text(date_format(value, "Y-m-d")) if value else "—"}</td>'
    return f"<td>{text(value or '—')}</td>"


class Params(dict):
    """The list's query parameters (the last value of each) for its template: a missing one is ""."""

    def __missing__(self, key):
        return ""


_MARKER = 987654321  # a file id in a reversed address, replaced by each row's


class Cells(list):
    """A row's (column, value) pairs; `html`, its cells as HTML; `row`, the whole table row (the
    selection box first)."""

    html = row = ""


def _cells(chosen, rows, today):
    # Each file's address from one reverse (what get_absolute_url gives, without a reverse per row).
    head, _marker, tail = reverse("customers:detail", args=[_MARKER]).rpartition(str(_MARKER))
    for row in rows:
        cells = Cells((column, column.value_of(row, today)) for column in chosen)
        pk = int(row.pk)
        url = f"{head}{pk}{tail}"
        cells.html = mark_safe("".join(_cell(column, row, value, url) for column, value in cells))
        cells.row = mark_safe(
            f'<tr data-customer="{pk}"><td><input type="checkbox" name="ids" value="{pk}" form="bulk" '
            f'aria-label="{text(row.name)}" data-testid="select-{pk}"></td>{cells.html}</tr>'
        )
        yield row, cells


def _can_reassign(user) -> bool:
    """Department managers (within their department) and those who see every file may give files
    another salesperson; a salesperson may not give their files away (services.check_assignment)."""
    return user.has_perm(CustomerPermission.CHANGE) and (
        user.has_perm(CustomerPermission.VIEW_ALL) or user.has_perm(CustomerPermission.VIEW_DEPARTMENT)
    )


def _render_list(request, params, *, status: int = 200):
    user = request.user
    preference = list_preference(user, LIST_KEY)
    chosen = columns.chosen_columns(user, preference.columns if preference else None)
    per_page = (preference.page_size if preference else None) or PAGE_SIZE
    # The page's ids from the narrow sorted query, then the chosen columns for those rows only.
    ids = selectors.customer_list(user, params, related=False).values_list("pk", flat=True)
    mode = count_mode(params, sees_all=user.has_perm(CustomerPermission.VIEW_ALL))
    page = CappedPaginator(ids, per_page, **mode).get_page(params.get("page"))
    can_reassign = _can_reassign(user)
    options = _filter_options(user, can_reassign=can_reassign)
    rows = page.object_list = selectors.customers_with_columns(list(page.object_list), chosen)
    # the user is loaded already: their own files need no query for their salesperson
    _attach_related(rows, options.pop("department_map"), {user.pk: user, **options.pop("user_map")})
    return render(
        request,
        "customers/list.html",
        {
            "page": page,
            "rows": list(_cells(chosen, rows, timezone.localdate())),
            "columns": chosen,
            "available_columns": columns.available_columns(user),
            "chosen_keys": {c.key for c in chosen},
            "always_shown": columns.ALWAYS_SHOWN,
            "per_page": per_page,
            "page_sizes": PAGE_SIZES,
            # the query's values by name, "" for those not given (a template's lookup of a missing key
            # in a QueryDict costs far more than one that finds it)
            "params": Params(params.items()),
            # where the column choice and the bulk actions come back to (also after a refusal)
            "list_path": reverse("customers:list") + (f"?{params.urlencode()}" if params else ""),
            "sort": params.get("sort") or selectors.DEFAULT_SORT,
            "can_add": user.has_perm(CustomerPermission.ADD),
            "can_export": user.has_perm(CustomerPermission.EXPORT),
            "can_import": user.has_perm(CustomerPermission.IMPORT),
            "can_tag": user.has_perm(CustomerPermission.CHANGE),
            "can_reassign": can_reassign,
            "filters_active": any(params.get(k) for k in FILTERS),
            **options,
        },
        status=status,
    )


@permission_required(CustomerPermission.VIEW, raise_exception=True)
def customer_list(request):
    return _render_list(request, request.GET)


def _back_to_list(request) -> str:
    """The list with the filters it was opened with (a local URL only)."""
    target = request.POST.get("next") or ""
    if urlsplit(target).path == reverse("customers:list") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return reverse("customers:list")


def _list_params(request) -> QueryDict:
    return QueryDict(urlsplit(_back_to_list(request)).query)


@require_POST
@permission_required(CustomerPermission.VIEW, raise_exception=True)
def list_columns(request):
    """Remember the columns and page size the user chose for the customer list."""
    available = {c.key for c in columns.available_columns(request.user)}
    keys = [k for k in request.POST.getlist("columns") if k in available]
    size = request.POST.get("page_size") or ""
    page_size = int(size) if size.isdigit() and int(size) in PAGE_SIZES else None
    if size and page_size is None:
        messages.error(request, _("Choose one of the page sizes offered."))
        return _render_list(request, _list_params(request), status=400)
    save_list_preference(user=request.user, list_key=LIST_KEY, columns=keys, page_size=page_size)
    messages.success(request, _("Your choice of columns is saved."))
    params = _list_params(request).copy()
    params.pop("page", None)
    return redirect(reverse("customers:list") + ("?" + params.urlencode() if params else ""))


def _bulk(request, action):
    """Run one bulk action on the ticked rows; a refusal changes nothing and answers 400 on the list."""
    ids = selectors.selected_ids(request.POST)
    try:
        count = action(ids)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _render_list(request, _list_params(request), status=400)
    return count


@require_POST
@permission_required(CustomerPermission.CHANGE, raise_exception=True)
def bulk_reassign(request):
    """Give the ticked files another salesperson of their department (services.reassign_owner)."""
    if not _can_reassign(request.user):
        raise PermissionDenied
    owner = request.POST.get("owner") or ""
    result = _bulk(
        request,
        lambda ids: services.reassign_owner(
            by=request.user, customer_ids=ids, owner_id=owner, request=request
        ),
    )
    if not isinstance(result, int):
        return result
    messages.success(
        request,
        ngettext("Salesperson changed on %(n)s file.", "Salesperson changed on %(n)s files.", result)
        % {"n": result},
    )
    return redirect(_back_to_list(request))


@require_POST
@permission_required(CustomerPermission.CHANGE, raise_exception=True)
def bulk_tag(request):
    """Add a tag to the ticked files (services.add_tag)."""
    tag = request.POST.get("tag") or ""
    result = _bulk(
        request, lambda ids: services.add_tag(by=request.user, customer_ids=ids, tag=tag, request=request)
    )
    if not isinstance(result, int):
        return result
    messages.success(
        request,
        ngettext("Tag added to %(n)s file.", "Tag added to %(n)s files.", result) % {"n": result},
    )
    return redirect(_back_to_list(request))

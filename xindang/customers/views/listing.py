"""The customer list: filters, the user's columns and page size, and the bulk actions on the ticked
rows (another salesperson, a tag)."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from xindang.accounts.models import Department, User
from xindang.accounts.roles import Role
from xindang.accounts.selectors import list_preference
from xindang.accounts.services import PAGE_SIZES, save_list_preference
from xindang.core.errors import DomainError
from xindang.core.pagination import CappedPaginator

from .. import columns, selectors, services
from ..choices import Importance, Nature, Relationship, Status, Tier, industry_choices, province_choices
from ..models import Customer, Tag
from ..permissions import CustomerPermission

PAGE_SIZE = 50
LIST_KEY = "customers"  # the list's name among the user's list preferences
SEARCH_COUNT_CAP = 2000


def _filter_options(user, *, can_reassign: bool = False) -> dict:
    """The filters' choices, the salespeople a file may be given to, and every department and the
    listed users by id (the rows take their department and salesperson from these: no query per
    relation). One query for the departments and one for the users, however they are used."""

    departments = list(Department.objects.all())
    options = {
        "statuses": Status.choices,
        "natures": Nature.choices,
        "tiers": Tier.choices,
        "importances": Importance.choices,
        "relationships": Relationship.choices,
        "industries": industry_choices(),
        "regions": province_choices(),
        "tags": list(Tag.objects.values_list("name", flat=True)[:200]),
        "department_map": {d.pk: d for d in departments},
        "user_map": {},
        "salespeople": [],
    }
    # EXISTS, not a join over every file (a join + DISTINCT cost ~300 ms at 100k files; bench/README.md)
    owns = Exists(Customer.objects.filter(owner=OuterRef("pk")))
    sells = Exists(
        User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=Role.SALESPERSON.value)
    )
    if user.has_perm(CustomerPermission.VIEW_ALL):
        options["departments"] = [d for d in departments if d.is_active]
        users = User.objects.filter(owns | sells) if can_reassign else User.objects.filter(owns)
    elif user.has_perm(CustomerPermission.VIEW_DEPARTMENT):
        users = User.objects.filter(Q(department_id=user.department_id) | Q(pk=user.pk))
    else:
        return options
    users = users.annotate(owns_files=owns, is_salesperson=sells).select_related("department")
    users = list(users.order_by("username"))
    options["user_map"] = {u.pk: u for u in users}
    sees_all = user.has_perm(CustomerPermission.VIEW_ALL)
    options["owners"] = [
        u for u in users if (u.owns_files if sees_all else u.department_id == user.department_id)
    ]
    if can_reassign:
        active = [u for u in users if u.is_salesperson and u.is_active and u.department_id]
        options["salespeople"] = sorted(
            active, key=lambda u: (options["department_map"][u.department_id].code, u.username)
        )
    return options


def _attach_related(rows, department_map, user_map) -> None:
    """Each row's department and salesperson from the maps; any owner not in them in one query."""
    missing = {c.owner_id for c in rows if c.owner_id not in user_map}
    if missing:
        user_map = {**user_map, **User.objects.in_bulk(missing)}
    for c in rows:
        c.department = department_map[c.department_id]
        c.owner = user_map[c.owner_id]


def _cells(columns, rows, today):
    for row in rows:
        yield row, [(column, column.value_of(row, today)) for column in columns]


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
    # Exact totals for browsing; a search stops counting at 2,000 matches ("more than 2,000").
    page = CappedPaginator(ids, per_page, cap=SEARCH_COUNT_CAP if params.get("q") else None).get_page(
        params.get("page")
    )
    can_reassign = _can_reassign(user)
    options = _filter_options(user, can_reassign=can_reassign)
    rows = page.object_list = selectors.customers_with_columns(list(page.object_list), chosen)
    _attach_related(rows, options.pop("department_map"), options.pop("user_map"))
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
            "params": params,
            # where the column choice and the bulk actions come back to (also after a refusal)
            "list_path": reverse("customers:list") + (f"?{params.urlencode()}" if params else ""),
            "sort": params.get("sort") or selectors.DEFAULT_SORT,
            "can_add": user.has_perm(CustomerPermission.ADD),
            "can_export": user.has_perm(CustomerPermission.EXPORT),
            "can_import": user.has_perm(CustomerPermission.IMPORT),
            "can_tag": user.has_perm(CustomerPermission.CHANGE),
            "can_reassign": can_reassign,
            "filters_active": any(
                params.get(k)
                for k in (
                    "department",
                    "owner",
                    "nature",
                    "tier",
                    "importance",
                    "region",
                    "industry",
                    "tag",
                    "relationship",
                )
            ),
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

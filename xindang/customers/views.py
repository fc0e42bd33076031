"""Customer-file screens: list, file page, create/edit, status change. Thin: capability check →
access helper → form → one service → message/redirect; DomainError becomes a form error."""

import re
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from xindang.accounts.models import Department, User
from xindang.accounts.roles import Role
from xindang.accounts.selectors import list_preference
from xindang.accounts.services import PAGE_SIZES, save_list_preference
from xindang.audit.services import record_event
from xindang.core.errors import DomainError, form_error
from xindang.core.pagination import CappedPaginator
from xindang.policy.selectors import current_policy

from . import columns, selectors, services
from .choices import Importance, Nature, Relationship, Status, Tier, industry_choices, province_choices
from .errors import CustomerError
from .forms import CHILD_FORMSETS, CustomerForm, StatusForm, build_formsets, formset_rows
from .models import Customer, Tag
from .permissions import CustomerPermission
from .printout import card_pdf
from .timeline import customer_timeline

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


@permission_required(CustomerPermission.VIEW, raise_exception=True)
def customer_detail(request, pk):
    customer = selectors.get_customer_for_user(request.user, pk, request=request, scope=selectors.SCOPES)
    if not selectors.can_see_customer(request.user, customer):
        # Only part of the file is open to this reader (a lookup request for chosen documents, the
        # relationship work): the header and that part, none of the other sections (their own views
        # refuse such a reader, audited).
        scopes = [s for s in selectors.SCOPES if selectors.can_see_customer(request.user, customer, scope=s)]
        record_event("customer.view", request=request, obj=customer, data={"scopes": scopes})
        return render(request, "customers/detail_header_only.html", {"customer": customer, "scopes": scopes})
    # Every look at a file is in the audit log (SPEC §7).
    record_event("customer.view", request=request, obj=customer, purpose=request.GET.get("purpose", "")[:255])
    can_status = request.user.has_perm(CustomerPermission.CHANGE_STATUS)
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "children": selectors.customer_children(customer),
            "tags": list(customer.tags.values_list("name", flat=True)),
            "timeline": customer_timeline(customer),
            "status_changes": customer.status_changes.select_related("changed_by")[:50],
            "status_form": StatusForm(current=customer.status) if can_status else None,
            "can_edit": request.user.has_perm(CustomerPermission.CHANGE),
            "warnings": selectors.customer_warnings(customer),
        },
    )


@permission_required(CustomerPermission.VIEW, raise_exception=True)
def customer_pdf(request, pk):
    """The file as one printed form (客户资料表): basic data, contacts, banks, shareholders,
    classification, grade and limit. Printing is a look at the file: audited like one."""

    customer = selectors.get_customer_for_user(request.user, pk, request=request)
    content = card_pdf(customer, user=request.user, company=current_policy().core.company_name)
    record_event("customer.view", request=request, obj=customer, data={"format": "pdf"})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="customer-file-{customer.file_no}.pdf"'
    return response


def _similar_from(exc: DomainError):
    return exc.params.get("similar", []) if exc.code == CustomerError.SIMILAR_NAME else []


def _apply_domain_error(form, exc: DomainError):
    errors = exc.params.get("errors")
    if errors:
        for field, msgs in errors.items():
            for msg in msgs:
                form.add_error(field if field in form.fields else None, msg)
    else:
        form_error(form, exc)


def _save(request, *, customer=None):
    """Shared by create and edit: validate the form and every child formset, then one service call."""
    user = request.user
    form = CustomerForm(request.POST or None, instance=customer, user=user)
    formsets = build_formsets(request.POST or None, instance=customer)
    similar, duplicate_pk, formsets_invalid = [], None, False
    if request.method == "POST":
        valid = [fs.is_valid() for _t, fs in formsets.values()]  # validate every formset, no short-circuit
        formsets_invalid = not all(valid)
        all_valid = form.is_valid() and not formsets_invalid
        if all_valid:
            children = {key: formset_rows(fs) for key, (_t, fs) in formsets.items()}
            try:
                with transaction.atomic():
                    if customer is None:
                        saved = services.create_customer(
                            by=user,
                            data=form.service_data(),
                            tags=form.cleaned_data["tags"],
                            children=children,
                            confirm_similar=form.cleaned_data["confirm_similar"],
                            prospect=True,
                            request=request,
                        )
                        messages.success(request, _("Customer file %(no)s created.") % {"no": saved.file_no})
                    else:
                        result = services.update_customer(
                            by=user,
                            customer_id=customer.pk,
                            expected_version=form.cleaned_data.get("version") or 0,
                            data=form.service_data(),
                            tags=form.cleaned_data["tags"],
                            children=children,
                            confirm_similar=form.cleaned_data["confirm_similar"],
                            request=request,
                        )
                        saved = result.customer
                        if result.changes or children:
                            messages.success(request, _("Customer file saved."))
                return redirect(saved.get_absolute_url())
            except DomainError as exc:
                similar = _similar_from(exc)
                duplicate_pk = exc.params.get("existing_pk")
                _apply_domain_error(form, exc)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "customers/form.html",
        {
            "form": form,
            "formsets": formsets,
            "customer": customer,
            "similar": similar,
            "duplicate_pk": duplicate_pk,
            "formsets_invalid": formsets_invalid,
        },
        status=status,
    )


# --- Child tables of the file form, row by row (htmx) ----------------------------------------------
def _may_edit_files(user) -> bool:
    return user.has_perm(CustomerPermission.ADD) or user.has_perm(CustomerPermission.CHANGE)


def _child_formset_class(key):
    if key not in CHILD_FORMSETS:
        raise Http404
    return CHILD_FORMSETS[key][1]


@require_GET
def child_row_add(request, key):
    """A new empty row of the child table `key` at the index the form's TOTAL_FORMS names, and that
    count raised by one (out-of-band swap). Nothing is saved: the file's Save validates everything."""
    if not _may_edit_files(request.user):
        raise PermissionDenied
    formset = _child_formset_class(key)(prefix=key)
    try:
        index = max(0, int(request.GET.get(f"{key}-TOTAL_FORMS", "0")))
    except ValueError:
        index = 0
    index = min(index, formset.max_num)
    f = formset.form(prefix=formset.add_prefix(index), empty_permitted=True, use_required_attribute=False)
    formset.add_fields(f, index)  # the id, the file's key and DELETE, as the formset renders them
    return render(request, "customers/_child_row_added.html", {"key": key, "f": f, "total": index + 1})


@require_POST
def child_row_remove(request, key):
    """Remove a row in place: a new row simply goes (an absent extra form is empty); a saved row is
    kept as hidden fields marked DELETE, with Undo, and goes when the file is saved (the service
    checks that it belongs to the file)."""
    if not _may_edit_files(request.user):
        raise PermissionDenied
    formset_class = _child_formset_class(key)
    prefix_re = re.compile(rf"^{re.escape(key)}-(\d+)-")
    indexes = {int(m.group(1)) for name in request.POST if (m := prefix_re.match(name))}
    if len(indexes) != 1:
        return HttpResponse("")
    index = indexes.pop()
    row_id = request.POST.get(f"{key}-{index}-id")
    if not row_id:
        return HttpResponse("")  # a new row: nothing to keep
    model = formset_class.model
    instance = model.objects.filter(pk=row_id).first() if str(row_id).isdigit() else None
    visible = selectors.visible_customers(request.user)
    if instance is None or not visible.filter(pk=instance.customer_id).exists():
        raise Http404
    formset = formset_class(prefix=key, instance=instance.customer)
    form = formset.form(request.POST, prefix=f"{key}-{index}", instance=instance)
    formset.add_fields(form, index)  # the row's id and the file's key, as the formset renders them
    template = "customers/_child_row.html" if request.GET.get("undo") else "customers/_child_row_removed.html"
    return render(request, template, {"key": key, "f": form})


@permission_required(CustomerPermission.ADD, raise_exception=True)
def customer_create(request):
    return _save(request)


@permission_required(CustomerPermission.CHANGE, raise_exception=True)
def customer_edit(request, pk):
    customer = selectors.get_customer_for_user(request.user, pk, request=request)
    return _save(request, customer=customer)


@require_POST
@permission_required(CustomerPermission.CHANGE_STATUS, raise_exception=True)
def customer_status(request, pk):
    customer = selectors.get_customer_for_user(request.user, pk, request=request)
    form = StatusForm(request.POST, current=customer.status)
    if form.is_valid():
        try:
            services.change_status(
                by=request.user,
                customer_id=customer.pk,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
                notified_via=form.cleaned_data["notified_via"],
                notified_on=form.cleaned_data["notified_on"],
                request=request,
            )
            messages.success(request, _("Status changed."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(customer.get_absolute_url() + "#status")


# --- Related customers: "not related" findings (the group section's buttons) ---------------------
def _int_or_none(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


@require_POST
@permission_required(CustomerPermission.MARK_NOT_RELATED, raise_exception=True)
def not_related_mark(request, pk):
    """Mark another file (other=) or one of this file's keys (key=) as not related, with a reason."""
    customer = selectors.get_customer_for_user(request.user, pk, request=request)
    other, key = _int_or_none(request.POST.get("other")), _int_or_none(request.POST.get("key"))
    try:
        services.mark_not_related(
            by=request.user,
            customer_id=customer.pk,
            other_id=other,
            key_id=None if other is not None else key,
            reason=request.POST.get("reason", "")[:500],
            request=request,
        )
        messages.success(request, _("Marked as not related: the group no longer counts this link."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(customer.get_absolute_url() + "#related")


@require_POST
@permission_required(CustomerPermission.MARK_NOT_RELATED, raise_exception=True)
def not_related_revoke(request, pk, finding_pk):
    customer = selectors.get_customer_for_user(request.user, pk, request=request)
    try:
        services.revoke_not_related(
            by=request.user,
            finding_id=finding_pk,
            reason=request.POST.get("reason", "")[:500],
            request=request,
        )
        messages.success(request, _("The finding is revoked: the link counts again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(customer.get_absolute_url() + "#related")

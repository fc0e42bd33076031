"""One customer file's pages: the file page and its printed form, create and edit (with the child
tables' rows added and removed in place), and its status change."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xindang.audit.services import record_event
from xindang.core.errors import DomainError, form_error
from xindang.policy.selectors import current_policy

from .. import permissions, selectors, services
from ..errors import CustomerError
from ..forms import CHILD_FORMSETS, CustomerForm, StatusForm, build_formsets, formset_rows
from ..permissions import CustomerPermission
from ..printout import card_pdf
from ..timeline import customer_timeline, visible_timeline


@permission_required(CustomerPermission.VIEW, raise_exception=True)
def customer_detail(request, pk):
    customer = permissions.get_customer_for_user(
        request.user, pk, request=request, scope=selectors.SCOPES, whole_file=True
    )
    if not customer.whole_file:
        # Only part of the file is open to this reader (a lookup request for chosen documents, the
        # relationship work): the header and that part, none of the other sections (their own views
        # refuse such a reader, audited).
        scopes = [s for s in selectors.SCOPES if selectors.can_see_customer(request.user, customer, scope=s)]
        record_event("customer.view", request=request, obj=customer, data={"scopes": scopes})
        return render(request, "customers/detail_header_only.html", {"customer": customer, "scopes": scopes})
    # Every look at a file is in the audit log (SPEC §7).
    record_event("customer.view", request=request, obj=customer, purpose=request.GET.get("purpose", "")[:255])
    can_status = request.user.has_perm(CustomerPermission.CHANGE_STATUS)
    children, tags = selectors.customer_sections(customer)
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "children": children,
            "tags": tags,
            "status_changes": customer.status_changes.select_related("changed_by")[:50],
            "status_form": StatusForm(current=customer.status) if can_status else None,
            "can_edit": request.user.has_perm(CustomerPermission.CHANGE),
            "warnings": selectors.customer_warnings(customer),
        },
    )


@require_GET
@permission_required(CustomerPermission.VIEW, raise_exception=True)
def customer_history(request, pk):
    """The file page's change history, loaded into it by htmx (its own request: reading a file's
    whole history is most of the page's work, and only a part of its readers scroll down to it)."""
    timeline = visible_timeline(selectors.visible_customers(request.user), pk)
    if timeline is None:  # not a file this user sees (404, the attempt audited), or no history at all
        timeline = customer_timeline(permissions.get_customer_for_user(request.user, pk, request=request))
    return render(request, "customers/_history.html", {"timeline": timeline})


@permission_required(CustomerPermission.VIEW, raise_exception=True)
def customer_pdf(request, pk):
    """The file as one printed form (客户资料表): basic data, contacts, banks, shareholders,
    classification, grade and limit. Printing is a look at the file: audited like one."""

    customer = permissions.get_customer_for_user(request.user, pk, request=request)
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
    customer = permissions.get_customer_for_user(request.user, pk, request=request)
    return _save(request, customer=customer)


@require_POST
@permission_required(CustomerPermission.CHANGE_STATUS, raise_exception=True)
def customer_status(request, pk):
    customer = permissions.get_customer_for_user(request.user, pk, request=request)
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

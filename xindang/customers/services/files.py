"""Opening and editing customer files: one file at a time (the file form, the API, the import's
single saves) or several at once (the list's bulk actions). Each changed file gets a new version,
its history and its audit event."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from xindang.accounts.models import User
from xindang.accounts.roles import Role
from xindang.audit.services import record_event, record_events, spec
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from .. import permissions, rules, selectors
from ..choices import Onboarding
from ..errors import CustomerError
from ..models import BankAccount, Contact, Customer, Manager, RelatedCompany, Shareholder, Tag
from ..permissions import CustomerPermission
from .access import require_capability, visible_or_404
from .filing import allocate_file_no, check_assignment, check_duplicates, refresh_search_fields

CHILD_MODELS = {
    "contacts": Contact,
    "bank_accounts": BankAccount,
    "shareholders": Shareholder,
    "managers": Manager,
    "related_companies": RelatedCompany,
}
# Fields a user edits on the file itself (the rest is numbering, status and book-keeping).
EDITABLE_FIELDS = [
    "department",
    "owner",
    "name",
    "credit_code",
    "address",
    "postal_code",
    "enterprise_type",
    "nature",
    "business_scope",
    "registered_capital",
    "registered_capital_currency",
    "legal_rep",
    "chairman",
    "general_manager",
    "founded_on",
    "operating_from",
    "operating_to",
    "licence_valid_until",
    "licence_authority",
    "certifications",
    "industry",
    "region",
    "city",
    "website",
    "phone",
    "fax",
    "email",
    "relationship",
    "tier",
    "importance",
    "notes",
]


@dataclass
class SaveResult:
    customer: Customer
    changes: dict = field(default_factory=dict)


def _full_clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        raise DomainError(CustomerError.INVALID, errors=exc.message_dict) from exc


def _tags(names) -> list[Tag]:
    cleaned = sorted({n.strip()[:30] for n in names or [] if n and n.strip()})
    return [Tag.objects.get_or_create(name=n)[0] for n in cleaned]


def _save_children(customer: Customer, children: dict, by) -> dict:
    """Upsert/delete child rows: each row a dict of fields plus optional "id" and "DELETE"."""
    summary = {}
    for key, rows in (children or {}).items():
        model = CHILD_MODELS[key]
        added = changed = deleted = 0
        for row in rows:
            row = dict(row)
            pk, delete = row.pop("id", None), row.pop("DELETE", False)
            if pk:
                obj = model.objects.select_for_update().filter(pk=pk, customer=customer).first()
                if obj is None:
                    continue
                obj._history_user = by
                if delete:
                    obj.delete()
                    deleted += 1
                    continue
                diff = {k: v for k, v in row.items() if getattr(obj, k) != v}
                if not diff:
                    continue
                for k, v in diff.items():
                    setattr(obj, k, v)
                changed += 1
            elif delete or not any(v not in (None, "", False) for v in row.values()):
                continue
            else:
                obj = model(customer=customer, **row)
                obj._history_user = by
                added += 1
            _full_clean(obj, exclude=["customer"])
            obj.save()
        if added or changed or deleted:
            summary[key] = {"added": added, "changed": changed, "deleted": deleted}
    return summary


@transaction.atomic
def create_customer(
    *,
    by,
    data: dict,
    tags=(),
    children: dict | None = None,
    confirm_similar: bool = False,
    prospect: bool = False,
    request=None,
) -> Customer:
    """Open a new file: validated, duplicate-checked, numbered per department and year (gap-free:
    the number is allocated in this transaction), history and audit written in the same transaction.
    prospect=True (the new-customer screen and API): the file waits for its transaction card before
    any credit sale (004 客户信息管理制度 第十条1(8)); the customer code comes with that approval
    (002 篇五 第三条(4)), never with a save."""
    require_capability(by, CustomerPermission.ADD)
    policy = current_policy()
    customer = Customer(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    if not customer.owner_id:
        customer.owner = by  # a new file belongs to whoever opens it unless said otherwise
    if not customer.department_id and by.department_id:
        customer.department = by.department
    check_assignment(
        by=by, department=customer.department if customer.department_id else None, owner=customer.owner
    )
    refresh_search_fields(customer)
    check_duplicates(
        name=customer.name,
        credit_code=customer.credit_code,
        confirm_similar=confirm_similar,
        threshold=policy.core.duplicate_name_similarity,
    )
    customer.file_no = "pending"
    _full_clean(customer, exclude=["file_no"])
    customer.file_no = allocate_file_no(customer.department, policy=policy)[0]
    if prospect:  # a new customer trades only once its transaction card is approved (onboarding app)
        customer.onboarding = Onboarding.PENDING
    refresh_search_fields(customer)
    customer.created_by = customer.updated_by = by
    customer._history_user = by
    customer.save()
    customer.tags.set(_tags(tags))
    summary = _save_children(customer, children, by)
    record_event(
        "customer.create",
        actor=by,
        request=request,
        obj=customer,
        data={
            "file_no": customer.file_no,
            "code": customer.code,
            "onboarding": customer.onboarding,
            "children": summary,
            "policy_version": policy.version,
        },
    )
    return customer


def _display(value) -> str:
    if value is None:
        return ""
    return str(value)


def update_customer(
    *,
    by,
    customer_id: int,
    expected_version: int,
    data: dict,
    tags=None,
    children: dict | None = None,
    confirm_similar: bool = False,
    request=None,
) -> SaveResult:
    """Change a file. Refused with STALE if someone saved it since `expected_version` was read —
    the second writer never silently overwrites the first. Needs CHANGE and a file the actor sees."""
    require_capability(by, CustomerPermission.CHANGE)
    visible_or_404(by, customer_id, request)
    return _update_customer(
        by=by,
        customer_id=customer_id,
        expected_version=expected_version,
        data=data,
        tags=tags,
        children=children,
        confirm_similar=confirm_similar,
        request=request,
    )


@transaction.atomic
def _update_customer(
    *, by, customer_id, expected_version, data, tags, children, confirm_similar, request
) -> SaveResult:
    policy = current_policy()
    customer = permissions.get_customer_for_user(by, customer_id, request=request, for_update=True)
    if customer.version != expected_version:
        who = customer.updated_by.get_full_name() if customer.updated_by else "?"
        at = date_format(timezone.localtime(customer.updated_at), "Y-m-d H:i:s")
        raise DomainError(
            CustomerError.STALE,
            user=who,
            at=at,
            changed_by=who,
            changed_at=at,
        )
    changes = {}
    for key, value in data.items():
        if key not in EDITABLE_FIELDS:
            continue
        old = getattr(customer, key)
        if key == "credit_code":
            value = rules.normalize_credit_code(value) or None
        elif not Customer._meta.get_field(key).is_relation:
            try:  # API and import callers may pass strings; compare like with like
                value = Customer._meta.get_field(key).to_python(value)
            except ValidationError as exc:
                raise DomainError(CustomerError.INVALID, errors={key: exc.messages}) from exc
        if old != value:
            changes[key] = [_display(old), _display(value)]
            setattr(customer, key, value)
    if "department" in changes or "owner" in changes:
        check_assignment(by=by, department=customer.department, owner=customer.owner)
    if "name" in changes or "credit_code" in changes:
        check_duplicates(
            name=customer.name,
            credit_code=customer.credit_code,
            exclude_pk=customer.pk,
            confirm_similar=confirm_similar or "name" not in changes,
            threshold=policy.core.duplicate_name_similarity,
        )
    _full_clean(customer)
    tag_objs = None
    if tags is not None:
        tag_objs = _tags(tags)
        old_tags = sorted(customer.tags.values_list("name", flat=True))
        new_tags = sorted(t.name for t in tag_objs)
        if old_tags != new_tags:
            changes["tags"] = ["、".join(old_tags), "、".join(new_tags)]
    summary = _save_children(customer, children, by)
    if not changes and not summary:
        return SaveResult(customer, {})
    refresh_search_fields(customer)
    customer.version += 1
    customer.updated_by = by
    customer._history_user = by
    customer.save()
    if tag_objs is not None and "tags" in changes:
        customer.tags.set(tag_objs)
    record_event(
        "customer.update",
        actor=by,
        request=request,
        obj=customer,
        data={"changes": changes, "children": summary, "version": customer.version},
    )
    return SaveResult(customer, changes)


# --- Bulk actions of the list -----------------------------------------------------------------------
def _selected_for_update(*, by, customer_ids, request=None) -> list[Customer]:
    """The selected files, locked, if `by` may see and change every one of them; otherwise nothing
    changes (one file out of reach refuses the whole action: no half-done bulk change)."""
    ids = sorted({int(i) for i in customer_ids or []})
    if not ids:
        raise DomainError(CustomerError.NOTHING_SELECTED)
    if not (by.is_superuser or by.has_perm(CustomerPermission.CHANGE)):
        raise DomainError(CustomerError.SELECTION_NOT_VISIBLE)
    # No joins when locking (PostgreSQL refuses FOR UPDATE across an outer join).
    customers = list(selectors.visible_customers(by).filter(pk__in=ids).select_for_update().order_by("pk"))
    if len(customers) != len(ids):
        raise DomainError(CustomerError.SELECTION_NOT_VISIBLE)
    return customers


@transaction.atomic
def reassign_owner(*, by, customer_ids, owner_id: int, request=None) -> int:
    """Give the selected files a new salesperson (业务员). The new salesperson must be an active
    salesperson of each file's department; the user may only assign as check_assignment allows
    (department managers within their department, credit managers anywhere, salespeople not to others).
    Each changed file gets a new version, its history and one audit event. Returns the files changed."""

    customers = _selected_for_update(by=by, customer_ids=customer_ids, request=request)
    owner = User.objects.filter(pk=owner_id).first() if str(owner_id).isdigit() else None
    is_salesperson = owner is not None and owner.has_role(Role.SALESPERSON)
    events = []
    for customer in customers:
        if owner is None or not rules.may_be_salesperson_of(
            is_active=owner.is_active,
            is_salesperson=is_salesperson,
            department_id=owner.department_id,
            file_department_id=customer.department_id,
        ):
            department = customer.department
            raise DomainError(
                CustomerError.OWNER_NOT_SALESPERSON,
                user=owner or owner_id,
                department=department.name,
                file_no=customer.file_no,
                field="owner",
            )
        check_assignment(by=by, department=customer.department, owner=owner)
        if customer.owner_id == owner.pk:
            continue
        old = customer.owner
        customer.owner = owner
        customer.version += 1
        customer.updated_by = by
        customer._history_user = by
        customer.save()
        events.append(
            spec(
                "customer.update",
                actor=by,
                request=request,
                obj=customer,
                data={
                    "changes": {"owner": [_display(old), _display(owner)]},
                    "version": customer.version,
                    "bulk": True,
                },
            )
        )
    record_events(events)
    return len(events)


@transaction.atomic
def add_tag(*, by, customer_ids, tag: str, request=None) -> int:
    """Add one tag to the selected files (those that have it already are left alone); each changed
    file gets a new version, its history and one audit event. Returns the files changed."""

    name = (tag or "").strip()
    if not name or len(name) > 30:
        raise DomainError(CustomerError.TAG_REQUIRED, field="tag")
    customers = _selected_for_update(by=by, customer_ids=customer_ids, request=request)
    tag_obj = _tags([name])[0]
    having = set(Customer.tags.through.objects.filter(tag=tag_obj).values_list("customer_id", flat=True))
    events = []
    for customer in customers:
        if customer.pk in having:
            continue
        old_tags = sorted(customer.tags.values_list("name", flat=True))
        customer.version += 1
        customer.updated_by = by
        customer._history_user = by
        customer.save()
        customer.tags.add(tag_obj)
        events.append(
            spec(
                "customer.update",
                actor=by,
                request=request,
                obj=customer,
                data={
                    "changes": {"tags": ["、".join(old_tags), "、".join(sorted([*old_tags, name]))]},
                    "version": customer.version,
                    "bulk": True,
                },
            )
        )
    record_events(events)
    return len(events)

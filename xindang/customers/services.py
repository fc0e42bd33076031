"""Every write to a customer file: one function per business operation, atomic and audited."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from xindang.accounts.models import User
from xindang.accounts.roles import Role
from xindang.audit.services import record_event, record_events, spec
from xindang.core import numbering
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from . import rules, selectors
from .choices import NoticeChannel, Onboarding, Status
from .errors import CustomerError
from .models import (
    BankAccount,
    Contact,
    Customer,
    Manager,
    NotRelated,
    RelatedCompany,
    RelationKey,
    Shareholder,
    StatusChange,
    Tag,
)
from .permissions import CustomerPermission

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
class SimilarName:
    customer: Customer
    score: float


@dataclass
class SaveResult:
    customer: Customer
    changes: dict = field(default_factory=dict)


def require_capability(by, permission: CustomerPermission) -> None:
    """Every write service checks the actor's capability itself, not only the view or API route that
    calls it (issue 13 item 6): a command, an import or a new caller cannot skip it."""
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_perm(str(permission)):
        raise DomainError(CustomerError.PERMISSION_DENIED, permission=str(permission))


def refresh_search_fields(customer: Customer) -> None:
    customer.credit_code = rules.normalize_credit_code(customer.credit_code) or None
    customer.name = rules.normalize_name(customer.name)
    customer.name_pinyin, customer.name_initials = rules.name_pinyin(customer.name)
    customer.name_core = rules.name_core(customer.name)
    customer.search_text = rules.search_text(
        name=customer.name,
        file_no=customer.file_no,
        credit_code=customer.credit_code,
        code=customer.code,
        pinyin=(customer.name_pinyin, customer.name_initials),
    )


def check_duplicates(
    *, name: str, credit_code: str | None, exclude_pk=None, confirm_similar: bool, threshold: float
) -> None:
    """Same credit code → refused, naming the existing file; a very similar name → must be confirmed."""
    code = rules.normalize_credit_code(credit_code)
    if code:
        existing = selectors.customers_by_credit_code(code).exclude(pk=exclude_pk).first()
        if existing:
            raise DomainError(
                CustomerError.DUPLICATE_CREDIT_CODE,
                file_no=existing.file_no,
                name=existing.name,
                field="credit_code",
                existing_pk=existing.pk,
                existing_file_no=existing.file_no,
            )
    if not confirm_similar:
        similar = selectors.similar_customers(name, threshold, exclude_pk=exclude_pk)
        if similar:
            raise DomainError(
                CustomerError.SIMILAR_NAME,
                field="name",
                similar=[SimilarName(c, s) for c, s in similar],
            )


def check_assignment(*, by, department, owner) -> None:
    """Without the see-all permission a user files customers in their own department, and a
    salesperson only for themselves (so the new file stays visible to its author). The file's
    salesperson (业务员) is an active salesperson of the file's department (rules.owner_problem)."""
    if department is None:
        raise DomainError(CustomerError.NO_DEPARTMENT, field="department")
    if not (by.is_superuser or by.has_perm(CustomerPermission.VIEW_ALL)):
        if department.pk != by.department_id:
            raise DomainError(CustomerError.NO_DEPARTMENT, field="department")
        if owner.pk != by.pk and not (
            by.has_perm(CustomerPermission.VIEW_DEPARTMENT) and owner.department_id == by.department_id
        ):
            raise DomainError(CustomerError.OWNER_NOT_ALLOWED, field="owner")
    problem = rules.owner_problem(
        is_active=owner.is_active,
        is_salesperson=owner.has_role(Role.SALESPERSON),
        owner_department_id=owner.department_id,
        department_id=department.pk,
    )
    if problem is not None:
        raise DomainError(CustomerError.OWNER_NOT_A_SALESPERSON, field="owner")


def _full_clean(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as exc:
        raise DomainError(CustomerError.INVALID, errors=exc.message_dict) from exc


def _tags(names) -> list[Tag]:
    cleaned = sorted({n.strip()[:30] for n in names or [] if n and n.strip()})
    return [Tag.objects.get_or_create(name=n)[0] for n in cleaned]


def allocate_file_no(department, *, policy=None, count: int = 1) -> list[str]:
    policy = policy or current_policy()
    year = timezone.localdate().year
    first = numbering.allocate(rules.file_sequence_key(department.code, year), count)
    return [
        rules.file_number(policy.core.file_no_format, dept=department.code, year=year, seq=s)
        for s in range(first, first + count)
    ]


def _give_code(customer: Customer, policy) -> None:
    seq = numbering.allocate("customer.code")
    customer.code = policy.core.customer_code_format.format(seq=seq)


def mark_onboarded(*, customer_id: int, by) -> Customer:
    """The transaction card is approved (004 客户信息管理制度 第十条1(8)): the file is onboarded, gets
    its customer code (002 篇五 第三条(4) 设定新客户代码) unless it has one, and a prospect becomes an
    active customer. Runs inside the approving transaction (the onboarding app's on_approved, which
    audits the approval); the row lock makes two approvals in a row give one code only."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("mark_onboarded() must run inside the approving transaction")
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    changes = {}
    if customer.onboarding != Onboarding.APPROVED:
        changes["onboarding"] = [customer.onboarding, Onboarding.APPROVED]
        customer.onboarding = Onboarding.APPROVED
    if not customer.code:
        _give_code(customer, current_policy())
        changes["code"] = ["", customer.code]
    if customer.status == Status.PROSPECTIVE:
        StatusChange.objects.create(
            customer=customer,
            from_status=customer.status,
            to_status=Status.ACTIVE,
            reason="客户交易卡已批准",
            changed_by=by,
        )
        changes["status"] = [customer.status, Status.ACTIVE]
        customer.status = Status.ACTIVE
        customer.status_changed_at = timezone.now()
    if not changes:
        return customer
    refresh_search_fields(customer)
    customer.version += 1
    customer.updated_by = by
    customer._history_user = by
    customer._change_reason = "onboarding"
    customer.save()
    return customer


def assign_code(*, by, customer_id: int, request=None) -> Customer:
    """Give an onboarded file that has none its customer code (a file onboarded before the
    transaction card existed: its approval lies behind it). A prospect's code comes only with its
    card's approval (mark_onboarded). Needs ASSIGN_CODE; one code only, under the row lock."""
    require_capability(by, CustomerPermission.ASSIGN_CODE)
    _visible_or_404(by, customer_id, request)
    return _assign_code(by=by, customer_id=customer_id, request=request)


@transaction.atomic
def _assign_code(*, by, customer_id: int, request=None) -> Customer:
    customer = selectors.get_customer_for_user(by, customer_id, request=request, for_update=True)
    if customer.onboarding != Onboarding.APPROVED:
        raise DomainError(CustomerError.NOT_ONBOARDED)
    if customer.code:
        return customer
    _give_code(customer, current_policy())
    refresh_search_fields(customer)
    customer.version += 1
    customer.updated_by = by
    customer._history_user = by
    customer.save()
    record_event(
        "customer.update",
        actor=by,
        request=request,
        obj=customer,
        data={"changes": {"code": ["", customer.code]}, "children": {}, "version": customer.version},
    )
    return customer


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


def _visible_or_404(by, customer_id, request) -> None:
    """The refusal of a file the actor may not see, audited outside the write's transaction (whose
    rollback would take the audit event with it)."""
    selectors.get_customer_for_user(by, customer_id, request=request)


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
    _visible_or_404(by, customer_id, request)
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
    customer = selectors.get_customer_for_user(by, customer_id, request=request, for_update=True)
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


def change_status(
    *,
    by,
    customer_id: int,
    to_status: str,
    reason: str,
    notified_via: str = "",
    notified_on=None,
    request=None,
) -> Customer:
    """Lifecycle transition (SPEC §8): who, when and why are kept; the table is rules.TRANSITIONS.
    Suspending or ending trade also keeps how and when the customer was told (004 客户信息管理制度
    第十一条2(4), rules.notice_required). Needs CHANGE_STATUS and a file the actor sees."""
    require_capability(by, CustomerPermission.CHANGE_STATUS)
    _visible_or_404(by, customer_id, request)
    return _change_status(
        by=by,
        customer_id=customer_id,
        to_status=to_status,
        reason=reason,
        notice=(notified_via or "", notified_on),
        request=request,
    )


@transaction.atomic
def _change_status(*, by, customer_id: int, to_status: str, reason: str, notice=("", None), request=None):
    customer = selectors.get_customer_for_user(by, customer_id, request=request, for_update=True)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(CustomerError.REASON_REQUIRED, field="reason")
    if not rules.can_transition(customer.status, to_status):
        raise DomainError(
            CustomerError.BAD_TRANSITION,
            **{
                "from": customer.get_status_display(),
                "to": dict(Customer._meta.get_field("status").choices).get(to_status, to_status),
            },
        )
    notified_via, notified_on = notice
    if rules.notice_required(customer.status, to_status):
        if notified_via not in NoticeChannel.values or notified_on is None:
            raise DomainError(
                CustomerError.NOTICE_REQUIRED,
                field="notified_via" if notified_via not in NoticeChannel.values else "notified_on",
            )
    else:
        notified_via, notified_on = "", None
    old = customer.status
    StatusChange.objects.create(
        customer=customer,
        from_status=old,
        to_status=to_status,
        reason=reason[:500],
        changed_by=by,
        notified_via=notified_via,
        notified_on=notified_on,
    )
    customer.status = to_status
    customer.status_changed_at = timezone.now()
    customer.version += 1
    customer.updated_by = by
    customer._history_user = by
    customer._change_reason = reason[:100]
    customer.save()
    record_event(
        "customer.status",
        actor=by,
        request=request,
        obj=customer,
        purpose=reason[:255],
        data={"from": old, "to": to_status}
        | ({"notified_via": notified_via, "notified_on": str(notified_on)} if notified_via else {}),
    )
    return customer


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


# --- Related customers: "not related" findings (XinDang's addition, beyond the regulation) ---------
NOT_RELATED = "customer.not_related"
NOT_RELATED_REVOKED = "customer.not_related_revoked"


def mark_not_related(
    *, by, customer_id: int, other_id: int | None = None, key_id: int | None = None, reason: str, request=None
):
    """The credit manager finds that `customer` and `other` are not related, or that one of the file's
    keys (a RelationKey of the file, e.g. the common name 王伟) links nothing: the group walk and the
    credit check's group step skip it from now on (relations.related_group). Audited; reversible."""
    require_capability(by, CustomerPermission.MARK_NOT_RELATED)
    _visible_or_404(by, customer_id, request)
    reason = (reason or "").strip()
    if other_id is None and key_id is None:
        raise DomainError(CustomerError.NOT_RELATED_NOTHING)
    if other_id is not None and int(other_id) == int(customer_id):
        raise DomainError(CustomerError.NOT_RELATED_SELF)
    if not reason:
        raise DomainError(CustomerError.NOT_RELATED_NO_REASON, field="reason")
    if other_id is not None:
        _visible_or_404(by, other_id, request)
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer_id)
        active = NotRelated.objects.filter(revoked_at__isnull=True)
        if other_id is not None:
            low, high = sorted((int(customer_id), int(other_id)))
            if active.filter(customer_id=low, other_id=high).exists():
                raise DomainError(CustomerError.NOT_RELATED_ALREADY)
            finding = NotRelated.objects.create(
                customer_id=low, other_id=high, reason=reason[:500], created_by=by
            )
            data = {"customers": [low, high]}
        else:
            key = RelationKey.objects.filter(pk=key_id, customer_id=customer_id).first()
            if key is None:
                raise DomainError(CustomerError.NOT_RELATED_UNKNOWN_KEY)
            if active.filter(other__isnull=True, kind=key.kind, key=key.key).exists():
                raise DomainError(CustomerError.NOT_RELATED_ALREADY)
            finding = NotRelated.objects.create(
                customer=customer,
                kind=key.kind,
                key=key.key,
                shown=key.shown,
                reason=reason[:500],
                created_by=by,
            )
            data = {"kind": key.kind, "key": key.key}
        record_event(
            NOT_RELATED,
            actor=by,
            request=request,
            obj=customer,
            data={**data, "finding": finding.pk, "reason": finding.reason},
        )
    return finding


def revoke_not_related(*, by, finding_id: int, reason: str, request=None):
    """Take a "not related" finding back (it stays on record, revoked): the link counts again."""
    require_capability(by, CustomerPermission.MARK_NOT_RELATED)
    finding = NotRelated.objects.filter(pk=finding_id).first()
    if finding is None:
        raise Http404
    _visible_or_404(by, finding.customer_id, request)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(CustomerError.NOT_RELATED_NO_REASON, field="reason")
    with transaction.atomic():
        finding = NotRelated.objects.select_for_update().get(pk=finding_id)
        if finding.revoked_at is not None:
            raise DomainError(CustomerError.NOT_RELATED_REVOKED)
        finding.revoked_at = timezone.now()
        finding.revoked_by = by
        finding.revoke_reason = reason[:500]
        finding.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        record_event(
            NOT_RELATED_REVOKED,
            actor=by,
            request=request,
            obj=finding.customer,
            data={"finding": finding.pk, "reason": finding.revoke_reason},
        )
    return finding

"""What every filed customer passes, whichever way it comes in (the file form, the API, the import):
its file number, its normalised search fields, no duplicate, and a department and salesperson its
author may give it."""

from dataclasses import dataclass

from django.utils import timezone

from xindang.accounts.roles import Role
from xindang.core import numbering
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from .. import rules, selectors
from ..errors import CustomerError
from ..models import Customer
from ..permissions import CustomerPermission


@dataclass
class SimilarName:
    customer: Customer
    score: float


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


def allocate_file_no(department, *, policy=None, count: int = 1) -> list[str]:
    policy = policy or current_policy()
    year = timezone.localdate().year
    first = numbering.allocate(rules.file_sequence_key(department.code, year), count)
    return [
        rules.file_number(policy.core.file_no_format, dept=department.code, year=year, seq=s)
        for s in range(first, first + count)
    ]

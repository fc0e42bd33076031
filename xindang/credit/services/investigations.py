"""Investigations (客户信用调查评定表): draft → signed by its author (002 第十条) → reviewed by the
department manager (第十条 上报部门经理审核), who answers the contradictions the system sees (第十一条)
→ filed by the finance department (第十条 财务部门备案). Every write atomic and audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from xindang.accounts.roles import Role, role_label
from xindang.audit.services import record_event
from xindang.core import dates
from xindang.core.errors import DomainError
from xindang.customers.models import Customer
from xindang.policy.selectors import current_policy

from .. import rules, selectors
from ..errors import CreditError
from ..models import (
    Investigation,
    InvestigationStatus,
    InvestigationYear,
)

INVESTIGATION_FIELDS = rules.INVESTIGATION_FIELDS
YEAR_FIELDS = [
    "revenue_amount",
    "profit_amount",
    "total_assets_amount",
    "liabilities_amount",
    "equity_amount",
    "cash_flow_amount",
]


def _audit_data(inv: Investigation) -> dict:
    return {"customer": inv.customer_id, "investigated_on": inv.investigated_on, "status": inv.status}


def _set_years(inv: Investigation, years) -> None:
    if years is None:
        return
    inv.years.all().delete()
    rows = []
    seen = set()
    for y in years:
        year = y.get("year")
        if not year:
            continue
        if year in seen:
            raise DomainError(CreditError.DUPLICATE_YEAR, year=year)
        seen.add(year)
        rows.append(InvestigationYear(investigation=inv, year=year, **{f: y.get(f) for f in YEAR_FIELDS}))
    InvestigationYear.objects.bulk_create(rows)


def _apply(inv: Investigation, data: dict) -> None:
    for name in INVESTIGATION_FIELDS:
        if name in data:
            setattr(inv, name, data[name])
    unknown = set(inv.sources or []) - set(rules.SOURCES)
    if unknown:
        raise DomainError(CreditError.UNKNOWN_SOURCE, field="sources")
    if inv.investigated_on and inv.investigated_on > timezone.localdate():
        raise DomainError(
            CreditError.FUTURE_DATE,
            field="investigated_on",
        )


@transaction.atomic
def create_investigation(*, customer_id: int, by, data: dict, years=(), request=None) -> Investigation:
    customer = Customer.objects.select_for_update().get(pk=customer_id)
    inv = Investigation(customer=customer, created_by=by, investigated_on=timezone.localdate())
    if not data.get("founded_on"):
        data = {**data, "founded_on": customer.founded_on}
    _apply(inv, data)
    inv.save()
    _set_years(inv, list(years))
    record_event("credit.investigation.create", actor=by, request=request, obj=inv, data=_audit_data(inv))
    return inv


def _lock_investigation(investigation_id: int) -> Investigation:
    try:
        return Investigation.objects.select_for_update().get(pk=investigation_id)
    except Investigation.DoesNotExist:
        raise DomainError(CreditError.INVESTIGATION_NOT_FOUND) from None


@transaction.atomic
def update_investigation(
    *, investigation_id: int, by, data: dict, years=None, expected_version: int | None = None, request=None
) -> Investigation:
    """Only a draft changes; a signed form is replaced by a new investigation, never edited."""
    inv = _lock_investigation(investigation_id)
    if inv.status != InvestigationStatus.DRAFT:
        raise DomainError(CreditError.NOT_DRAFT)
    if expected_version is not None and expected_version != inv.version:
        raise DomainError(
            CreditError.INVESTIGATION_STALE,
        )
    _apply(inv, data)
    inv.version += 1
    inv.save()
    _set_years(inv, list(years) if years is not None else None)
    record_event("credit.investigation.update", actor=by, request=request, obj=inv, data=_audit_data(inv))
    return inv


@transaction.atomic
def sign_investigation(*, investigation_id: int, by, request=None) -> Investigation:
    """002 第十条: the author signs that the form is true; validity runs from the investigation date."""
    inv = _lock_investigation(investigation_id)
    if inv.status != InvestigationStatus.DRAFT:
        raise DomainError(CreditError.ALREADY_SIGNED)
    if inv.created_by_id != by.pk:
        raise DomainError(CreditError.NOT_AUTHOR)
    section = current_policy().credit
    years = [y for y in inv.years.all() if y.revenue_amount is not None or y.profit_amount is not None]
    if len(years) < section.min_financial_years:
        raise DomainError(
            CreditError.TOO_FEW_YEARS,
            n=section.min_financial_years,
        )
    if not inv.sources:
        raise DomainError(CreditError.NO_SOURCES, field="sources")
    if not inv.conclusion.strip():
        raise DomainError(CreditError.NO_CONCLUSION, field="conclusion")
    inv.status = InvestigationStatus.SIGNED
    inv.signed_by = by
    inv.signed_at = timezone.now()
    inv.valid_until = dates.add_months(inv.investigated_on, section.investigation_valid_months)
    inv.version += 1
    inv.save()
    record_event("credit.investigation.sign", actor=by, request=request, obj=inv, data=_audit_data(inv))
    return inv


def reviewer_problem(inv: Investigation, user, section) -> CreditError | None:
    """002 第十条: the department manager reviews. A role of the policy's investigation_reviewer_roles
    qualifies; a department manager only for a file of their own department."""
    roles = set(user.groups.values_list("name", flat=True)) & set(section.investigation_reviewer_roles)
    if not roles:
        return CreditError.REVIEWER_NOT_MANAGER
    if roles == {Role.DEPARTMENT_MANAGER.value} and user.department_id != inv.customer.department_id:
        return CreditError.REVIEWER_OTHER_DEPARTMENT
    return None


def _check_reviewer(inv: Investigation, user, section) -> None:
    problem = reviewer_problem(inv, user, section)
    if problem == CreditError.REVIEWER_NOT_MANAGER:
        raise DomainError(
            problem, roles=", ".join(str(role_label(r)) for r in section.investigation_reviewer_roles)
        )
    if problem is not None:
        raise DomainError(problem)


@transaction.atomic
def review_investigation(*, investigation_id: int, by, notes: str = "", request=None) -> Investigation:
    """002 第十一条: another person reviews, sees the contradictions the system found and records notes;
    when there are contradictions the notes must say how they were resolved."""
    inv = _lock_investigation(investigation_id)
    if inv.status != InvestigationStatus.SIGNED:
        raise DomainError(CreditError.NOT_SIGNED)
    if by.pk in (inv.created_by_id, inv.signed_by_id):
        raise DomainError(CreditError.SELF_REVIEW)
    _check_reviewer(inv, by, current_policy().credit)
    found = selectors.investigation_contradictions(inv)
    notes = (notes or "").strip()
    if found and not notes:
        raise DomainError(
            CreditError.NOTES_REQUIRED,
            field="notes",
        )
    inv.status = InvestigationStatus.REVIEWED
    inv.reviewed_by = by
    inv.reviewed_at = timezone.now()
    inv.review_notes = notes
    inv.contradictions = [r.as_dict() for r in found]
    inv.version += 1
    inv.save()
    record_event(
        "credit.investigation.review",
        actor=by,
        request=request,
        obj=inv,
        data={**_audit_data(inv), "contradictions": [r.code for r in found]},
    )
    return inv


@transaction.atomic
def file_investigation(*, investigation_id: int, by, request=None) -> Investigation:
    """002 第十条 财务部门备案: the finance department records that it has filed the reviewed form.
    Caller checks the capability (CreditPermission.FILE); the filer must hold a finance role."""
    inv = _lock_investigation(investigation_id)
    if inv.status != InvestigationStatus.REVIEWED:
        raise DomainError(CreditError.NOT_REVIEWED)
    if inv.filed_at is not None:
        raise DomainError(CreditError.ALREADY_FILED)
    roles = set(by.groups.values_list("name", flat=True))
    if not roles & {Role.FINANCE_CREDIT_CONTROLLER.value, Role.CFO.value}:
        raise DomainError(CreditError.NOT_FINANCE)
    inv.filed_by = by
    inv.filed_at = timezone.now()
    inv.version += 1
    inv.save(update_fields=["filed_by", "filed_at", "version", "updated_at"])
    record_event("credit.investigation.file", actor=by, request=request, obj=inv, data=_audit_data(inv))
    return inv

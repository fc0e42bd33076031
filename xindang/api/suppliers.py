"""API router: suppliers (002 篇五) — the supplier files with their selection's state, code and latest
evaluation grade, and one supplier's selection with its evaluations. Read only; the selection steps
are recorded on the screens and the approval goes through /api/approvals. The screens' capability
(suppliers.view_supplierselection) and visibility: a supplier is visible iff its customer file is;
another department's file is a 404 and an audited refusal, as on the screens."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xindang.customers.choices import Relationship
from xindang.customers.permissions import get_customer_for_user
from xindang.suppliers import rules, selectors, services
from xindang.suppliers.permissions import SupplierPermission

from .pagination import Pages
from .permissions import require

# no selection yet, or its status (suppliers.models.SelectionStatus)
SelectionState = Literal["not_started", "surveying", "pending", "returned", "approved", "rejected"]

router = Router()


class SupplierOut(Schema):
    customer_id: int
    name: str
    file_no: str
    relationship: Relationship
    status: SelectionState
    code: str | None
    grade: str | None  # the latest yearly evaluation's grade
    grade_year: int | None

    # rows of suppliers.selectors.supplier_files (annotated customers)
    @staticmethod
    def resolve_customer_id(obj) -> int:
        return obj["customer_id"] if isinstance(obj, dict) else obj.pk

    @staticmethod
    def resolve_file_no(obj) -> str:
        return obj["file_no"] if isinstance(obj, dict) else obj.file_no or ""

    @staticmethod
    def resolve_status(obj) -> str:
        return obj["status"] if isinstance(obj, dict) else obj.selection_status or selectors.NOT_STARTED

    @staticmethod
    def resolve_code(obj) -> str | None:
        return obj["code"] if isinstance(obj, dict) else obj.supplier_code


class EvaluationOut(Schema):
    year: int
    quality: int
    delivery: int
    price: int
    service: int
    score: Decimal
    grade: str
    scale_max: int
    weights: dict[str, int]
    notes: str
    evaluated_by: str
    evaluated_at: datetime


class PrincipleOut(Schema):
    name: str
    label: str
    met: bool


class SupplierDetailOut(SupplierOut):
    general_survey_on: date | None = None
    general_survey_notes: str = ""
    site_survey_on: date | None = None
    site_survey_team: str = ""
    site_survey_findings: str = ""
    principles: list[PrincipleOut] = []
    trade_reasons: str = ""
    goods: str = ""
    annual_amount: Decimal | None = None
    payment_method: str = ""
    supply_contract_id: int | None = None
    quality_contract_id: int | None = None
    missing_contracts: list[str] = []  # supply, quality_assurance (002 篇五 第三条(2)(3))
    steps_done: dict[str, bool] = {}
    approval_id: int | None = None
    submitted_at: datetime | None = None
    approved_at: datetime | None = None
    evaluations: list[EvaluationOut] = []


class SupplierFilters(Schema):
    status: SelectionState | None = Field(None, description="not_started or a selection status")
    grade: str | None = Field(None, max_length=8, description="a grade, or - for none yet")
    q: str | None = Field(None, max_length=200, description="part of the name")


def _row(customer) -> dict:
    return {
        "customer_id": customer.pk,
        "name": customer.name,
        "file_no": customer.file_no or "",
        "relationship": customer.relationship,
        "status": customer.selection_status or selectors.NOT_STARTED,
        "code": customer.supplier_code,
        "grade": customer.grade,
        "grade_year": customer.grade_year,
    }


@router.get("", response=list[SupplierOut], summary="Supplier files with selection state and grade")
@paginate(Pages)
def list_suppliers(request, filters: Query[SupplierFilters]):
    require(request, SupplierPermission.VIEW)
    qs = selectors.filter_suppliers(selectors.supplier_files(request.user), filters.dict(exclude_none=True))
    return qs


@router.get(
    "/{int:customer_id}", response=SupplierDetailOut, summary="One supplier's selection and evaluations"
)
def get_supplier(request, customer_id: int):
    require(request, SupplierPermission.VIEW)
    customer = get_customer_for_user(request.user, customer_id, request=request)  # 404, audited
    if not rules.is_supplier(customer.relationship):
        raise Http404
    row = selectors.supplier_files(request.user).get(pk=customer.pk)
    out = _row(row)
    selection = selectors.selection_of(customer)
    out["evaluations"] = [
        {
            "year": e.year,
            "quality": e.quality,
            "delivery": e.delivery,
            "price": e.price,
            "service": e.service,
            "score": e.score,
            "grade": e.grade,
            "scale_max": e.scale_max,
            "weights": e.weights,
            "notes": e.notes,
            "evaluated_by": e.evaluated_by.get_username(),
            "evaluated_at": e.evaluated_at,
        }
        for e in selectors.evaluations_of(customer)
    ]
    if selection is None:
        return out
    for name in (
        "general_survey_on",
        "general_survey_notes",
        "site_survey_on",
        "site_survey_team",
        "site_survey_findings",
        "trade_reasons",
        "goods",
        "annual_amount",
        "payment_method",
        "supply_contract_id",
        "quality_contract_id",
        "approval_id",
        "submitted_at",
        "approved_at",
    ):
        out[name] = getattr(selection, name)
    out["principles"] = [
        {"name": name, "label": label, "met": met}
        for name, (label, met) in zip(services.PRINCIPLES, services.principles(selection), strict=True)
    ]
    out["missing_contracts"] = services.missing_contracts(selection)
    out["steps_done"] = services.done_steps(selection)
    return out

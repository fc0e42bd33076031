"""API router (reads only): a customer's related-party group (关联客户; beyond the regulation) with
each member's exposure and limit in force, and a customer's balance statements (对帐单, 002 第三十五条).
Session authentication; the file must be visible to the reader (404 otherwise); members of the group
the reader may not see are listed without name or linking value."""

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Path, Router, Schema

from xindang.credit.control.permissions import ControlPermission
from xindang.credit.control.services.group import group_figures
from xindang.customers.permissions import get_customer_for_user
from xindang.customers.selectors import customer_names, visible_among
from xindang.ledger.collection import statements
from xindang.ledger.collection.models import StatementStatus
from xindang.ledger.collection.permissions import CollectionPermission

from .permissions import require

router = Router()
MAX_ID = 2**63 - 1


class LinkOut(Schema):
    kind: str = Field(description="person, phone, address or account")
    role: str = Field(description="legal_rep, chairman, general_manager, shareholder, manager, …")
    value: str = Field(description="the shared value as entered (empty when the member is not visible)")
    via_customer_id: int | None


class MemberOut(Schema):
    customer_id: int | None = Field(description="empty when the reader may not see the file")
    name: str
    visible: bool
    exposure: Decimal
    limit: Decimal | None
    links: list[LinkOut]


class GroupOut(Schema):
    customer_id: int
    members: list[MemberOut]
    truncated: bool
    total_exposure: Decimal
    total_limit: Decimal


class StatementOut(Schema):
    id: int
    customer_id: int
    as_of: date
    balance: Decimal
    status: StatementStatus
    sent_on: date
    stated_balance: Decimal | None
    difference: Decimal | None
    customer_note: str
    resolution: str
    resolved_at: datetime | None
    problem_report_id: int | None
    items: list[dict]


@router.get("/customer-groups/{customer_id}", response=GroupOut, summary="A customer's related-party group")
def customer_group(request, customer_id: int = Path(..., ge=1, le=MAX_ID)):
    require(request, ControlPermission.VIEW_CHECKS)
    customer = get_customer_for_user(request.user, customer_id, request=request)
    figures = group_figures(customer, on=timezone.localdate())
    ids = figures.member_ids
    seen = visible_among(request.user, ids)
    names = customer_names(seen)
    members = []
    for cid in ids:
        visible = cid in seen
        members.append(
            {
                "customer_id": cid if visible else None,
                "name": names.get(cid, ""),
                "visible": visible,
                "exposure": figures.exposures.get(cid) or Decimal("0"),
                "limit": figures.limits.get(cid),
                "links": [
                    {
                        "kind": link.kind,
                        "role": link.role,
                        "value": link.shown if visible else "",
                        "via_customer_id": link.via if link.via in seen else None,
                    }
                    for link in figures.group.members[cid]
                ],
            }
        )
    return {
        "customer_id": customer.pk,
        "members": members,
        "truncated": figures.truncated,
        "total_exposure": figures.total_exposure,
        "total_limit": figures.total_limit,
    }


@router.get(
    "/balance-statements/{customer_id}",
    response=list[StatementOut],
    summary="A customer's balance statements",
)
def customer_statements(request, customer_id: int = Path(..., ge=1, le=MAX_ID)):
    require(request, CollectionPermission.VIEW_STATEMENT)
    customer = get_customer_for_user(request.user, customer_id, request=request)
    return [
        {
            "id": s.pk,
            "customer_id": s.customer_id,
            "as_of": s.as_of,
            "balance": s.balance,
            "status": s.status,
            "sent_on": s.sent_on,
            "stated_balance": s.stated_balance,
            "difference": s.difference,
            "customer_note": s.customer_note,
            "resolution": s.resolution,
            "resolved_at": s.resolved_at,
            "problem_report_id": s.problem_report_id,
            "items": s.items,
        }
        for s in statements.customer_statements(request.user, customer)[:200]
    ]

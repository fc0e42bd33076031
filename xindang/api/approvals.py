"""API router: approvals. Other routers answer with an approval id; clients poll GET
/api/approvals/{id} for its status. Visibility as on the screens (404 for a request the user may
not see)."""

from datetime import datetime
from decimal import Decimal

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from xindang.approvals import selectors
from xindang.approvals.models import ApprovalRequest, ApprovalStatus, StepStatus
from xindang.approvals.permissions import ApprovalPermission, get_approval_for_user

from .pagination import Mapped, page_answer
from .permissions import require

router = Router()


class StepOut(Schema):
    round: int
    position: int
    role: str
    status: StepStatus
    acted_by: str | None
    acted_at: datetime | None
    comment: str
    assignee: str | None = None  # the person named to sign this step in place of the role (a handover)


class ApprovalOut(Schema):
    id: int
    kind: str
    status: ApprovalStatus
    title: str
    object_type: str
    object_id: str
    object_repr: str
    customer_id: int | None
    customer_name: str
    amount: Decimal | None
    requested_by: str
    requested_at: datetime
    decided_at: datetime | None
    round: int
    current_position: int | None
    current_role: str | None
    warnings: list[str]
    steps: list[StepOut]


class ListParams(Schema):
    status: ApprovalStatus | None = None
    kind: str | None = None
    mine: bool = False
    waiting: bool = False
    object_type: str | None = None
    object_id: str | None = None


def _out(a: ApprovalRequest) -> dict:
    step = a.current_step()
    return {
        "id": a.pk,
        "kind": a.kind,
        "status": a.status,
        "title": a.title,
        "object_type": a.object_type,
        "object_id": a.object_id,
        "object_repr": a.object_repr,
        "customer_id": a.customer_ref,
        "customer_name": a.customer_name,
        "amount": a.amount,
        "requested_by": a.requested_by.username,
        "requested_at": a.requested_at,
        "decided_at": a.decided_at,
        "round": a.round,
        "current_position": a.current_position if step else None,
        "current_role": step.role if step else None,
        "warnings": list(a.warnings or []),
        "steps": [
            {
                "round": s.round,
                "position": s.position,
                "role": s.role,
                "status": s.status,
                "acted_by": s.acted_by.username if s.acted_by_id else None,
                "acted_at": s.acted_at,
                "comment": s.comment,
                "assignee": s.assignee.username if s.assignee_id else None,
            }
            for s in sorted(a.steps.all(), key=lambda s: (s.round, s.position))
        ],
    }


@router.get("", response=list[ApprovalOut])
@paginate(page_answer(default=50, maximum=50, clamp=True, sized=False))
def list_approvals(request, params: Query[ListParams]):
    """Approvals the user may see. mine=1: requested by me; waiting=1: waiting for my signature."""
    require(request, ApprovalPermission.VIEW)
    qs = selectors.api_approvals(
        request.user,
        waiting=params.waiting,
        mine=params.mine,
        status=params.status,
        kind=params.kind,
        object_type=params.object_type,
        object_id=params.object_id,
    )
    return Mapped(qs, _out)


@router.get("/{int:approval_id}", response=ApprovalOut)
def get_approval(request, approval_id: int):
    require(request, ApprovalPermission.VIEW)
    return _out(get_approval_for_user(request.user, approval_id, request=request))

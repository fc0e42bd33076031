"""API router: staff handovers (交接, seed 001 公司客户信息管理办法 五) — read only. Who sees a handover is
the screens' rule (handovers.selectors.visible_handovers): the personnel side and the managers with the
capability see them all; a leaver, successor or manager sees the handovers they are party to; any other
id is a 404, as on the screens."""

from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from xindang.handovers import selectors
from xindang.handovers.models import Category, Line, Outcome, Reason

from .pagination import Pages

router = Router()


class HandoverItemOut(Schema):
    category: Category
    object_id: int
    object_repr: str
    customer_id: int | None
    successor: str | None
    outcome: Outcome
    note: str


class SignatureOut(Schema):
    line: Line
    user: str | None
    signed_at: datetime | None


class HandoverOut(Schema):
    id: int
    number: str
    leaver: str
    reason: Reason
    successor: str
    manager: str
    created_by: str
    created_at: datetime
    deactivated: bool

    @staticmethod
    def resolve_leaver(obj) -> str:
        return obj["leaver"] if isinstance(obj, dict) else obj.leaver.get_username()

    @staticmethod
    def resolve_successor(obj) -> str:
        return obj["successor"] if isinstance(obj, dict) else obj.successor.get_username()

    @staticmethod
    def resolve_manager(obj) -> str:
        return obj["manager"] if isinstance(obj, dict) else obj.manager.get_username()

    @staticmethod
    def resolve_created_by(obj) -> str:
        return obj["created_by"] if isinstance(obj, dict) else obj.created_by.get_username()


class HandoverDetailOut(HandoverOut):
    note: str
    items: list[HandoverItemOut]
    signatures: list[SignatureOut]
    signed: bool


def _row(h) -> dict:
    return {
        "id": h.pk,
        "number": h.number,
        "leaver": h.leaver.get_username(),
        "reason": h.reason,
        "successor": h.successor.get_username(),
        "manager": h.manager.get_username(),
        "created_by": h.created_by.get_username(),
        "created_at": h.created_at,
        "deactivated": h.deactivated,
    }


@router.get("", response=list[HandoverOut], summary="Handovers the caller may see")
@paginate(Pages)
def list_handovers(request):
    return selectors.handover_list(request.user)


@router.get(
    "/{int:handover_id}", response=HandoverDetailOut, summary="One handover with its list and sign-off"
)
def get_handover(request, handover_id: int):
    handover = selectors.get_visible_handover(request.user, handover_id)
    lines = selectors.sign_off_lines(handover)
    return _row(handover) | {
        "note": handover.note,
        "items": [
            {
                "category": i.category,
                "object_id": i.object_id,
                "object_repr": i.object_repr,
                "customer_id": i.customer_id,
                "successor": i.successor.get_username() if i.successor_id else None,
                "outcome": i.outcome,
                "note": i.note,
            }
            for i in selectors.handover_items(handover)
        ],
        "signatures": [
            {
                "line": row["line"],
                "user": row["user"].get_username() if row["user"] else None,
                "signed_at": row["signature"].signed_at if row["signature"] else None,
            }
            for row in lines
        ],
        "signed": all(row["signature"] for row in lines),
    }

"""API router: the persons' personal-data requests (read only). Visibility as on the screens: the
requests on the files the user sees; another file's request is a 404. Requests name the person by
kind and record number, never by their data."""

from datetime import date, datetime
from functools import partial

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xindang.policy.selectors import current_policy
from xindang.privacy import selectors
from xindang.privacy.models import DataSubjectRequest, PersonKind, RequestKind, RequestState
from xindang.privacy.permissions import PrivacyPermission, get_request_for_user
from xindang.privacy.rules import request_due_on

from .pagination import Mapped, page_answer
from .permissions import require

router = Router()


class RequestOut(Schema):
    id: int
    customer_id: int
    customer_file_no: str
    person_kind: PersonKind
    person_id: int
    kind: RequestKind
    state: RequestState
    received_on: date
    due_on: date
    changed_fields: list[str]
    refusal: str
    created_by: str
    created_at: datetime
    handled_by: str | None
    handled_at: datetime | None


class ListParams(Schema):
    state: RequestState | None = None
    customer_id: int | None = Field(None, ge=1, le=2**63 - 1)


def _out(r: DataSubjectRequest, due_days: int) -> dict:
    return {
        "id": r.pk,
        "customer_id": r.customer_id,
        "customer_file_no": r.customer.file_no,
        "person_kind": r.person_kind,
        "person_id": r.person_id,
        "kind": r.kind,
        "state": r.state,
        "received_on": r.received_on,
        "due_on": request_due_on(r.received_on, due_days),
        "changed_fields": list(r.changed_fields or []),
        "refusal": r.refusal,
        "created_by": r.created_by.username,
        "created_at": r.created_at,
        "handled_by": r.handled_by.username if r.handled_by_id else None,
        "handled_at": r.handled_at,
    }


def _due_days() -> int:
    return current_policy().privacy.request_due_days


@router.get("/requests", response=list[RequestOut])
@paginate(page_answer(default=50, maximum=50, clamp=True, sized=False))
def list_requests(request, params: Query[ListParams]):
    """Requests to see, correct or erase personal data on the files the user sees, newest first."""
    require(request, PrivacyPermission.VIEW_REQUESTS)
    qs = selectors.request_list(request.user, {"state": params.state, "customer_id": params.customer_id})
    return Mapped(qs, partial(_out, due_days=_due_days()))


@router.get("/requests/{request_id}", response=RequestOut)
def get_request(request, request_id: int):
    require(request, PrivacyPermission.VIEW_REQUESTS)
    found = get_request_for_user(request.user, request_id, request=request)  # 404 if not seen
    return _out(found, _due_days())

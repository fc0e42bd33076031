"""The REST API (Django Ninja); OpenAPI at /api/docs. Routers are thin: permission check (one place:
api.permissions.require) → selectors/services → schema. Errors carry stable codes."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI

from xindang.core.errors import DomainError

from . import approvals as approvals_api
from . import collection as collection_api
from . import contracts as contracts_api
from . import credit as credit_api
from . import credit_files as credit_files_api
from . import custody as custody_api
from . import documents as documents_api
from . import groups as groups_api
from . import handovers as handovers_api
from . import ledger as ledger_api
from . import lifecycle as lifecycle_api
from . import onboarding as onboarding_api
from . import privacy as privacy_api
from . import relations as relations_api
from . import reports as reports_api
from . import retention as retention_api
from . import suppliers as suppliers_api
from .answers import AnswerRenderer
from .auth import session_auth
from .customers import router as customers_router
from .docs import VendoredSwagger, login_required_for_docs


class XinDangAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        """The router's module and the view, e.g. `ledger_post_entries` (unique: one module per router),
        so a generated client's functions read `api.ledger.ledger_post_entries`."""
        return operation.view_func.__module__.rsplit(".", 1)[-1] + "_" + operation.view_func.__name__


api = XinDangAPI(
    title="XinDang API",
    version="1",
    auth=session_auth,
    urls_namespace="api",
    renderer=AnswerRenderer(),
    description="XinDang 信档 — customer files. Session authentication (log in first); "
    "unsafe methods need the CSRF token.",
    # Swagger UI from vendored static files (works offline); docs and schema need a login (docs.py)
    docs=VendoredSwagger(),
    docs_decorator=login_required_for_docs,
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    """The one place a refused operation becomes an answer: its code, message and status."""
    body = {"code": exc.code, "message": exc.message}
    if exc.field:
        body["field"] = exc.field
    if "errors" in exc.params:
        body["errors"] = {k: [str(m) for m in v] for k, v in exc.params["errors"].items()}
    if "existing_pk" in exc.params:
        body["existing_id"] = exc.params["existing_pk"]
    if "similar" in exc.params:
        body["similar"] = [
            {
                "id": s.customer.pk,
                "name": s.customer.name,
                "file_no": s.customer.file_no,
                "score": round(s.score, 3),
            }
            for s in exc.params["similar"]
        ]
    # the status comes with the code (each app's errors.py registers the codes that are not 422)
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(
        request, {"code": "permission_denied", "message": "permission denied"}, status=403
    )


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"code": "not_found", "message": "not found"}, status=404)


api.add_router("/customers", customers_router, tags=["customers"])
api.add_router("/approvals", approvals_api.router, tags=["approvals"])
api.add_router("/ledger", ledger_api.router, tags=["ledger"])
api.add_router("/lifecycle", lifecycle_api.router, tags=["lifecycle"])
api.add_router("", credit_api.router, tags=["credit"])  # paths /credit-check, /credit/…
api.add_router("/privacy", privacy_api.router, tags=["privacy"])
api.add_router("/documents", documents_api.router, tags=["documents"])
api.add_router("/contracts", contracts_api.router, tags=["contracts"])
api.add_router("/credit", credit_files_api.router, tags=["credit"])
api.add_router("/collection", collection_api.router, tags=["collection"])
api.add_router("/retention", retention_api.router, tags=["retention"])
api.add_router("/relations", relations_api.router, tags=["relations"])
api.add_router("/custody", custody_api.router, tags=["custody"])
api.add_router("/onboarding", onboarding_api.router, tags=["onboarding"])
api.add_router("/suppliers", suppliers_api.router, tags=["suppliers"])
api.add_router("/handovers", handovers_api.router, tags=["handovers"])
api.add_router("/reports", reports_api.router, tags=["reports"])
api.add_router(
    "", groups_api.router, tags=["related parties and statements"]
)  # /customer-groups, /balance-statements

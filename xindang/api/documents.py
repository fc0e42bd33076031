"""API router: the documents of customer files — metadata, download, and filing from a scanner or an
e-signature system. Session authentication; the screens' capabilities (documents.view_document,
documents.add_document) and the screens' access rule: the customer file's visibility (404 and an
audited refusal otherwise, customers.permissions.get_customer_for_user), then the document's
confidentiality clearance (403, audited as document.download_denied). A download goes through
documents.services.read_version exactly like the screen: verified against its checksum, watermarked
where the level asks, recorded as document.download."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from xindang.customers.permissions import get_customer_for_user
from xindang.documents import selectors, services
from xindang.documents.models import Level
from xindang.documents.permissions import DocumentPermission

from .pagination import Pages
from .permissions import require

router = Router()


class VersionOut(Schema):
    id: int
    number: int
    size: int
    mime_type: str
    sha256: str
    original_name: str
    uploaded_at: datetime


class DocumentOut(Schema):
    id: int
    customer_id: int
    category: str = Field(..., alias="category.code", description="the category's code")
    title: str
    confidentiality: Level = Field(..., description="1 (most confidential) to 3")
    retention_class: str
    concerns_period: str
    concerns_on: date | None
    issuer: str
    number: str
    valid_from: date | None
    valid_until: date | None
    location: str
    electronic_only: bool
    filed_at: datetime
    version_count: int
    current_version: VersionOut | None


class DocumentDetailOut(DocumentOut):
    notes: str
    versions: list[VersionOut] = Field(..., alias="version_list")


class DocumentFilters(Schema):
    customer_id: int = Field(..., ge=1, le=2**63 - 1, description="the customer file")
    category: str = Field("", max_length=40, description="a category code")


def _detail(document):
    document.version_list = list(selectors.versions_of(document))
    return document


def _document_for(request, document_id: int, *, action: str):
    """The screens' rule (documents.views._document_for): the file's visibility (404, audited), then
    the level's clearance (403, audited as document.download_denied)."""
    document = selectors.get_document(document_id)
    if document is None:
        raise Http404
    get_customer_for_user(request.user, document.customer_id, request=request, scope="documents")
    if not selectors.can_read(request.user, document):
        services.record_denied(by=request.user, document=document, action=action, request=request)
        raise PermissionDenied
    return document


@router.get("", response=list[DocumentOut], summary="The documents of a customer file (metadata)")
@paginate(Pages)
def list_documents(request, filters: Query[DocumentFilters]):
    require(request, DocumentPermission.VIEW)
    customer = get_customer_for_user(request.user, filters.customer_id, request=request, scope="documents")
    return selectors.customer_documents(request.user, customer, category=filters.category)


@router.get("/{document_id}", response=DocumentDetailOut, summary="One document with its versions")
def get_document(request, document_id: int):
    require(request, DocumentPermission.VIEW)
    document = _document_for(request, document_id, action="view")
    return _detail(document)


@router.get(
    "/{document_id}/download",
    summary="Download a version (the current one unless `version` is given)",
    description="The stored bytes are verified first; levels the policy marks come as a watermarked "
    "copy naming the reader and the time. Every download is in the audit log.",
    openapi_extra={
        "responses": {  # an int key, as Ninja's own: "200" beside 200 is a duplicate key in the JSON
            200: {
                "description": "the file",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def download_document(request, document_id: int, version: int | None = Query(None, ge=1, le=1_000_000)):
    require(request, DocumentPermission.VIEW)
    document = _document_for(request, document_id, action="download")
    v = selectors.version_of(document, version)
    if v is None:
        raise Http404
    v.document = document
    copy = services.read_version(by=request.user, version=v, inline=False, request=request)
    if copy.content is not None:
        response = HttpResponse(copy.content, content_type=v.mime_type)
        response.headers["Content-Disposition"] = content_disposition_header(True, v.original_name)
    else:
        response = FileResponse(
            copy.stream, as_attachment=True, filename=v.original_name, content_type=v.mime_type
        )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Watermarked"] = "1" if copy.watermarked else "0"
    return response


class UploadIn(Schema):
    customer_id: int = Field(..., ge=1, le=2**63 - 1)
    category: str = Field(..., max_length=40, description="a category code (see the documents screen)")
    title: str = Field(..., max_length=200)
    confidentiality: Level = Level.THREE
    retention_class: str = Field("", max_length=20, description="empty: the category's default")
    concerns_period: str = Field("", max_length=20)
    concerns_on: date | None = None
    issuer: str = Field("", max_length=100)
    number: str = Field("", max_length=100)
    valid_from: date | None = None
    valid_until: date | None = None
    location: str = Field("", max_length=100)
    electronic_only: bool = False
    notes: str = Field("", max_length=2000)


@router.post(
    "",
    response={201: DocumentDetailOut},
    summary="File a document into a customer file (multipart: the fields and `file`)",
    description="The documents service's checks apply: allowed type read from the content, size "
    "limit, no duplicate in the file (409 document.duplicate), metadata rules. Audited as "
    "document.upload.",
)
def upload_document(request, payload: Form[UploadIn], file: File[UploadedFile]):
    require(request, DocumentPermission.ADD)
    customer = get_customer_for_user(request.user, payload.customer_id, request=request)
    category = selectors.category_by_code(payload.category)
    if category is None:
        raise Http404
    metadata = payload.model_dump(
        exclude={"customer_id", "category", "title", "confidentiality", "retention_class"}
    )
    document = services.upload_document(
        by=request.user,
        customer=customer,
        category=category,
        uploaded_file=file,
        title=payload.title,
        confidentiality=int(payload.confidentiality),
        retention_class=payload.retention_class or None,
        request=request,
        **metadata,
    )
    return Status(201, _detail(selectors.get_document(document.pk)))

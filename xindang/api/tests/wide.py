"""The objects of one customer file that the wide API reads (a document, a contract, an investigation,
a rating, a grant), made through the services where there is one; and the route-table rows of the
documents, contracts and credit-file routers for test_api_fuzz and test_refusals_audited."""

import json
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone


class Multipart(dict):
    """A request body sent as multipart/form-data (a file upload) instead of JSON."""


def pdf_bytes(text: str) -> bytes:
    from xindang.testing.samples import pdf_bytes as make

    return make(text)


def pdf_upload(text: str = "营业执照", name: str = "营业执照.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def wide_objects(customer) -> dict:
    """Made once per file (the tables are built more than once in a test)."""
    from xindang.contracts import services as contracts
    from xindang.contracts.models import Contract
    from xindang.credit.grants.models import CreditGrant, GrantStatus
    from xindang.credit.models import Investigation, Rating, RatingStatus
    from xindang.documents import services as documents
    from xindang.documents.models import Document, DocumentCategory

    owner = customer.owner
    on = timezone.localdate()
    document = Document.objects.filter(customer=customer).first() or documents.upload_document(
        by=owner,
        customer=customer,
        category=DocumentCategory.objects.get(code="business_licence"),
        uploaded_file=pdf_upload(f"{customer.name} 营业执照"),
        title="营业执照副本",
        confidentiality=3,
    )
    contract = Contract.objects.filter(customer=customer).first() or contracts.create_contract(
        by=owner,
        customer_id=customer.pk,
        data={"title": "钢材年度购销合同", "amount": Decimal("500000.00"), "handler": owner},
    )
    investigation = Investigation.objects.filter(customer=customer).first() or Investigation.objects.create(
        customer=customer, investigated_on=on, created_by=owner, conclusion="经营正常"
    )
    rating = Rating.objects.filter(customer=customer).first() or Rating.objects.create(
        customer=customer,
        grade="A",
        computed_grade="A",
        status=RatingStatus.APPROVED,
        effective_at=timezone.now(),
    )
    grant = CreditGrant.objects.filter(customer=customer).first() or CreditGrant.objects.create(
        customer=customer,
        limit_amount=Decimal(100_000),
        term_days=30,
        status=GrantStatus.ACTIVE,
        valid_from=on,
        valid_until=on.replace(year=on.year + 1),
    )
    from xindang.ledger.collection.models import AnomalyReport, ProblemAccountReport

    raised = {"customer": customer, "raised_on": on, "assigned_to": owner, "days_late": 40}
    anomaly = AnomalyReport.objects.filter(customer=customer).first() or AnomalyReport.objects.create(
        **raised, overdue_amount=Decimal("1000.00"), delay_reason="资金周转"
    )
    problem = ProblemAccountReport.objects.filter(customer=customer).first() or (
        ProblemAccountReport.objects.create(**raised, overdue_amount=Decimal("1000.00"), facts="逾期未付")
    )
    return {
        "anomaly": anomaly,
        "problem": problem,
        "document": document,
        "contract": contract,
        "investigation": investigation,
        "rating": rating,
        "grant": grant,
    }


def wide_routes(customer) -> dict:
    """(method, route) -> (url, body) for every route of the documents, contracts and credit-file
    routers, naming this file's objects."""
    o, c = wide_objects(customer), customer.pk
    return {
        ("get", "/api/documents"): (f"/api/documents?customer_id={c}", None),
        ("post", "/api/documents"): (
            "/api/documents",
            Multipart(customer_id=c, category="business_licence", title="营业执照", confidentiality=3),
        ),
        ("get", "/api/documents/{document_id}"): (f"/api/documents/{o['document'].pk}", None),
        ("get", "/api/documents/{document_id}/download"): (
            f"/api/documents/{o['document'].pk}/download",
            None,
        ),
        ("get", "/api/contracts"): (f"/api/contracts?customer_id={c}", None),
        ("post", "/api/contracts"): (
            "/api/contracts",
            {"customer_id": c, "title": "购销合同", "kind": "sale", "amount": "1000.00"},
        ),
        ("get", "/api/contracts/{contract_id}"): (f"/api/contracts/{o['contract'].pk}", None),
        ("get", "/api/credit/investigations"): (f"/api/credit/investigations?customer_id={c}", None),
        ("get", "/api/credit/investigations/{investigation_id}"): (
            f"/api/credit/investigations/{o['investigation'].pk}",
            None,
        ),
        ("get", "/api/credit/ratings"): (f"/api/credit/ratings?customer_id={c}", None),
        ("get", "/api/credit/ratings/{rating_id}"): (f"/api/credit/ratings/{o['rating'].pk}", None),
        ("get", "/api/credit/grants"): (f"/api/credit/grants?customer_id={c}", None),
        ("get", "/api/credit/grants/{grant_id}"): (f"/api/credit/grants/{o['grant'].pk}", None),
        ("get", "/api/collection/ageing/{customer_id}"): (f"/api/collection/ageing/{c}", None),
        ("get", "/api/collection/anomaly-reports"): (
            f"/api/collection/anomaly-reports?customer_id={c}",
            None,
        ),
        ("get", "/api/collection/anomaly-reports/{report_id}"): (
            f"/api/collection/anomaly-reports/{o['anomaly'].pk}",
            None,
        ),
        ("get", "/api/collection/problem-reports"): (
            f"/api/collection/problem-reports?customer_id={c}",
            None,
        ),
        ("get", "/api/collection/problem-reports/{report_id}"): (
            f"/api/collection/problem-reports/{o['problem'].pk}",
            None,
        ),
    }


def request_kwargs(body) -> dict:
    """The test client's keyword arguments for a table row's body (None, JSON or multipart)."""
    if body is None:
        return {}
    if isinstance(body, Multipart):
        file = pdf_upload(f"上传 {sorted(body.items())}", name="扫描件.pdf")
        return {"data": {**{k: v for k, v in body.items() if v is not None}, "file": file}}
    return {"data": json.dumps(body), "content_type": "application/json"}

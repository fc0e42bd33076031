"""The documents, contracts and credit-file routes: the screens' permissions and visibility (another
department's file is a 404 with an audit event), a download verified, watermarked and audited exactly
like the screen's, filing from a scanner (multipart) through the documents service, contracts created
through the contracts service, grants with the limit in force."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from xindang.audit.models import AuditEvent
from xindang.documents.models import Document

from .wide import pdf_bytes, pdf_upload, wide_objects

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


def _denied(user):
    return AuditEvent.objects.filter(action__endswith="access_denied", actor=user).count()


def test_a_salesperson_reads_the_documents_of_their_file(client, customer, salesperson):
    o = wide_objects(customer)
    client.force_login(salesperson)
    r = client.get(f"/api/documents?customer_id={customer.pk}")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1
    (row,) = body["items"]
    assert row["id"] == o["document"].pk and row["category"] == "business_licence"
    assert row["confidentiality"] == 3 and row["current_version"]["mime_type"] == "application/pdf"
    one = client.get(f"/api/documents/{o['document'].pk}").json()
    assert [v["number"] for v in one["versions"]] == [1]


def test_another_departments_file_is_404_and_audited(client, customer, other_salesperson):
    o = wide_objects(customer)
    client.force_login(other_salesperson)
    urls = [
        f"/api/documents?customer_id={customer.pk}",
        f"/api/documents/{o['document'].pk}",
        f"/api/documents/{o['document'].pk}/download",
        f"/api/contracts?customer_id={customer.pk}",
        f"/api/contracts/{o['contract'].pk}",
        f"/api/credit/investigations?customer_id={customer.pk}",
        f"/api/credit/investigations/{o['investigation'].pk}",
        f"/api/credit/ratings?customer_id={customer.pk}",
        f"/api/credit/ratings/{o['rating'].pk}",
        f"/api/credit/grants?customer_id={customer.pk}",
        f"/api/credit/grants/{o['grant'].pk}",
        f"/api/collection/ageing/{customer.pk}",
        f"/api/collection/anomaly-reports?customer_id={customer.pk}",
        f"/api/collection/anomaly-reports/{o['anomaly'].pk}",
        f"/api/collection/problem-reports?customer_id={customer.pk}",
        f"/api/collection/problem-reports/{o['problem'].pk}",
    ]
    for url in urls:
        before = _denied(other_salesperson)
        r = client.get(url)
        assert r.status_code == 404, (url, r.status_code)
        assert _denied(other_salesperson) == before + 1, url
    assert not AuditEvent.objects.filter(action="document.download").exists()
    # and another department's contracts are not listed either
    assert client.get("/api/contracts").json()["count"] == 0


def test_download_is_the_screens_verified_audited_original_at_level_3(client, customer, salesperson):
    from xindang.documents import services
    from xindang.documents.models import DocumentCategory

    data = pdf_bytes("原件")

    doc = services.upload_document(
        by=salesperson,
        customer=customer,
        category=DocumentCategory.objects.get(code="business_licence"),
        uploaded_file=SimpleUploadedFile("营业执照.pdf", data, content_type="application/pdf"),
        title="营业执照",
        confidentiality=3,
    )
    client.force_login(salesperson)
    r = client.get(f"/api/documents/{doc.pk}/download")
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == data
    assert "attachment" in r["Content-Disposition"] and r["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="document.download")
    assert event.actor == salesperson and event.data["watermarked"] is False
    assert event.data["sha256"] == doc.current_version.sha256


def test_level_1_download_is_watermarked_and_refused_without_clearance(
    client, customer, salesperson, credit_manager
):
    from pypdf import PdfReader

    from xindang.documents import services
    from xindang.documents.models import DocumentCategory

    data = pdf_bytes("资信调查报告")
    doc = services.upload_document(
        by=credit_manager,
        customer=customer,
        category=DocumentCategory.objects.get(code="business_licence"),
        uploaded_file=SimpleUploadedFile("报告.pdf", data, content_type="application/pdf"),
        title="资信调查报告",
        confidentiality=1,
    )
    client.force_login(salesperson)
    r = client.get(f"/api/documents/{doc.pk}/download")
    assert r.status_code == 403
    assert AuditEvent.objects.get(action="document.download_denied").actor == salesperson
    assert client.get(f"/api/documents/{doc.pk}").status_code == 403
    assert doc.pk not in [
        d["id"] for d in client.get(f"/api/documents?customer_id={customer.pk}").json()["items"]
    ]

    client.force_login(credit_manager)
    r = client.get(f"/api/documents/{doc.pk}/download")
    assert r.status_code == 200 and r["X-Watermarked"] == "1"
    body = r.content
    assert body != data
    text = PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert credit_manager.username in text and "XinDang" in text
    event = AuditEvent.objects.get(action="document.download")
    assert event.actor == credit_manager and event.data["watermarked"] is True


def test_an_altered_stored_file_is_not_sent(client, customer, salesperson, media_root):
    o = wide_objects(customer)
    (media_root / o["document"].current_version.storage_name).write_bytes(b"%PDF-1.4 forged")
    client.force_login(salesperson)
    r = client.get(f"/api/documents/{o['document'].pk}/download")
    assert r.status_code == 409 and r.json()["code"] == "document.altered"
    assert AuditEvent.objects.filter(action="document.integrity_failed").exists()


def test_a_scanner_files_a_document_through_the_service(client, customer, salesperson):
    client.force_login(salesperson)
    form = {
        "customer_id": customer.pk,
        "category": "business_licence",
        "title": "营业执照（扫描）",
        "confidentiality": 2,
        "issuer": "北京市市场监督管理局",
        "valid_until": "2030-12-31",
    }
    r = client.post("/api/documents", {**form, "file": pdf_upload("扫描件", name="scan.pdf")})
    assert r.status_code == 201, r.content
    body = r.json()
    doc = Document.objects.get(pk=body["id"])
    assert doc.customer == customer and doc.confidentiality == 2 and doc.issuer == "北京市市场监督管理局"
    assert body["versions"][0]["original_name"] == "scan.pdf"
    assert AuditEvent.objects.get(action="document.upload").actor == salesperson
    # the same bytes again: the service's duplicate check (409), nothing filed
    again = client.post("/api/documents", {**form, "file": pdf_upload("扫描件", name="scan2.pdf")})
    assert again.status_code == 409 and again.json()["code"] == "document.duplicate"
    # a program is refused by its content, whatever its name says
    exe = client.post(
        "/api/documents",
        {**form, "file": SimpleUploadedFile("scan3.pdf", b"MZ\x90\x00" + b"\x00" * 200)},
    )
    assert exe.status_code == 422
    assert Document.objects.filter(customer=customer).count() == 1


def test_filing_into_another_departments_file_is_404_and_audited(client, customer, other_salesperson):
    client.force_login(other_salesperson)
    r = client.post(
        "/api/documents",
        {"customer_id": customer.pk, "category": "business_licence", "title": "x", "file": pdf_upload()},
    )
    assert r.status_code == 404 and _denied(other_salesperson) == 1
    assert not Document.objects.exists()


def test_a_role_without_the_capability_is_403(client, customer, sysadmin):
    client.force_login(sysadmin)
    assert client.get(f"/api/documents?customer_id={customer.pk}").status_code == 403
    assert client.get(f"/api/contracts?customer_id={customer.pk}").status_code == 403


def test_a_contract_system_creates_contracts(client, customer, salesperson, other_salesperson):
    client.force_login(salesperson)
    r = client.post(
        "/api/contracts",
        {"customer_id": customer.pk, "title": "钢材购销合同", "kind": "sale", "amount": "250000.00"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["handler_id"] == salesperson.pk and body["contract_no"]
    assert AuditEvent.objects.get(action="contract.create").actor == salesperson
    listed = client.get(f"/api/contracts?customer_id={customer.pk}").json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]
    assert client.get(f"/api/contracts/{body['id']}").json()["amount"] == "250000.00"
    bad = client.post(
        "/api/contracts",
        {"customer_id": customer.pk, "title": "x", "kind": "lease", "amount": "1.00"},
        content_type="application/json",
    )
    assert bad.status_code == 422  # kind is a closed list
    handler = client.post(
        "/api/contracts",
        {"customer_id": customer.pk, "title": "x", "amount": "1.00", "handler_id": other_salesperson.pk},
        content_type="application/json",
    )
    assert handler.status_code == 422 and handler.json()["field"] == "handler"  # cannot see the file


def test_grants_carry_the_limit_in_force(client, customer, salesperson):
    from xindang.credit.grants.models import CreditGrant, GrantStatus, ReductionStep

    on = timezone.localdate()
    grant = CreditGrant.objects.create(
        customer=customer,
        limit_amount=Decimal(100_000),
        term_days=30,
        status=GrantStatus.ACTIVE,
        valid_from=on - timedelta(days=30),
        valid_until=on + timedelta(days=300),
    )
    old = CreditGrant.objects.create(
        customer=customer, limit_amount=Decimal(50_000), term_days=30, status=GrantStatus.REPLACED
    )
    ReductionStep.objects.create(
        grant=grant, months=1, from_on=on - timedelta(days=1), limit_amount=Decimal(80_000)
    )
    client.force_login(salesperson)
    rows = {g["id"]: g for g in client.get(f"/api/credit/grants?customer_id={customer.pk}").json()["items"]}
    assert rows[grant.pk]["in_force"] is True and rows[grant.pk]["limit_in_force_amount"] == "80000.00"
    assert rows[old.pk]["in_force"] is False and rows[old.pk]["limit_in_force_amount"] is None
    one = client.get(f"/api/credit/grants/{grant.pk}").json()
    assert one["limit_amount"] == "100000.00" and one["limit_in_force_amount"] == "80000.00"


def test_investigations_and_ratings(client, customer, salesperson):
    o = wide_objects(customer)
    client.force_login(salesperson)
    inv = client.get(f"/api/credit/investigations?customer_id={customer.pk}").json()
    assert [i["id"] for i in inv["items"]] == [o["investigation"].pk]
    one = client.get(f"/api/credit/investigations/{o['investigation'].pk}").json()
    assert one["conclusion"] == "经营正常" and one["status"] == "draft"
    ratings = client.get(f"/api/credit/ratings?customer_id={customer.pk}").json()
    assert [r["grade"] for r in ratings["items"]] == ["A"]
    assert client.get(f"/api/credit/ratings/{o['rating'].pk}").json()["status"] == "approved"


def test_an_api_key_does_not_open_these_routes(client, customer, sysadmin):
    from xindang.api.auth import create_api_key

    _key, raw = create_api_key(name="ERP", scopes=["ledger:read"], by=sysadmin)
    for url in (f"/api/documents?customer_id={customer.pk}", f"/api/contracts?customer_id={customer.pk}"):
        assert client.get(url, HTTP_X_API_KEY=raw).status_code == 401


def test_ageing_of_a_customer(client, customer, salesperson):
    from xindang.ledger.services import post_trade_entry

    on = timezone.localdate()
    post_trade_entry(
        customer=customer,
        kind="shipment",
        amount=Decimal(1000),
        entry_on=on - timedelta(days=100),
        term_days=30,
    )
    post_trade_entry(customer=customer, kind="shipment", amount=Decimal(500), entry_on=on, term_days=30)
    client.force_login(salesperson)
    body = client.get(f"/api/collection/ageing/{customer.pk}").json()
    assert body["total_amount"] == "1500.00" and body["overdue_amount"] == "1000.00"
    amounts = {b["code"]: b["amount"] for b in body["buckets"]}
    assert amounts["not_due"] == "500.00"
    assert sorted(e["days_overdue"] for e in body["entries"]) == [0, 70]
    assert AuditEvent.objects.get(action="collection.ageing").actor == salesperson
    # the day asked for: before the first shipment nothing was open
    before = client.get(f"/api/collection/ageing/{customer.pk}?on={on - timedelta(days=200)}").json()
    assert Decimal(before["total_amount"]) == 0 and before["entries"] == []


def test_collection_reports(client, customer, salesperson):
    o = wide_objects(customer)
    client.force_login(salesperson)
    listed = client.get("/api/collection/anomaly-reports?status=open").json()
    assert [r["id"] for r in listed["items"]] == [o["anomaly"].pk]
    assert client.get("/api/collection/anomaly-reports?status=closed").json()["count"] == 0
    assert client.get("/api/collection/anomaly-reports?status=lost").status_code == 422  # a closed list
    one = client.get(f"/api/collection/anomaly-reports/{o['anomaly'].pk}").json()
    assert one["delay_reason"] == "资金周转" and one["status"] == "open"
    problem = client.get(f"/api/collection/problem-reports/{o['problem'].pk}").json()
    assert problem["facts"] == "逾期未付"


def test_an_integration_key_reads_grants_ratings_and_ageing_with_its_scope(client, customer, sysadmin):
    from xindang.api.auth import create_api_key

    o = wide_objects(customer)
    _key, checker = create_api_key(name="ERP", scopes=["credit:check", "ledger:read"], by=sysadmin)
    _key, poster = create_api_key(name="WMS", scopes=["ledger:write"], by=sysadmin)
    urls = [
        f"/api/credit/grants?customer_id={customer.pk}",
        f"/api/credit/grants/{o['grant'].pk}",
        f"/api/credit/ratings?customer_id={customer.pk}",
        f"/api/credit/ratings/{o['rating'].pk}",
        f"/api/collection/ageing/{customer.pk}",
    ]
    for url in urls:
        assert client.get(url, HTTP_X_API_KEY=checker).status_code == 200, url
        assert client.get(url, HTTP_X_API_KEY=poster).status_code == 403, url  # scope missing
    grant = client.get(f"/api/credit/grants/{o['grant'].pk}", HTTP_X_API_KEY=checker).json()
    assert grant["in_force"] is True and grant["limit_in_force_amount"] == "100000.00"
    assert client.get("/api/credit/grants?customer_id=999999", HTTP_X_API_KEY=checker).status_code == 404
    # investigations stay with the screens' users
    url = f"/api/credit/investigations?customer_id={customer.pk}"
    assert client.get(url, HTTP_X_API_KEY=checker).status_code == 401

"""The documents app on S3-compatible object storage: the settings.py S3 block (s3_storage) pointed at
moto's S3 server on loopback — the real S3 HTTP protocol, so boto3 and django-storages run unchanged.
Upload, download, new version, verify_documents (missing / altered / orphaned) and a failed upload."""

import io
import itertools

import boto3
import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from conftest import PASSWORD
from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.documents import services, storage
from xindang.documents.models import Document, FixityFinding, FixityRun
from xindang.settings import s3_storage
from xindang.testing.samples import pdf_bytes, upload

BUCKET = "xindang-archive"
REGION = "us-east-1"
KEYS = {"XINDANG_S3_ACCESS_KEY": "test-access-key", "XINDANG_S3_SECRET_KEY": "test-secret-key"}
PUBLIC_GRANTEES = {
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
}
_prefixes = itertools.count(1)

# Downloads state their purpose (seed 003 篇一 二.4; custody policy "purpose_actions").
PURPOSE = {"purpose": "核对资料"}


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server on 127.0.0.1 (a free port) with the bucket created: (endpoint, boto3 client).
    Stopped after the module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=KEYS["XINDANG_S3_ACCESS_KEY"],
            aws_secret_access_key=KEYS["XINDANG_S3_SECRET_KEY"],
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        server.stop()


class Bucket:
    """The test's view of the bucket: keys under this test's prefix, read and tampered with directly."""

    def __init__(self, client, prefix):
        self.client = client
        self.prefix = prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}/{name}"

    def listing(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=BUCKET, Prefix=f"{self.prefix}/")
        return sorted(obj["Key"] for obj in listed.get("Contents", []))

    def get(self, name: str) -> bytes:
        return self.client.get_object(Bucket=BUCKET, Key=self.key(name))["Body"].read()

    def put(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=BUCKET, Key=self.key(name), Body=data)

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=BUCKET, Key=self.key(name))

    def grantees(self, name: str) -> list[dict]:
        acl = self.client.get_object_acl(Bucket=BUCKET, Key=self.key(name))
        return [grant["Grantee"] for grant in acl["Grants"]]


@pytest.fixture
def s3(s3_server, settings):
    """Django's default storage on the S3 server for this test, under a prefix of its own (objects stay
    in the bucket between tests; content-addressed names would otherwise be shared)."""
    endpoint, client = s3_server
    prefix = f"xindang-test-{next(_prefixes)}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            {
                "XINDANG_S3_BUCKET": BUCKET,
                "XINDANG_S3_ENDPOINT_URL": endpoint,
                "XINDANG_S3_REGION": REGION,
                "XINDANG_S3_PREFIX": prefix,
                **KEYS,
            }
        ),
    }
    # setting_changed(STORAGES) resets django.core.files.storage.storages and default_storage
    assert isinstance(default_storage, S3Storage)
    assert (default_storage.bucket_name, default_storage.location) == (BUCKET, prefix)
    return Bucket(client, prefix)


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _verify(*args):
    out = io.StringIO()
    try:
        call_command("verify_documents", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue()
    return 0, out.getvalue()


def test_upload_stores_a_private_object_under_the_checksum(s3, customer, salesperson, file_document):
    data = pdf_bytes("华夏科技 营业执照 S3")
    doc = file_document(salesperson, customer, file=upload("营业执照.pdf", data))
    version = doc.current_version
    assert version.storage_name == storage.blob_name(version.sha256)
    assert s3.listing() == [s3.key(f"documents/{version.sha256[:2]}/{version.sha256}")]
    assert not any("营业执照" in key or key.endswith(".pdf") for key in s3.listing())
    assert s3.get(version.storage_name) == data
    grantees = s3.grantees(version.storage_name)
    assert grantees and not any(g.get("URI") in PUBLIC_GRANTEES for g in grantees)


def test_download_through_the_view_sends_the_stored_bytes_and_audits(
    s3, client, customer, salesperson, file_document
):
    data = pdf_bytes("原件 S3")
    doc = file_document(salesperson, customer, file=upload("营业执照.pdf", data))
    response = _login(client, salesperson).get(
        reverse("documents:download", args=[doc.current_version.pk]), PURPOSE
    )
    assert response.status_code == 200
    assert _body(response) == data
    event = AuditEvent.objects.get(action="document.download")
    assert event.actor == salesperson and event.data["sha256"] == doc.current_version.sha256


def test_watermarked_download_reads_the_object(s3, client, customer, credit_manager, file_document):
    data = pdf_bytes("资信调查报告 S3")
    doc = file_document(credit_manager, customer, level=1, file=upload("资信调查报告.pdf", data))
    response = _login(client, credit_manager).get(
        reverse("documents:download", args=[doc.current_version.pk]), PURPOSE
    )
    assert response.status_code == 200
    body = _body(response)
    assert body.startswith(b"%PDF") and body != data
    assert AuditEvent.objects.get(action="document.download").data["watermarked"] is True


def test_new_version_is_a_second_object_and_the_first_stays(
    s3, customer, salesperson, file_document, pdf_file
):
    doc = file_document(salesperson, customer)
    first = doc.current_version
    second = services.add_version(
        by=salesperson, document=doc, uploaded_file=pdf_file(text="换发后的营业执照")
    )
    assert second.number == 2 and second.sha256 != first.sha256
    assert s3.listing() == sorted(s3.key(v.storage_name) for v in (first, second))
    assert s3.get(first.storage_name) and s3.get(second.storage_name)


def test_verify_documents_over_s3_reports_altered_missing_and_orphaned(
    s3, customer, salesperson, file_document, pdf_file
):
    altered = file_document(salesperson, customer).current_version
    missing = file_document(salesperson, customer).current_version
    doc = file_document(salesperson, customer)
    services.add_version(by=salesperson, document=doc, uploaded_file=pdf_file(text="第二版"))
    # a clean archive passes
    code, out = _verify("--orphan-grace-minutes=0")
    assert code == 0 and "4 versions" in out and "missing 0, altered 0, orphaned 0" in out
    # given: one object rewritten in the bucket, one deleted, one stray object under documents/
    s3.put(altered.storage_name, b"%PDF-1.4 forged")
    s3.delete(missing.storage_name)
    stray = "documents/ab/ab" + "0" * 62
    s3.put(stray, b"left behind")
    # when the stray object is younger than the grace period, it is not (yet) an orphan
    code, out = _verify()
    assert code == 1 and "ORPHANED" not in out
    assert FixityRun.objects.latest("pk").orphaned_count == 0
    # without grace each finding is named
    code, out = _verify("--orphan-grace-minutes=0")
    assert code == 1 and "ALTERED" in out and "MISSING" in out and "ORPHANED" in out
    run = FixityRun.objects.latest("pk")
    findings = {(f.kind, f.storage_name, f.version_id) for f in run.findings.all()}
    assert findings == {
        (FixityFinding.Kind.ALTERED, altered.storage_name, altered.pk),
        (FixityFinding.Kind.MISSING, missing.storage_name, missing.pk),
        (FixityFinding.Kind.ORPHANED, stray, None),
    }


def test_failure_after_the_write_leaves_no_object(
    s3, customer, salesperson, licence_category, pdf_file, monkeypatch
):
    def boom(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services.filing, "record_event", boom)  # the upload's own audit write
    with pytest.raises(RuntimeError):
        services.upload_document(
            by=salesperson,
            customer=customer,
            category=licence_category,
            uploaded_file=pdf_file(),
            title="营业执照",
            confidentiality=3,
        )
    assert Document.objects.count() == 0
    assert s3.listing() == []


def test_a_write_that_does_not_verify_leaves_no_object(
    s3, customer, salesperson, licence_category, pdf_file, monkeypatch
):
    written = []

    def does_not_verify(name, storage_=None):
        written.append(default_storage.exists(name))
        return "0" * 64, 1

    monkeypatch.setattr(storage, "stored_checksum", does_not_verify)
    with pytest.raises(DomainError) as exc:
        services.upload_document(
            by=salesperson,
            customer=customer,
            category=licence_category,
            uploaded_file=pdf_file(),
            title="营业执照",
            confidentiality=3,
        )
    assert exc.value.code == "document.storage_failed"
    assert written == [True]  # the object was written before the check failed
    assert Document.objects.count() == 0
    assert s3.listing() == []

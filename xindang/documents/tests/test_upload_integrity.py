"""Uploads: a PDF is checked to its end — nothing may follow its last %%EOF and it
may not be an archive as well — and an upload past the size limit is cut off while it arrives."""

import io
import zipfile

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from conftest import PASSWORD
from xindang.core.errors import DomainError
from xindang.documents import services
from xindang.documents.errors import DocumentError
from xindang.documents.models import Document
from xindang.documents.uploads import OversizedUploadMiddleware
from xindang.testing.samples import pdf_bytes, set_policy, upload

pytestmark = pytest.mark.django_db


def zip_with_program() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("发票.exe", b"MZ" + b"\x90" * 200)
    return buf.getvalue()


def _file(by, customer, category, name, data):
    return services.upload_document(
        by=by,
        customer=customer,
        category=category,
        uploaded_file=upload(name, data),
        title="营业执照",
        confidentiality=3,
    )


@pytest.mark.parametrize(
    "data",
    [
        pdf_bytes() + zip_with_program(),  # an archive holding a program after %%EOF
        pdf_bytes() + b"MZ" + b"\x90" * 500,  # a program after %%EOF
        pdf_bytes() + b"\n% just a comment\n",  # anything at all after the end
        pdf_bytes() + zip_with_program() + b"\n%%EOF\n",  # a PDF that is also a ZIP (a polyglot)
    ],
    ids=["zip", "exe", "text", "polyglot"],
)
def test_a_pdf_with_something_after_its_end_is_refused(
    salesperson, customer, licence_category, media_root, data
):
    with pytest.raises(DomainError) as err:
        _file(salesperson, customer, licence_category, "营业执照.pdf", data)
    assert err.value.code == DocumentError.PDF_NOT_WHOLE
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        pdf_bytes(),
        pdf_bytes() + b"\r\n  \x00\x00",  # padding after the end is fine
        pdf_bytes() + b"1 0 obj\n<< >>\nendobj\nstartxref\n0\n%%EOF\n",  # an incremental update
    ],
    ids=["plain", "padding", "update"],
)
def test_a_whole_pdf_is_filed(salesperson, customer, licence_category, media_root, data):
    assert _file(salesperson, customer, licence_category, "营业执照.pdf", data).pk


class CountingStream(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.served = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.served += len(chunk)
        return chunk


def test_an_oversized_upload_is_cut_off_as_soon_as_it_passes_the_limit(sysadmin):
    set_policy(sysadmin, "core", upload_limit_mb=1)
    body = encode_multipart(
        BOUNDARY, {"title": "大文件", "file": upload("大文件.pdf", b"%PDF-1.4\n" + b"0" * 8 * 2**20)}
    )
    stream = CountingStream(body)
    environ = RequestFactory()._base_environ(
        REQUEST_METHOD="POST",
        CONTENT_TYPE=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": stream},
    )
    request = WSGIRequest(environ)
    OversizedUploadMiddleware(lambda r: r)(request)
    assert stream.served < 2 * 2**20  # of 8 MB, not much more than the 1 MB limit was read
    assert request.FILES["file"].size > 2**20 and request.POST["title"] == "大文件"


def test_an_oversized_upload_gets_the_same_message_as_before(
    client, salesperson, sysadmin, customer, licence_category
):
    set_policy(sysadmin, "core", upload_limit_mb=1)
    client.login(username=salesperson.username, password=PASSWORD)
    data = {"category": licence_category.pk, "title": "大文件", "confidentiality": "3"}
    data["file"] = upload("大文件.pdf", pdf_bytes() + b"\n" * 3 * 2**20)
    response = client.post(reverse("documents:upload", args=[customer.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [str(DocumentError.TOO_LARGE.label % {"limit": 1})]
    assert not Document.objects.exists()

"""A disk that fills up during an upload: the user gets a clear answer (507 Insufficient Storage with a
message, in the API and on the upload page), the part already written is removed, no document row or
audit event is left, and once there is room again the next upload is filed. A real full disk: a 2 MB
tmpfs mounted as the storage root (needs root; skipped otherwise, with the reason)."""

import contextlib
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from xindang.audit.models import AuditEvent
from xindang.documents.errors import DocumentError
from xindang.documents.models import Document, DocumentVersion
from xindang.testing.samples import pdf_bytes, upload

pytestmark = pytest.mark.django_db

SIZE = "2m"


def noise_png(width=1100, height=1000) -> bytes:
    """A real PNG of random pixels (incompressible): about 3.3 MB, more than the whole disk."""
    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def small_disk(settings):
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs as a full disk needs root on Linux")
    root = Path(tempfile.mkdtemp(prefix="xd-full-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0700", "tmpfs", str(root)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        root.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        settings.MEDIA_ROOT = str(root)
        yield root
    finally:
        subprocess.run(["umount", str(root)], check=False)
        if os.path.ismount(root):  # still busy: detach it now, it goes when the last file closes
            subprocess.run(["umount", "-l", str(root)], check=False)
        with contextlib.suppress(OSError):
            root.rmdir()


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_a_full_disk_answers_507_and_leaves_no_file_and_no_row(
    client, salesperson, customer, licence_category, small_disk
):
    client.force_login(salesperson)
    big = noise_png()
    assert len(big) > 2 * 1024 * 1024
    events = AuditEvent.objects.count()

    # the API: 507 with the code and a message, nothing left behind
    answer = client.post(
        "/api/documents",
        {
            "customer_id": customer.pk,
            "category": licence_category.code,
            "title": "营业执照扫描件",
            "confidentiality": "3",
            "file": upload("营业执照.png", big, "image/png"),
        },
    )
    assert answer.status_code == 507, answer.content[:300]
    body = answer.json()
    assert body["code"] == DocumentError.STORAGE_FULL.value
    assert body["message"] == str(DocumentError.STORAGE_FULL.label)
    assert files_under(small_disk) == []
    assert Document.objects.count() == 0 and DocumentVersion.objects.count() == 0
    assert AuditEvent.objects.filter(action="document.upload").count() == 0

    # the upload page: the form again, status 507, the message beside the file
    page = client.post(
        reverse("documents:upload", args=[customer.pk]),
        {
            "category": licence_category.pk,
            "title": "营业执照扫描件",
            "confidentiality": "3",
            "retention_class": "",
            "file": upload("营业执照.png", big, "image/png"),
        },
    )
    assert page.status_code == 507
    assert str(DocumentError.STORAGE_FULL.label) in page.content.decode()
    assert files_under(small_disk) == []
    assert Document.objects.count() == 0
    assert AuditEvent.objects.count() == events  # the refusals changed nothing

    # with room again, the next (small) upload is filed and stored whole
    answer = client.post(
        "/api/documents",
        {
            "customer_id": customer.pk,
            "category": licence_category.code,
            "title": "营业执照",
            "confidentiality": "3",
            "file": upload("营业执照.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert answer.status_code == 201, answer.content[:300]
    assert Document.objects.count() == 1
    assert len(files_under(small_disk)) == 1

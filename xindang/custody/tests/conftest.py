"""Fixtures of the custody tests: a file of 销售一部 owned by 张三 with a level-1 contract, a level-3
licence and a level-2 statement, the leader in charge of the archive department, and helpers to ask
for and approve lookups."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.documents.models import DocumentCategory
from xindang.testing.samples import pdf_bytes, upload


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def archive_leader(db):
    return make_user("gaoxz", Role.ARCHIVE_LEADER, display_name="高行政")


@pytest.fixture
def office_director(db):
    return make_user("shenbg", Role.OFFICE_DIRECTOR, display_name="沈主任")


@pytest.fixture
def other_manager(dept_xs2):
    return make_user("chenjl", Role.DEPARTMENT_MANAGER, department=dept_xs2, display_name="陈经理")


@pytest.fixture
def colleague(dept_xs1):
    return make_user("qianjiu", Role.SALESPERSON, department=dept_xs1, display_name="钱九")


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏科技有限公司")


def docx_bytes(text="合同正文") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", f"<w:document><w:body>{text}</w:body></w:document>")
    return buf.getvalue()


@pytest.fixture
def file_doc(db):
    from xindang.documents import services

    counter = iter(range(1, 10_000))

    def _file(by, customer, level, title=None, code="business_licence", data=None, name=None):
        n = next(counter)
        return services.upload_document(
            by=by,
            customer=customer,
            category=DocumentCategory.objects.get(code=code),
            uploaded_file=upload(name or f"文件{n}.pdf", data or pdf_bytes(f"{customer.name} {n}")),
            title=title or f"资料 {n}",
            confidentiality=level,
        )

    return _file


@pytest.fixture
def docs(customer, credit_manager, file_doc):
    """contract (level 1), statement (level 2), licence (level 3) — filed by the credit manager."""
    return {
        "contract": file_doc(credit_manager, customer, 1, title="购销合同"),
        "statement": file_doc(credit_manager, customer, 2, title="对账单"),
        "licence": file_doc(credit_manager, customer, 3, title="营业执照"),
    }


@pytest.fixture
def ask(db):
    """ask(by, customer, documents=[…] | whole_file=True, days=7, purpose=…, rights=…) → a submitted
    request; it asks to view and download unless `rights` says otherwise."""
    from xindang.custody import services

    def _ask(
        by,
        customer,
        documents=(),
        *,
        whole_file=False,
        days=7,
        purpose="签订新合同前核对资信",
        rights=("view", "download"),
    ):
        today = timezone.localdate()
        return services.request_lookup(
            by=by,
            customer=customer,
            purpose=purpose,
            starts_on=today,
            ends_on=today + timedelta(days=days - 1),
            whole_file=whole_file,
            documents=documents,
            rights=rights,
        )

    return _ask


def approve(lookup, *approvers):
    from xindang.approvals.services import approve_step

    approval = lookup.approval
    for approver in approvers:
        approval = approve_step(approval=approval, approver=approver, comment="同意")
    lookup.refresh_from_db()
    return lookup

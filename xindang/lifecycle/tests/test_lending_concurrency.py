"""Archivists lending the same original at the same moment: exactly one loan is written, every other
one is refused with lifecycle.already_lent — on SQLite, PostgreSQL and MariaDB (000 客户信息管理办法
三.3: the credit department answers for every original, so one document is never out twice)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import make_credit_code
from xindang.accounts.models import User
from xindang.core.errors import DomainError
from xindang.customers import services as customer_services
from xindang.customers.models import Customer
from xindang.documents.models import Document, DocumentCategory
from xindang.lifecycle import services
from xindang.lifecycle.errors import LifecycleError
from xindang.lifecycle.models import Loan, LoanItem
from xindang.testing.concurrency import THREADS, run_concurrently

pytestmark = [pytest.mark.multidb, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _try_lend(archivist_pk: int, borrower_pk: int, customer_pk: int, document_pk: int, whole: bool) -> str:
    archivist = User.objects.get(pk=archivist_pk)  # this thread's own instances
    borrower = User.objects.get(pk=borrower_pk)
    customer = Customer.objects.get(pk=customer_pk)
    today = timezone.localdate()
    try:
        services.lend(
            by=archivist,
            customer=customer,
            borrower=borrower,
            purpose="并发借阅",
            lent_on=today,
            due_on=today + timedelta(days=7),
            documents=[] if whole else [Document.objects.get(pk=document_pk)],
            whole_file=whole,
        )
    except DomainError as exc:
        return exc.code
    return "lent"


def test_one_original_goes_out_once_under_parallel_lending(archivist, salesperson):
    customer = customer_services.create_customer(
        by=salesperson,
        data={
            "name": "并发借阅钢铁有限公司",
            "department": salesperson.department,
            "owner": salesperson,
            "credit_code": make_credit_code(),
        },
        confirm_similar=True,
    )
    doc = Document.objects.create(
        customer=customer,
        category=DocumentCategory.objects.get(code="business_licence"),
        title="营业执照正本",
        retention_class="long",
        filed_by=salesperson,
        filed_at=timezone.now(),
    )
    # half the threads ask for the document, half for the whole file: all conflict with each other
    results = run_concurrently(
        lambda i: _try_lend(archivist.pk, salesperson.pk, customer.pk, doc.pk, whole=bool(i % 2))
    )
    assert sorted(results) == sorted(["lent"] + [LifecycleError.ALREADY_LENT.value] * (THREADS - 1))
    assert Loan.objects.filter(customer=customer).count() == 1
    assert LoanItem.objects.filter(open_key__isnull=False).count() == 1

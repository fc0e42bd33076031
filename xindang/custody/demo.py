"""Demo lookups: a salesperson of another department reads a file's contract under an approved
request, another request waits for the GM."""

from datetime import timedelta

from django.db import transaction

from xindang.core.errors import DomainError

PURPOSES = ["签订新合同前核对客户资信", "核对往来账款及授信情况", "配合审计抽查客户档案"]


def seed_lookups(ctx) -> str:
    from xindang.approvals.demo import approve_through, users_by_role
    from xindang.documents.models import Document

    from . import services

    approvers = users_by_role(ctx.users)
    readers = [u for u in ctx.users.values() if u.groups.filter(name="salesperson").exists()]
    made = approved = 0
    for customer in ctx.customers[:40]:
        if made >= 4:
            break
        reader = next((u for u in readers if u.department_id != customer.department_id), None)
        docs = list(Document.objects.filter(customer=customer).order_by("confidentiality", "pk")[:2])
        if reader is None or not docs:
            continue
        try:
            with transaction.atomic():
                lookup = services.request_lookup(
                    by=reader,
                    customer=customer,
                    purpose=PURPOSES[made % len(PURPOSES)],
                    starts_on=ctx.today,
                    ends_on=ctx.today + timedelta(days=7),
                    documents=docs,
                )
                made += 1
                if made % 2:
                    approve_through(lookup.approval, approvers, comment="同意查阅。")
                    approved += 1
        except DomainError:
            continue
    return f"{made} lookup requests ({approved} approved)"

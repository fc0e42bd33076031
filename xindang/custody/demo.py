"""Demo lookups: salespeople of other departments read files under approved requests (the chosen
documents, or the whole file where the demo file holds none), another request waits for approval."""

from datetime import timedelta

from django.db import transaction

from xindang.core.errors import DomainError

PURPOSES = ["签订新合同前核对客户资信", "核对往来账款及授信情况", "配合审计抽查客户档案"]


def seed_lookups(ctx) -> str:
    from xindang.approvals.demo import approve_through, users_by_role
    from xindang.documents.models import Document

    from . import services

    approvers = users_by_role(ctx.users)
    users = list(ctx.users.values())
    readers = [u for u in users if u.groups.filter(name="salesperson").exists()]
    managers = {u.department_id: u for u in users if u.groups.filter(name="department_manager").exists()}
    made = approved = 0
    for customer in ctx.customers[:40]:
        if made >= 4:
            break
        reader = next(
            (u for u in readers[made:] + readers[:made] if u.department_id != customer.department_id), None
        )
        if reader is None:
            continue
        docs = list(Document.objects.filter(customer=customer).order_by("confidentiality", "pk")[:2])
        try:
            with transaction.atomic():
                lookup = services.request_lookup(
                    by=reader,
                    customer=customer,
                    purpose=PURPOSES[made % len(PURPOSES)],
                    starts_on=ctx.today,
                    ends_on=ctx.today + timedelta(days=7),
                    whole_file=not docs,
                    documents=docs,
                )
                made += 1
                if made % 2:
                    # the department manager's step is signed by the reader's own manager (1.5.3)
                    signers = {**approvers, "department_manager": managers.get(reader.department_id)}
                    approve_through(lookup.approval, signers, comment="同意查阅。")
                    approved += 1
        except DomainError:
            continue
    return f"{made} lookup requests ({approved} approved)"

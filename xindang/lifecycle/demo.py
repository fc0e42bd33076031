"""Demo data: a few loans of originals (one back, one out, one overdue), recorded through the services
by the demo archivist, so the loans screens and the workbench are not empty on `make run`."""

from datetime import timedelta


def seed_lifecycle(ctx) -> str:
    from xindang.accounts.roles import Role
    from xindang.approvals.demo import users_by_role
    from xindang.core.errors import DomainError

    from . import services

    roles = users_by_role(ctx.users)
    archivist = roles.get(Role.ARCHIVIST.value)
    borrowers = [u for u in ctx.users.values() if u.is_active and u != archivist]
    if archivist is None or not borrowers or not ctx.customers:
        return "no archivist or customers"
    plans = [(40, 14, 20), (10, 14, None), (30, 14, None)]  # days ago lent, loan days, days ago returned
    made = 0
    for n, (ago, days, back) in enumerate(plans):
        customer = ctx.customers[(n * 7) % len(ctx.customers)]
        docs = list(customer.documents.filter(electronic_only=False)[:2])
        lent_on = ctx.today - timedelta(days=ago)
        try:
            loan = services.lend(
                by=archivist,
                customer=customer,
                borrower=ctx.rng.choice(borrowers),
                purpose="合同评审查阅" if n % 2 else "授信复核",
                lent_on=lent_on,
                due_on=lent_on + timedelta(days=days),
                documents=docs,
                whole_file=not docs,
                slip_no=f"JY-DEMO-{n + 1:03d}",
            )
        except DomainError:  # a small demo: the file is out already
            continue
        if back is not None:
            services.record_return(by=archivist, loan=loan, returned_on=ctx.today - timedelta(days=back))
        made += 1
    if ctx.stdout:
        ctx.stdout.write(f"lifecycle: {made} loans\n")
    return f"{made} loans"

"""Demo data: one job change — a salesperson with few files hands them to a colleague of the same
department, through the service, by the demo administrator, with the successor's signature — so the
handover screens and a manager's to-sign item are not empty on `make run`. Nobody is deactivated."""


def seed_handovers(ctx) -> str:
    from xindang.accounts.roles import Role
    from xindang.approvals.demo import users_by_role
    from xindang.core.errors import DomainError
    from xindang.customers.models import Customer

    from . import rules, services

    roles = users_by_role(ctx.users)
    admin = roles.get(Role.SYSTEM_ADMIN.value)
    if admin is None:
        return "no administrator"
    salespeople = [u for u in ctx.users.values() if u.is_active and u.has_role(Role.SALESPERSON)]
    counts = {u.pk: Customer.objects.filter(owner=u).count() for u in salespeople}
    pairs = [
        (a, b)
        for a in salespeople
        for b in salespeople
        if a != b and a.department_id and a.department_id == b.department_id and counts[a.pk]
    ]
    if not pairs:
        return "no two salespeople in one department"
    leaver, successor = min(pairs, key=lambda p: (counts[p[0].pk], p[0].username, p[1].username))
    managers = [
        u
        for u in ctx.users.values()
        if u.is_active and u.has_role(Role.DEPARTMENT_MANAGER) and u not in (leaver, successor)
    ]
    manager = next((u for u in managers if u.department_id == leaver.department_id), None) or (
        managers[0] if managers else None
    )
    if manager is None:
        return "no manager to sign"
    try:
        handover = services.hand_over(
            by=admin,
            leaver=leaver,
            reason=rules.JOB_CHANGE,
            successor=successor,
            manager=manager,
            note="岗位调整:转入市场部",
        )
        services.sign(handover=handover, by=successor, line=rules.SUCCESSOR)
    except DomainError as exc:
        return f"refused: {exc.code}"
    return f"{handover.number}: {handover.items.count()} items from {leaver} to {successor}"

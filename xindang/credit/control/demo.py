"""Demo data (order 50): a few recorded credit checks, two over-limit requests — one pending,
one approved and not yet used — and one emergency shipment stop, on customers that have a grant
(grants ran at order 20, the ledger at 30)."""

from decimal import Decimal

from xindang.accounts.models import User
from xindang.approvals.services import approve_step
from xindang.core.errors import DomainError
from xindang.credit.grants.selectors import active_grant
from xindang.ledger.selectors import exposure_of

from .models import OverLimitRequest
from .services import check_credit, request_over_limit
from .services.stops import stop_shipments


def _approve_all(olr, users: dict) -> None:
    approval = olr.approval
    for role in olr.chain:
        approver = (
            User.objects.filter(groups__name=role, is_active=True).exclude(pk=olr.requested_by_id).first()
        )
        if approver is None:
            return
        approval.refresh_from_db()
        approve_step(
            approval=approval, approver=approver, comment="同意,限本次发货。", acknowledge_warnings=True
        )


def seed_demo(ctx) -> str:
    today = ctx.today
    customers = [c for c in ctx.customers if active_grant(c, today) is not None]
    if not customers:
        return "no customers with a grant: skipped"
    checks = requested = approved = 0
    for customer in customers[:40]:
        by = customer.owner
        exposure = exposure_of(customer)
        grant = active_grant(customer, today)
        room = grant.limit_amount - exposure.committed_amount
        amount = max(Decimal("1000"), (room * Decimal("0.3")).quantize(Decimal("1")))
        try:
            check_credit(
                customer=customer,
                amount=amount,
                kind="shipment",
                reference=f"SO{ctx.rng.randint(10000, 99999)}",
                by=by,
            )
            checks += 1
        except DomainError:
            pass
    for customer in customers[40:]:
        if requested >= 2:
            break
        exposure = exposure_of(customer)
        grant = active_grant(customer, today)
        amount = max(grant.limit_amount - exposure.committed_amount, Decimal("0")) + Decimal("20000")
        try:
            olr = request_over_limit(
                customer=customer,
                amount=amount,
                kind="shipment",
                reference=f"SO{ctx.rng.randint(10000, 99999)}",
                reason="年底备货,客户付款记录良好,申请本次超额发货。",
                by=customer.owner,
            )
        except DomainError:
            continue
        requested += 1
        if requested == 2:
            try:
                _approve_all(olr, ctx.users)
                approved += int(OverLimitRequest.objects.get(pk=olr.pk).status == "approved")
            except DomainError:
                pass
    stopped = _demo_stop(customers[-1:])
    return (
        f"{checks} credit checks, {requested} over-limit requests ({approved} approved), "
        f"{stopped} shipment stop"
    )


def _demo_stop(customers) -> int:
    """One emergency stop awaiting its department manager (004 客户信息管理制度 第十一条1(3))."""

    for customer in customers:
        try:
            stop_shipments(
                customer=customer, by=customer.owner, reason="客户大额票据被银行退票,先暂停发货,待核实。"
            )
        except DomainError:
            continue
        return 1
    return 0

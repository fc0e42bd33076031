"""Trade suspensions in force (read by the credit check and the grant pages)."""

from ..models import TradeSuspension


def active_suspension(customer) -> TradeSuspension | None:
    """The suspension in force for `customer` (a Customer or its pk), or None."""
    customer_id = getattr(customer, "pk", customer)
    return (
        TradeSuspension.objects.filter(customer_id=customer_id, lifted_at__isnull=True)
        .select_related("suspended_by")
        .order_by("-suspended_at", "-id")
        .first()
    )


def is_trade_suspended(customer) -> bool:
    customer_id = getattr(customer, "pk", customer)
    return TradeSuspension.objects.filter(customer_id=customer_id, lifted_at__isnull=True).exists()


def suspended_customer_ids(customer_ids) -> set[int]:
    return set(
        TradeSuspension.objects.filter(
            customer_id__in=list(customer_ids), lifted_at__isnull=True
        ).values_list("customer_id", flat=True)
    )

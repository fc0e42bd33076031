"""Which letter answers the customer about a grant (pure: no Django). A refused request and a reduced
limit get the standard reply (回复客户的标准函, 001 客户信用档案建立与管理制度 5); an approved grant
gets the grant notice (授信通知函)."""

from decimal import Decimal

REFUSED = "refused"
REDUCED = "reduced"
DECIDED = ("active", "replaced", "expired")  # grant statuses of an approved grant


def reply_kind(*, status: str, limit_amount: Decimal, previous_limit: Decimal | None) -> str | None:
    """REFUSED for a rejected request; REDUCED for an approved grant whose limit is below the limit of
    the grant it replaced; None otherwise (nothing to answer with the standard reply)."""
    if status == "rejected":
        return REFUSED
    if status in DECIDED and previous_limit is not None and limit_amount < previous_limit:
        return REDUCED
    return None

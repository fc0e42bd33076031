"""What the credit check reads from its neighbours (ledger, grants, ratings, collection), in one place.

Each is a thin call into the owning app's public selector/service, so the check's service reads
like the rule it applies and the tests see one seam.
"""

from datetime import date


def lock_exposure(customer_id: int):
    from xindang.ledger.services import lock_exposure as lock

    return lock(customer_id)


def release_expired(customer) -> int:
    """Expired reservations of the customer released (the caller holds the exposure lock)."""
    from xindang.ledger.services import release_expired as release

    return release(customer) or 0


def reserve(*, customer, amount, kind, expires_at, reference="", by=None):
    from xindang.ledger.services import reserve as hold

    return hold(
        customer=customer, amount=amount, kind=kind, expires_at=expires_at, reference=reference, by=by
    )


def exposure_of(customer):
    from xindang.ledger.selectors import exposure_of as exposure

    return exposure(customer)


def exposures_for(customer_ids) -> dict:
    from xindang.ledger.selectors import exposures_for as bulk

    return bulk(list(customer_ids))


def oldest_overdue_item(customer, on: date):
    from xindang.ledger.selectors import oldest_overdue_item as oldest

    return oldest(customer, on)


def active_grant(customer, on: date):
    from xindang.credit.grants.selectors import active_grant as grant

    return grant(customer, on)


def active_grants_for(customer_ids, on: date) -> dict:
    from xindang.credit.grants.selectors import active_grants_for as grants

    return grants(customer_ids, on)


def latest_grant(customer):
    from xindang.credit.grants.selectors import latest_grant as latest

    return latest(customer)


def current_grade(customer) -> str | None:
    from xindang.credit.selectors import current_rating

    rating = current_rating(customer)
    return rating.grade if rating is not None else None


def current_grades(customer_ids) -> dict:
    from xindang.credit.selectors import current_grades as grades

    return grades(list(customer_ids))


def is_trade_suspended(customer) -> bool:
    from xindang.ledger.collection.selectors import is_trade_suspended as suspended

    return bool(suspended(customer))

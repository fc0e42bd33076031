"""Report fixtures: trade posted through the ledger's service, grades given as approved ratings."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The dashboard's monthly figures are cached; each test starts without them."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def post(db, credit_manager):
    """post(customer, kind, amount, entry_on=…, **kw) → the entry, through the ledger's service."""
    from xindang.ledger.services import post_trade_entry

    def _post(customer, kind, amount, entry_on=date(2026, 3, 10), **kw):
        kw.setdefault("by", credit_manager)
        entry, _created = post_trade_entry(
            customer=customer, kind=kind, amount=Decimal(str(amount)), entry_on=entry_on, **kw
        )
        return entry

    return _post


@pytest.fixture
def give_grade(db):
    from xindang.credit.models import Rating, RatingStatus

    def _grade(customer, grade, *, days_ago=0, status=RatingStatus.APPROVED):
        return Rating.objects.create(
            customer=customer,
            grade=grade,
            computed_grade=grade,
            status=status,
            effective_at=timezone.now() - timedelta(days=days_ago),
        )

    return _grade

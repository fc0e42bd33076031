from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.credit.grants import known, selectors
from xindang.ledger.facts import LedgerFacts
from xindang.testing.samples import set_policy  # noqa: F401 - imported by the tests from here


def make_facts(*, history=True, shipments="100000", collections="80000") -> LedgerFacts:
    return LedgerFacts(
        first_trade_on=date(2024, 1, 1) if history else None,
        months_of_trade=24 if history else 0,
        has_credit_history=history,
        avg_monthly_shipments=Decimal(shipments),
        avg_monthly_collections=Decimal(collections),
        bad_debt_within_2y=False,
        overdue_beyond_limit_within_2y=False,
        broken_promises_2y=0,
        revenue_trend_falling_months=0,
    )


@pytest.fixture
def ledger(monkeypatch):
    """Per-customer ledger facts, exposures and the company receivables balance, set by the test."""

    class Ledger:
        facts: dict = {}
        exposures: dict = {}
        receivables = Decimal("100000000")

    state = Ledger()
    state.facts, state.exposures = {}, {}
    monkeypatch.setattr(
        known,
        "ledger_facts",
        lambda cid, *, on, window_months, **_: state.facts.get(cid, make_facts(history=False)),
    )
    monkeypatch.setattr(selectors, "receivables_balance", lambda on: state.receivables)
    monkeypatch.setattr(
        selectors, "exposure_amount", lambda customer: state.exposures.get(customer.pk, Decimal(0))
    )
    monkeypatch.setattr(
        selectors, "exposures_for", lambda ids: {i: state.exposures.get(i, Decimal(0)) for i in ids}
    )
    return state


@pytest.fixture
def rate(db):
    """rate(customer, "A") — an approved rating in force."""
    from xindang.credit.models import Rating

    def _rate(customer, grade, scheme="abc"):
        return Rating.objects.create(
            customer=customer,
            scheme=scheme,
            grade=grade,
            computed_grade=grade,
            status="approved",
            effective_at=timezone.now(),
        )

    return _rate

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.credit.grants import selectors
from xindang.ledger.facts import LedgerFacts


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
        selectors,
        "ledger_facts",
        lambda cid, *, on, window_months: state.facts.get(cid, make_facts(history=False)),
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


def set_policy(by, section: str, **values):
    """Put a new policy version in force with `values` changed in `section`."""
    from xindang.policy import services
    from xindang.policy.selectors import current_policy

    draft = services.create_draft(by=by)
    current = current_policy().sections[section].model_dump(mode="json")
    services.update_draft_section(draft_id=draft.pk, section=section, values={**current, **values}, by=by)
    return services.put_in_force(draft_id=draft.pk, by=by, skip_checks_reason="单元测试")

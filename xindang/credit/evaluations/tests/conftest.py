"""Evaluation fixtures: a customer file of 张三 (销售一部) with a grant in force in October 2026, and
post(...) through the ledger service."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from xindang.ledger import services as ledger

OCT = date(2026, 10, 1)


@pytest.fixture
def customer(make_customer, salesperson):
    return make_customer(salesperson, name="华夏钢铁贸易有限公司")


@pytest.fixture
def make_grant(db, credit_manager):
    """make_grant(customer, limit="1000000", **fields) → a grant in force for 2026 (made directly:
    the approval chain is the grants module's concern)."""
    from xindang.credit.grants.models import CreditGrant, GrantStatus

    def _make(customer, limit="1000000", **fields):
        data = {
            "kind": "long_term",
            "term_days": 30,
            "status": GrantStatus.ACTIVE,
            "valid_from": date(2026, 1, 1),
            "valid_until": date(2026, 12, 31),
            "requested_by": credit_manager,
            "grade": "A",
            **fields,
        }
        return CreditGrant.objects.create(customer=customer, limit_amount=Decimal(limit), **data)

    return _make


@pytest.fixture
def grant(make_grant, customer):
    return make_grant(customer)


@pytest.fixture
def post(db, credit_manager):
    """post(customer, kind, amount, entry_on, **kw) → entry, through the ledger service."""

    def _post(customer, kind, amount, entry_on, **kw):
        kw.setdefault("by", credit_manager)
        entry, _created = ledger.post_trade_entry(
            customer=customer, kind=kind, amount=Decimal(str(amount)), entry_on=entry_on, **kw
        )
        return entry

    return _post


@pytest.fixture
def evaluation(grant, customer):
    """The October 2026 evaluation of `grant` (no ledger entries: all figures zero)."""
    from xindang.credit.evaluations import services
    from xindang.credit.evaluations.models import GrantEvaluation

    services.generate_month(OCT)
    return GrantEvaluation.objects.get(grant=grant, month=OCT)


@pytest.fixture
def ceiling_allows(monkeypatch):
    """The grant ceiling (grants' business, tested there) as for an A customer with a long record."""
    from xindang.credit.grants import known as known_module
    from xindang.credit.grants import selectors as grant_selectors
    from xindang.ledger.facts import LedgerFacts

    rating = SimpleNamespace(grade="A", scheme="abc", pk=None)
    monkeypatch.setattr(grant_selectors, "current_rating", lambda customer: rating)
    # the ceiling's reads take the rating in force with the grants and the exposure (KnownCredit)
    monkeypatch.setattr(known_module.KnownCredit, "rating", property(lambda known: rating))
    facts = LedgerFacts(
        date(2025, 1, 1), 24, True, Decimal(5_000_000), Decimal(5_000_000), False, False, 0, 0
    )
    monkeypatch.setattr(known_module, "ledger_facts", lambda *a, **k: facts)

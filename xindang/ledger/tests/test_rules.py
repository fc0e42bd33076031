"""Pure ledger rules (no database)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.ledger import rules

RATES = {"CNY": Decimal(1), "USD": Decimal("7.1")}


@pytest.mark.parametrize(
    ("amount", "currency", "due_on", "code"),
    [
        (Decimal("0"), "CNY", None, "ledger.amount_not_positive"),  # SPEC §6: amounts are positive
        (Decimal("-5"), "CNY", None, "ledger.amount_not_positive"),
        (Decimal("1.001"), "CNY", None, "ledger.invalid_amount"),
        (None, "CNY", None, "ledger.invalid_amount"),
        (Decimal("10"), "EUR", None, "ledger.unknown_currency"),
        (Decimal("10"), "CNY", date(2026, 1, 9), "ledger.due_before_entry"),
    ],
)
def test_entry_problems_refuse_bad_input(amount, currency, due_on, code):
    problems = rules.entry_problems(
        kind=rules.SHIPMENT,
        amount=amount,
        entry_on=date(2026, 1, 10),
        due_on=due_on,
        currency=currency,
        rates=RATES,
    )
    assert code in [p.code for p in problems]


def test_entry_problems_accept_a_good_entry():
    assert not rules.entry_problems(
        kind=rules.SHIPMENT,
        amount=Decimal("10.50"),
        entry_on=date(2026, 1, 10),
        due_on=date(2026, 1, 10),
        currency="USD",
        rates=RATES,
    )


def test_due_date_is_entry_date_plus_term():  # 002 第二十二条
    assert rules.due_date(date(2026, 1, 31), 30) == date(2026, 3, 2)


def test_signed_amounts_and_reversals():
    assert rules.signed_amount(rules.SHIPMENT, Decimal(5)) == 5
    assert rules.signed_amount(rules.PAYMENT, Decimal(5)) == -5
    assert rules.signed_amount(rules.REVERSAL, Decimal(5), rules.PAYMENT) == 5
    assert rules.note_effect(rules.NOTE_RECEIVED, Decimal(5)) == 5
    assert rules.note_effect(rules.REVERSAL, Decimal(5), rules.NOTE_SETTLED) == 5


@given(
    st.lists(st.integers(min_value=1, max_value=10_000), max_size=8),
    st.integers(min_value=1, max_value=50_000),
)
def test_fifo_allocation_conserves_money_and_pays_oldest_first(opens, amount):
    items = [rules.Item(key=(i,), open=Decimal(o)) for i, o in enumerate(opens)]
    pairs, rest = rules.allocate_fifo(Decimal(amount), items)
    assert sum(p for _i, p in pairs) + rest == amount
    assert rest == max(Decimal(0), amount - sum(opens))
    # nothing younger is touched while an older item stays open
    paid = [i.key for i, _p in pairs]
    assert paid == sorted(paid)
    if len(pairs) > 1:
        assert all(i.open == 0 for i, _p in pairs[:-1])


# Nothing the ledger keeps may overflow its DECIMAL(18, 2) columns.
MAX = Decimal("1000000000000.00")  # the policy's default maximum per entry


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"amount": Decimal("1E+30")}, "ledger.amount_too_large"),
        ({"amount": MAX + Decimal("0.01")}, "ledger.amount_too_large"),
        ({"amount": rules.MAX_AMOUNT}, "ledger.amount_too_large"),
        ({"amount": Decimal("150000000000"), "currency": "USD"}, "ledger.amount_too_large"),  # in yuan
        ({"entry_on": date(9999, 12, 31)}, "ledger.date_out_of_range"),
        ({"entry_on": date(1899, 12, 31)}, "ledger.date_out_of_range"),
        ({"due_on": date(3000, 1, 1)}, "ledger.date_out_of_range"),
        ({"term_days": 3651}, "ledger.invalid_term"),
        ({"term_days": -1}, "ledger.invalid_term"),
        ({"term_days": "invalid"}, "ledger.invalid_term"),
    ],
)
def test_entry_problems_refuse_what_the_ledger_cannot_keep(fields, code):
    values = {
        "kind": rules.SHIPMENT,
        "amount": Decimal("100.00"),
        "entry_on": date(2026, 1, 10),
        "due_on": None,
        "currency": "CNY",
        "rates": RATES,
        "max_amount": MAX,
        **fields,
    }
    assert [p.code for p in rules.entry_problems(**values)] == [code]


def test_the_latest_date_with_the_longest_term_stays_in_the_calendar():
    assert rules.due_date(rules.LAST_DATE, rules.MAX_TERM_DAYS).year < 9999


@pytest.mark.parametrize(
    ("figures", "fits"),
    [
        ({"open_shipments_amount": rules.MAX_AMOUNT}, True),
        ({"open_shipments_amount": rules.MAX_AMOUNT, "reservations_amount": Decimal("0.01")}, False),
        ({"open_invoices_amount": rules.MAX_AMOUNT - 1, "notes_amount": Decimal(2)}, False),
        ({"credit_balance_amount": rules.MAX_AMOUNT + 1}, False),
        ({"credit_balance_amount": rules.MAX_AMOUNT, "prepayments_amount": rules.MAX_AMOUNT}, True),
    ],
)
def test_figures_fit_their_columns_and_the_committed_sum(figures, fits):
    assert rules.figures_fit(figures) is fits


@pytest.mark.parametrize(
    ("numbers", "bad"),
    [
        ({"quantity": Decimal("1E+30"), "amount": None, "cost_amount": None}, ["quantity"]),
        ({"quantity": Decimal("1.00001"), "amount": None, "cost_amount": None}, ["quantity"]),
        (
            {"quantity": None, "amount": "invalid", "cost_amount": Decimal("-1E+17")},
            ["amount", "cost_amount"],
        ),
        ({"quantity": Decimal(3), "amount": Decimal("12.50"), "cost_amount": None}, []),
    ],
)
def test_line_problems_name_the_numbers_a_line_cannot_keep(numbers, bad):
    assert rules.line_problems(**numbers) == bad

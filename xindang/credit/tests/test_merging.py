"""Which source supplies each rating fact (002 第九条, 第十一条): rules.merge_facts, table-driven and
without a database. The stricter side wins a disagreement; where the ledger has the customer's
history its figures replace the form's."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest

from xindang.credit import rules
from xindang.credit.sections import CreditSection
from xindang.ledger.facts import LedgerFacts

S = CreditSection()
D = Decimal
ON = date(2026, 6, 30)
INV, LEDGER = rules.SRC_INVESTIGATION, rules.SRC_LEDGER

# The investigation's answers with nothing found (the fields merge_facts reads).
BLANK_FORM = {
    "cooperation_since": None,
    "founded_on": None,
    "employee_count": None,
    "is_wholesaler": False,
    "yearly_collections_amount": None,
    "yearly_shipments_amount": None,
    "broken_promises_count": 0,
    "falling_turnover_months": 0,
    "operations_good": False,
    "past_credit_problems": False,
    **{f: False for f in rules.FINDING_FIELDS if f not in {"operations_good", "past_credit_problems"}},
}


def form(**answers):
    return SimpleNamespace(**{**BLANK_FORM, **answers})


def trade(**figures):
    """The ledger's facts of a customer we have traded with for three years, nothing bad."""
    values = {
        "first_trade_on": date(2023, 6, 1),
        "months_of_trade": 36,
        "has_credit_history": True,
        "avg_monthly_shipments": D(100_000),
        "avg_monthly_collections": D(90_000),
        "bad_debt_within_2y": False,
        "overdue_beyond_limit_within_2y": False,
        "broken_promises_2y": 0,
        "revenue_trend_falling_months": 0,
    }
    return LedgerFacts(**{**values, **figures})


NO_HISTORY = LedgerFacts(None, 0, False, D(0), D(0), False, False, 0, 0)

# (case, investigation, ledger, the facts expected: attribute → value, "sources.x" → source)
CASES = [
    (
        "nothing known: a new customer, no figures",
        None,
        None,
        {
            "months_of_cooperation": 0,
            "is_new": True,
            "yearly_collections": None,
            "operations_good_finding": None,
            "sources.investigation": None,
            "sources.broken_promises": INV,
        },
    ),
    (
        "months of cooperation from the form without trade history (第十五条(1))",
        form(cooperation_since=date(2024, 6, 30)),
        NO_HISTORY,
        {"months_of_cooperation": 24, "is_new": False, "sources.months_of_cooperation": INV},
    ),
    (
        "the ledger's months of trade replace the form's",
        form(cooperation_since=date(2016, 1, 1)),
        trade(months_of_trade=8),
        {"months_of_cooperation": 8, "is_new": True, "sources.months_of_cooperation": LEDGER},
    ),
    (
        "bad debt ticked on the form counts (第十六条(1))",
        form(bad_debt=True),
        trade(),
        {"bad_debt": True, "sources.bad_debt": INV},
    ),
    (
        "an overdue beyond the limit in the ledger is bad debt the form did not tick",
        form(),
        trade(overdue_beyond_limit_within_2y=True),
        {"bad_debt": True, "sources.bad_debt": LEDGER},
    ),
    (
        "both find bad debt: the ledger is named",
        form(bad_debt=True),
        trade(bad_debt_within_2y=True),
        {"bad_debt": True, "sources.bad_debt": LEDGER},
    ),
    (
        "broken promises: the higher count wins, the form's here (第十六条(2))",
        form(broken_promises=True, broken_promises_count=4),
        trade(broken_promises_2y=1),
        {"broken_promises": 4, "often_breaks_promises": True, "sources.broken_promises": INV},
    ),
    (
        "broken promises: the ledger's count when it is as high",
        form(broken_promises_count=2),
        trade(broken_promises_2y=2),
        {"broken_promises": 2, "often_breaks_promises": False, "sources.broken_promises": LEDGER},
    ),
    (
        "yearly collections and shipments from the ledger's monthly averages (第十五条(6))",
        form(yearly_collections_amount=D(1), yearly_shipments_amount=D(2)),
        trade(),
        {
            "yearly_collections": D(1_080_000),
            "yearly_shipments": D(1_200_000),
            "sources.yearly_collections": LEDGER,
            "avg_monthly_shipments": D(100_000),
        },
    ),
    (
        "yearly collections and shipments from the form without trade history",
        form(yearly_collections_amount=D(500_000), yearly_shipments_amount=D(600_000)),
        NO_HISTORY,
        {
            "yearly_collections": D(500_000),
            "yearly_shipments": D(600_000),
            "sources.yearly_shipments": INV,
        },
    ),
    (
        "the customer's own falling turnover is the form's; our falling sales are the ledger's",
        form(falling_turnover=True, falling_turnover_months=5),
        trade(revenue_trend_falling_months=3),
        {
            "falling_turnover": True,
            "falling_turnover_months": 5,
            "our_sales_falling_months": 3,
            "sources.falling_turnover_months": INV,
            "sources.our_sales_falling_months": LEDGER,
        },
    ),
    (
        "the company's age from the form's founding date before the file's (004 第九条1(1))",
        form(founded_on=date(2025, 6, 30), employee_count=40, is_wholesaler=True),
        None,
        {"company_age_months": 12, "employee_count": 40, "is_wholesaler": True},
    ),
]


@pytest.mark.parametrize(("case", "inv", "ledger", "expected"), CASES, ids=[c[0] for c in CASES])
def test_merge_facts_takes_each_fact_from_its_source(case, inv, ledger, expected):
    facts = rules.merge_facts(inv, ledger, on=ON, section=S, investigation_id=7 if inv else None)
    got = {
        name: (
            facts.sources.get(name[len("sources.") :])
            if name.startswith("sources.")
            else getattr(facts, name)
        )
        for name in expected
    }
    assert got == expected


def test_the_files_founding_date_serves_without_the_forms():
    facts = rules.merge_facts(None, None, customer_founded_on=date(2016, 6, 30), on=ON, section=S)
    assert facts.company_age_months == 120


def test_equity_is_assets_less_liabilities_when_the_latest_year_gives_none():
    years = (
        rules.YearFigures(2024, total_assets=D(900), liabilities=D(300), equity=D(600)),
        rules.YearFigures(2025, total_assets=D(1000), liabilities=D(400)),
    )
    facts = rules.merge_facts(form(), None, years=years, on=ON, section=S)
    assert (facts.equity, facts.debt_ratio_pct, facts.years) == (D(600), D(40), years)


def test_key_data_documents_and_the_investigation_are_recorded():
    facts = rules.merge_facts(
        form(),
        trade(),
        key_data_missing=["credit_code"],
        docs_complete=True,
        receivables=D("12.50"),
        on=ON,
        section=S,
        investigation_id=7,
        investigator="王芳",
    )
    assert not facts.key_data_complete and facts.documents_complete
    assert facts.receivables == D("12.50") and facts.investigator == "王芳"
    assert (facts.sources["investigation"], facts.sources["key_data_missing"]) == (7, ["credit_code"])
    assert facts.rating_year == 2026

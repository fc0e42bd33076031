"""The credit check's rules (002 第二十八、三十一–三十五条; 004 第七条, 第九条3), table-driven."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xindang.credit.control import rules
from xindang.credit.control.sections import CreditControlSection

D = Decimal
TODAY = date(2026, 11, 23)
POLICY = CreditControlSection().control_policy()


def exposure(shipments=0, invoices=0, prepayments=0, notes=0, reservations=0):
    return {
        "open_shipments": D(shipments),
        "open_invoices": D(invoices),
        "prepayments": D(prepayments),
        "notes": D(notes),
        "reservations": D(reservations),
    }


def grant(limit=100_000, valid_until=TODAY + timedelta(days=30)):
    return rules.GrantInput(limit_amount=D(limit), valid_until=valid_until)


def inputs(**kw):
    base = {
        "grade": "A",
        "grant": grant(),
        "exposure": exposure(),
        "amount": D(10_000),
        "kind": "shipment",
        "control_point": rules.SHIPMENT,
        "on": TODAY,
    }
    base.update(kw)
    return rules.CheckInputs(**base)


@pytest.mark.parametrize(
    "article, kw, outcome, codes",
    [
        ("第三十一条 within the grant", {}, rules.ALLOW, []),
        ("第二十八条 C customer", {"grade": "C", "grant": None}, rules.BLOCK, [rules.GRADE_C]),
        ("第二十八条 no grant", {"grant": None}, rules.BLOCK, [rules.NO_GRANT]),
        (
            "第三十一条 grant expired",
            {"grant": grant(valid_until=TODAY - timedelta(days=1))},
            rules.BLOCK,
            [rules.GRANT_EXPIRED],
        ),
        ("第三十二条 over the limit", {"amount": D(100_001)}, rules.BLOCK, [rules.OVER_LIMIT]),
        ("第三十二条 exactly the limit", {"amount": D(100_000)}, rules.WARN, [rules.NEAR_LIMIT]),
        (
            "第三十二条 reservations count",
            {"exposure": exposure(reservations=95_000)},
            rules.BLOCK,
            [rules.OVER_LIMIT],
        ),
        (
            "004 第八条 notes and prepayments count",
            {"exposure": exposure(prepayments=50_000, notes=45_000)},
            rules.BLOCK,
            [rules.OVER_LIMIT],
        ),
        (
            "第三十三条 already over the limit",
            {"exposure": exposure(shipments=120_000), "amount": D(1)},
            rules.BLOCK,
            [rules.REDUCTION_ONLY, rules.OVER_LIMIT],
        ),
        (
            "第三十四条 no limit but exposure",
            {"grant": None, "exposure": exposure(invoices=5_000)},
            rules.BLOCK,
            [rules.NO_GRANT, rules.REDUCTION_ONLY],
        ),
        (
            "第三十四条 payment lowers the exposure: allowed",
            {"grant": None, "exposure": exposure(invoices=5_000), "kind": "payment"},
            rules.ALLOW,
            [rules.LOWERS_EXPOSURE],
        ),
        (
            "第三十五条 overdue debt unpaid",
            {"oldest_overdue": rules.OverdueInput(TODAY - timedelta(days=3), D(800))},
            rules.BLOCK,
            [rules.OVERDUE_UNPAID],
        ),
        (
            "第三十五条 due today is not overdue",
            {"oldest_overdue": rules.OverdueInput(TODAY, D(800))},
            rules.ALLOW,
            [],
        ),
        (
            "004 第七条 trade suspended",
            {"trade_suspended": True},
            rules.BLOCK,
            [rules.TRADE_SUSPENDED],
        ),
        (
            "004 第九条3(2) warning above 90 %",
            {"exposure": exposure(shipments=81_000)},
            rules.WARN,
            [rules.NEAR_LIMIT],
        ),
        (
            "004 第九条3(2) below 90 %: no warning",
            {"exposure": exposure(shipments=79_000)},
            rules.ALLOW,
            [],
        ),
        (
            "matrix: orders of A customers only warn",
            {"control_point": rules.ORDER, "amount": D(200_000)},
            rules.WARN,
            [rules.OVER_LIMIT],
        ),
        (
            "第三十二条 approved over-limit lets it through",
            {"amount": D(150_000), "approval_available": True},
            rules.ALLOW,
            [rules.OVER_LIMIT, rules.OVER_LIMIT_APPROVED],
        ),
        (
            "004 第七条 approval does not lift a suspension",
            {"amount": D(150_000), "approval_available": True, "trade_suspended": True},
            rules.BLOCK,
            [rules.TRADE_SUSPENDED, rules.OVER_LIMIT],
        ),
    ],
)
def test_decide_follows_the_articles(article, kw, outcome, codes):
    decision = rules.decide(inputs(**kw), POLICY)
    assert decision.outcome == outcome, article
    assert decision.codes == codes, article
    for r in decision.reasons:
        assert r.article == rules.ARTICLES[r.code]


def test_route_to_approval_asks_for_approval_when_an_approval_could_lift_the_block():
    policy = rules.ControlPolicy(matrix={"A": {rules.SHIPMENT: rules.ROUTE}})
    over = rules.decide(inputs(amount=D(150_000)), policy)
    assert over.outcome == rules.APPROVAL_REQUIRED
    assert over.overage_amount == D(50_000)
    suspended = rules.decide(inputs(amount=D(150_000), trade_suspended=True), policy)
    assert suspended.outcome == rules.BLOCK


def test_overdue_grace_days_and_switch():
    overdue = rules.OverdueInput(TODAY - timedelta(days=5), D(100))
    lenient = rules.ControlPolicy(matrix=POLICY.matrix, overdue_grace_days=5)
    assert rules.decide(inputs(oldest_overdue=overdue), lenient).outcome == rules.ALLOW
    off = rules.ControlPolicy(matrix=POLICY.matrix, overdue_blocks=False)
    assert rules.decide(inputs(oldest_overdue=overdue), off).outcome == rules.ALLOW
    assert rules.decide(inputs(oldest_overdue=overdue), POLICY).outcome == rules.BLOCK


@pytest.mark.parametrize(
    "overage, grade, chain_end",
    [
        (D(30_000), "B", "finance_credit_controller"),
        (D(80_000), "A", "finance_credit_controller"),  # A customers have more room
        (D(80_000), "B", "cfo"),
        (D(500_000), "乙", "cfo"),
        (D("500000.01"), "A", "general_manager"),  # 004 第九条3(3): over → the GM
    ],
)
def test_over_limit_approval_tier_by_overage_and_grade(overage, grade, chain_end):
    chain = CreditControlSection().approval_chain(overage=overage, grade=grade)
    assert chain[:2] == ["marketing_manager", "finance_credit_controller"]  # 第三十二条
    assert chain[-1] == chain_end


def test_section_refuses_unknown_strengths_and_an_incomplete_tier_table():
    with pytest.raises(ValueError):
        CreditControlSection(control_matrix={"A": {"shipment": "maybe"}})
    with pytest.raises(ValueError):
        CreditControlSection(control_matrix={"Z": {"shipment": "block"}})
    with pytest.raises(ValueError):
        CreditControlSection(over_limit_tiers=[{"up_to_amount": "10", "chain": ["cfo"]}])


# --- Properties ---------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(
    min_value="0.01", max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False
)
grades = st.sampled_from([None, *rules.GRADES])
points = st.sampled_from(rules.CONTROL_POINTS)
strengths = st.sampled_from(rules.STRENGTHS)


@st.composite
def any_inputs(draw, kind=None, approval=None):
    has_grant = draw(st.booleans())
    return rules.CheckInputs(
        grade=draw(grades),
        grant=rules.GrantInput(
            draw(money),
            draw(st.sampled_from([None, TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=9)])),
        )
        if has_grant
        else None,
        exposure=exposure(*[draw(money) for _ in range(5)]),
        amount=draw(positive),
        kind=kind or draw(st.sampled_from(rules.CHECK_KINDS)),
        control_point=draw(points),
        on=TODAY,
        oldest_overdue=draw(
            st.none() | st.builds(rules.OverdueInput, st.just(TODAY - timedelta(days=2)), positive)
        ),
        trade_suspended=draw(st.booleans()),
        approval_available=draw(st.booleans()) if approval is None else approval,
    )


def matrix_policy(strength):
    return rules.ControlPolicy(matrix={"default": dict.fromkeys(rules.CONTROL_POINTS, strength)})


@settings(max_examples=300)
@given(any_inputs(kind="shipment", approval=False), st.sampled_from([rules.STRENGTH_BLOCK, rules.ROUTE]))
def test_never_allows_past_the_limit_without_an_approval(inp, strength):
    decision = rules.decide(inp, matrix_policy(strength))
    after = rules.total_exposure(inp.exposure) + inp.amount
    if inp.grant is None or after > inp.grant.limit_amount or not rules.grant_usable(inp.grant, TODAY):
        assert decision.outcome not in (rules.ALLOW, rules.WARN)


@settings(max_examples=200)
@given(any_inputs(), strengths)
def test_entries_that_lower_the_exposure_always_pass(inp, strength):
    if inp.kind in rules.RAISING_KINDS:
        return
    assert rules.decide(inp, matrix_policy(strength)).outcome == rules.ALLOW


@settings(max_examples=200)
@given(any_inputs())
def test_ignore_never_blocks(inp):
    assert rules.decide(inp, matrix_policy(rules.IGNORE)).outcome == rules.ALLOW


@settings(max_examples=200)
@given(any_inputs(kind="shipment"), strengths)
def test_an_approval_never_lifts_a_suspension_or_grade_c(inp, strength):
    decision = rules.decide(inp, matrix_policy(strength))
    if strength != rules.IGNORE and (inp.trade_suspended or inp.grade == "C"):
        assert decision.outcome not in (rules.ALLOW,) or strength == rules.STRENGTH_WARN
        assert not decision.approval_used

"""The credit check's rules (002 第二十八、三十一–三十五条; 004 客户信息管理制度 第七条, 第九条3),
table-driven."""

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
            "004 客户信息管理制度 第八条 + 002 第二十二条 notes and prepayments count",
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
            "第三十五条 previous month's debt not cleared (not yet due)",
            {
                "previous_month_debt": rules.OverdueInput(
                    TODAY + timedelta(days=5), D(800), 7, TODAY - timedelta(days=40)
                )
            },
            rules.BLOCK,
            [rules.PREVIOUS_DEBT],
        ),
        (
            "第三十五条 this month's open debt is not the previous debt",
            {"oldest_overdue": None, "previous_month_debt": None},
            rules.ALLOW,
            [],
        ),
        (
            "第三十五条 overdue this month is not the previous month's debt",
            {"oldest_overdue": rules.OverdueInput(TODAY - timedelta(days=3), D(800))},
            rules.ALLOW,
            [],
        ),
        (
            "第三十四条 no limit: a shipment the advance payment covers keeps the exposure",
            {"grant": None, "exposure": {**exposure(invoices=5_000), "credit_balance": D(10_000)}},
            rules.ALLOW,
            [rules.COVERED_BY_PREPAYMENT],
        ),
        (
            "第三十四条 no limit: a shipment beyond the advance payment is blocked",
            {"grant": None, "exposure": {**exposure(), "credit_balance": D(9_999)}},
            rules.BLOCK,
            [rules.NO_GRANT],
        ),
        (
            "第三十四条 no limit: a cash sale is no credit",
            {"grant": None, "exposure": exposure(invoices=5_000), "kind": rules.CASH_SALE},
            rules.ALLOW,
            [rules.PAID_IN_CASH],
        ),
        (
            "004 客户信息管理制度 第七条 a suspended trade stops cash sales too",
            {"grant": None, "kind": rules.CASH_SALE, "trade_suspended": True},
            rules.BLOCK,
            [rules.TRADE_SUSPENDED],
        ),
        (
            "004 客户信息管理制度 第十一条1(3) the salesperson's emergency stop",
            {"shipments_stopped": True},
            rules.BLOCK,
            [rules.SHIPMENTS_STOPPED],
        ),
        (
            "004 客户信息管理制度 第七条 trade suspended",
            {"trade_suspended": True},
            rules.BLOCK,
            [rules.TRADE_SUSPENDED],
        ),
        (
            "004 客户信息管理制度 第九条3(2) warning above 90 %",
            {"exposure": exposure(shipments=81_000)},
            rules.WARN,
            [rules.NEAR_LIMIT],
        ),
        (
            "004 客户信息管理制度 第九条3(2) below 90 %: no warning",
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
            "004 客户信息管理制度 第七条 approval does not lift a suspension",
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


def _policy(**kw):
    return rules.ControlPolicy(matrix=POLICY.matrix, **kw)


def test_overdue_only_departure_grace_days_and_switch():
    """The old reading of 第三十五条 (only overdue debt blocks) is a departure, with its grace days."""
    overdue = rules.OverdueInput(TODAY - timedelta(days=5), D(100))
    only = _policy(previous_debt_mode=rules.OVERDUE_ONLY)
    assert rules.decide(inputs(oldest_overdue=overdue), only).codes == [rules.OVERDUE_UNPAID]
    lenient = _policy(previous_debt_mode=rules.OVERDUE_ONLY, overdue_grace_days=5)
    assert rules.decide(inputs(oldest_overdue=overdue), lenient).outcome == rules.ALLOW
    off = _policy(previous_debt_mode=rules.OVERDUE_ONLY, overdue_blocks=False)
    assert rules.decide(inputs(oldest_overdue=overdue), off).outcome == rules.ALLOW


@pytest.mark.parametrize(
    "article, period, previous, overdue, codes",
    [
        # 002 第三十五条 上次欠款未结清前,原则上不再进行新的预付款、赊销 — 50,000 open, not yet due,
        # entered last month: the text blocks it (the old overdue-only default allowed it).
        ("month: last month's debt, not yet due", rules.MONTH, (40, -5), None, [rules.PREVIOUS_DEBT]),
        ("month: nothing entered before this month", rules.MONTH, None, None, []),
        ("contract term: the term has ended", rules.CONTRACT_TERM, None, (40, 3), [rules.PREVIOUS_DEBT]),
        ("contract term: last month's, term not ended", rules.CONTRACT_TERM, (40, -5), None, []),
    ],
)
def test_previous_debt_by_settlement_period_article_35(article, period, previous, overdue, codes):
    def item(days):
        if days is None:
            return None
        entered, due = days
        return rules.OverdueInput(TODAY - timedelta(days=due), D(50_000), 11, TODAY - timedelta(days=entered))

    policy = _policy(settlement_period=period)
    decision = rules.decide(inputs(previous_month_debt=item(previous), oldest_overdue=item(overdue)), policy)
    assert decision.codes == codes, article
    if codes:
        assert decision.outcome == rules.BLOCK and decision.approvable, "原则上: an approval may lift it"
        assert (
            decision.reasons[0].params["entry_id"] == 11
            and decision.reasons[0].params["open_amount"] == "50000"
        )


def test_previous_debt_routes_to_approval_under_route_to_approval():
    policy = rules.ControlPolicy(matrix={"A": {rules.SHIPMENT: rules.ROUTE}})
    debt = rules.OverdueInput(TODAY + timedelta(days=9), D(50_000), 3, TODAY - timedelta(days=35))
    assert rules.decide(inputs(previous_month_debt=debt), policy).outcome == rules.APPROVAL_REQUIRED


@pytest.mark.parametrize(
    "exposure_kw, amount",
    [({}, D(10_000)), ({"invoices": 5_000}, D(1)), ({"shipments": 1}, D(10_000_000))],
)
@pytest.mark.parametrize("strength", [rules.STRENGTH_BLOCK, rules.ROUTE])
def test_no_limit_blocks_without_an_approval_route_article_34(exposure_kw, amount, strength):
    """第三十四条 只能减少不能增加: no limit → blocked, and no over-limit approval may lift it."""
    policy = rules.ControlPolicy(matrix={"default": dict.fromkeys(rules.CONTROL_POINTS, strength)})
    decision = rules.decide(inputs(grant=None, exposure=exposure(**exposure_kw), amount=amount), policy)
    assert decision.outcome == rules.BLOCK and not decision.approvable
    approved = rules.decide(
        inputs(grant=None, exposure=exposure(**exposure_kw), amount=amount, approval_available=True), policy
    )
    assert approved.outcome == rules.BLOCK and not approved.approval_used


def test_no_limit_exception_is_gm_only_and_a_departure():
    policy = _policy(no_limit_exception=True)
    decision = rules.decide(inputs(grant=None), policy)
    assert decision.outcome == rules.BLOCK and decision.approvable and decision.exception
    used = rules.decide(inputs(grant=None, approval_available=True), policy)
    assert used.outcome == rules.ALLOW and rules.NO_LIMIT_EXCEPTION in used.codes
    assert CreditControlSection(no_limit_exception=True).approval_chain(
        overage=D(10_000), grade="A", exception=True
    ) == ["general_manager"]
    # a C customer stays without credit even then (第二十八条)
    assert not rules.decide(inputs(grant=None, grade="C"), policy).approvable


@pytest.mark.parametrize(
    "overage, grade, chain",
    [
        (D(30_000), "B", ["marketing_manager", "finance_credit_controller", "general_manager"]),
        (D(80_000), "A", ["marketing_manager", "finance_credit_controller", "general_manager"]),
        (
            D(80_000),
            "B",
            ["marketing_manager", "finance_credit_controller", "vp_marketing", "cfo", "general_manager"],
        ),
        (
            D(500_000),
            "乙",
            ["marketing_manager", "finance_credit_controller", "vp_marketing", "cfo", "general_manager"],
        ),
        (
            D("500000.01"),
            "A",
            ["marketing_manager", "finance_credit_controller", "vp_marketing", "cfo", "general_manager"],
        ),
        (D("0.01"), None, ["marketing_manager", "finance_credit_controller", "general_manager"]),
    ],
)
def test_every_over_limit_chain_ends_with_the_general_manager_004_article_9_3_3(overage, grade, chain):
    """004 客户信息管理制度 第九条3(3) 如超出信用限度额,营销主管须向总经理汇报: lower tiers add earlier
    steps (第三十二条: the marketing manager and the finance credit controller), never replace the GM."""
    assert CreditControlSection().approval_chain(overage=overage, grade=grade) == chain


def test_a_tier_without_the_general_manager_is_a_listed_departure():
    from xindang.policy.selectors import policy_departures

    default = CreditControlSection().model_dump(mode="json")
    assert policy_departures({"credit_control": default}) == []
    old = CreditControlSection(
        over_limit_tiers=[
            {"up_to_amount": "50000", "chain": ["marketing_manager", "finance_credit_controller"]},
            {"up_to_amount": None, "chain": ["general_manager"]},
        ],
        no_limit_exception=True,
        previous_debt_mode="overdue_only",
    ).model_dump(mode="json")
    rows = policy_departures({"credit_control": old})
    assert {r.field for r in rows} == {"over_limit_tiers", "no_limit_exception", "previous_debt_mode"}
    assert all(r.article.startswith(("004 客户信息管理制度", "002 客户信用管理制度")) for r in rows)


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
    if inp.kind in rules.RAISING_KINDS or (inp.kind == rules.CASH_SALE and inp.trade_suspended):
        return  # a cash sale keeps the exposure but still stops while trade is suspended
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

"""Generating and completing the monthly grant evaluation (seed 002 第三十七–四十二条)."""

from datetime import date, datetime, timedelta
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import make_user
from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.credit.evaluations import rules, services
from xindang.credit.evaluations.models import GrantEvaluation

from .conftest import OCT

pytestmark = pytest.mark.django_db

SEP, NOV = date(2026, 9, 1), date(2026, 11, 1)


def d(month, day):
    return date(2026, month, day)


def _evaluate(grant):
    services.generate_month(OCT)
    return GrantEvaluation.objects.get(grant=grant, month=OCT)


# --- Figures from a hand-built ledger (第三十七、四十条) -------------------------------------------
# Each case: entries (kind, amount, entry_on, due_on) and the expected figures of October 2026, with a
# limit of 1,000,000.
CASES = {
    "peak above the limit mid-month, end below it": (
        [
            ("shipment", 300_000, d(9, 20), d(10, 20)),
            ("shipment", 900_000, d(10, 10), d(11, 9)),
            ("payment", 500_000, d(10, 25), None),
        ],
        {
            "opening_exposure_amount": D(300_000),
            "peak_exposure_amount": D(1_200_000),
            "peak_exposure_on": d(10, 10),
            "end_exposure_amount": D(700_000),
            "shipments_amount": D(900_000),
            "collections_amount": D(500_000),
            "overdue_amount": D(0),  # the payment settled the oldest shipment first (FIFO)
            "oldest_overdue_days": 0,
            "days_over_limit": 15,  # 10th–24th
        },
    ),
    "old debt overdue at month end": (
        [("shipment", 400_000, d(8, 1), d(8, 31)), ("payment", 100_000, d(10, 5), None)],
        {
            "opening_exposure_amount": D(400_000),
            "peak_exposure_amount": D(400_000),
            "peak_exposure_on": d(10, 1),
            "end_exposure_amount": D(300_000),
            "collections_amount": D(100_000),
            "overdue_amount": D(300_000),
            "oldest_overdue_days": 61,  # 31 August → 31 October
            "days_over_limit": 0,
        },
    ),
    "a note received stays in exposure until settled": (
        [
            ("shipment", 200_000, d(9, 1), d(10, 1)),
            ("note_received", 200_000, d(10, 15), None),
        ],
        {
            "peak_exposure_amount": D(200_000),
            "end_exposure_amount": D(200_000),
            "collections_amount": D(200_000),
            "overdue_amount": D(0),
        },
    ),
    "prepayment and goods received": (
        [("prepayment", 500_000, d(10, 3), d(11, 2)), ("goods_received", 500_000, d(10, 20), None)],
        {
            "opening_exposure_amount": D(0),
            "peak_exposure_amount": D(500_000),
            "peak_exposure_on": d(10, 3),
            "end_exposure_amount": D(0),
            "collections_amount": D(0),
            "shipments_amount": D(0),
        },
    ),
    "carried in over the limit all month": (
        [("shipment", 1_100_000, d(9, 15), d(12, 31))],
        {"peak_exposure_amount": D(1_100_000), "end_exposure_amount": D(1_100_000), "days_over_limit": 31},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_figures_from_the_ledger(case, customer, grant, post):
    entries, expected = CASES[case]
    for kind, amount, entry_on, due_on in entries:
        post(customer, kind, amount, entry_on, due_on=due_on)
    ev = _evaluate(grant)
    assert {name: getattr(ev, name) for name in expected} == expected
    assert ev.limit_amount == D(1_000_000) and ev.term_days == 30


def test_a_reversal_undoes_the_entry_it_reverses(customer, grant, post):
    from xindang.ledger import services as ledger

    shipment = post(customer, "shipment", 600_000, d(10, 5), due_on=d(11, 4))
    ledger.reverse_entry(entry=shipment, entry_on=d(10, 6), reason="录入错误")
    ev = _evaluate(grant)
    assert (ev.peak_exposure_amount, ev.peak_exposure_on, ev.end_exposure_amount) == (
        D(600_000),
        d(10, 5),
        D(0),
    )
    assert ev.shipments_amount == D(0)


def test_promises_and_breaches_of_the_month(customer, grant, salesperson, credit_manager):
    from xindang.credit.control.models import CreditCheck, OverLimitRequest
    from xindang.ledger.collection.models import PaymentPromise

    def promise(made_on, promised_on, status):
        PaymentPromise.objects.create(
            customer=customer,
            amount=D(10_000),
            made_on=made_on,
            promised_on=promised_on,
            status=status,
            created_by=salesperson,
        )

    promise(d(10, 2), d(10, 15), "kept")
    promise(d(10, 3), d(10, 20), "broken")
    promise(d(9, 20), d(10, 5), "broken")
    promise(d(10, 25), d(11, 10), "open")
    promise(d(8, 1), d(9, 1), "kept")
    in_oct = timezone.make_aware(datetime(2026, 10, 12, 10, 0))
    in_nov = timezone.make_aware(datetime(2026, 11, 1, 0, 30))
    for outcome, at in (
        ("block", in_oct),
        ("approval_required", in_oct),
        ("allow", in_oct),
        ("block", in_nov),
    ):
        check = CreditCheck.objects.create(
            customer=customer,
            amount=D(5000),
            kind="shipment",
            control_point="shipment",
            outcome=outcome,
            exposure_amount=D(0),
        )
        CreditCheck.objects.filter(pk=check.pk).update(checked_at=at)
    for status, used_at in (("used", in_oct), ("approved", None), ("used", in_nov)):
        OverLimitRequest.objects.create(
            customer=customer,
            amount=D(5000),
            kind="shipment",
            control_point="shipment",
            exposure_amount=D(0),
            overage_amount=D(5000),
            status=status,
            used_at=used_at,
        )
    ev = _evaluate(grant)
    assert (ev.promises_made, ev.promises_kept, ev.promises_broken) == (3, 1, 2)
    assert (ev.blocked_checks, ev.over_limit_approvals) == (2, 1)


def test_figures_of_one_customer_do_not_leak_into_another(
    make_customer, other_salesperson, customer, grant, make_grant, post
):
    other = make_customer(other_salesperson, name="长江建材有限公司")
    other_grant = make_grant(other, limit="50000")
    post(other, "shipment", 80_000, d(10, 3), due_on=d(10, 10))
    services.generate_month(OCT)
    mine, theirs = (GrantEvaluation.objects.get(grant=g, month=OCT) for g in (grant, other_grant))
    assert mine.peak_exposure_amount == D(0) and mine.days_over_limit == 0
    assert theirs.peak_exposure_amount == D(80_000) and theirs.days_over_limit == 29
    assert theirs.overdue_amount == D(80_000) and theirs.oldest_overdue_days == 21
    assert theirs.salesperson == other_salesperson


# --- Generation: idempotent, every grant in force at any time in the month (第三十八条) ------------
def test_generation_is_idempotent(customer, grant):
    first = services.generate_month(OCT)
    second = services.generate_month(OCT)
    assert (first.created, first.existing) == (1, 0)
    assert (second.created, second.existing) == (0, 1)
    created, existing = second  # the documented (created, existing) unpacking
    assert (created, existing) == (0, 1)
    assert GrantEvaluation.objects.filter(month=OCT).count() == 1
    assert AuditEvent.objects.filter(action="evaluation.generate").count() == 2


@pytest.mark.parametrize(
    ("fields", "evaluated"),
    [
        ({"valid_from": d(10, 31), "valid_until": date(2027, 10, 30)}, True),  # in force from the last day
        ({"valid_from": date(2025, 11, 1), "valid_until": d(10, 1)}, True),  # ended on the first day
        ({"valid_from": date(2025, 10, 1), "valid_until": d(9, 30)}, False),
        ({"valid_from": NOV, "valid_until": date(2027, 10, 31)}, False),
        ({"status": "pending"}, False),
        ({"status": "rejected"}, False),
        ({"status": "expired", "valid_until": d(10, 15)}, True),
    ],
)
def test_which_grants_get_an_evaluation(customer, make_grant, fields, evaluated):
    grant = make_grant(customer, **fields)
    services.generate_month(OCT)
    assert GrantEvaluation.objects.filter(grant=grant, month=OCT).exists() is evaluated


def test_a_grant_replaced_mid_month_and_its_successor_each_get_one(customer, make_grant, post):
    old = make_grant(customer, limit="100000", status="replaced")
    new = make_grant(customer, limit="500000", valid_from=d(10, 16), replaces=old)
    post(customer, "shipment", 200_000, d(10, 5), due_on=d(11, 4))
    services.generate_month(OCT)
    ev_old = GrantEvaluation.objects.get(grant=old, month=OCT)
    ev_new = GrantEvaluation.objects.get(grant=new, month=OCT)
    assert ev_old.grant_until == d(10, 15)
    assert ev_old.days_over_limit == 11  # 5th–15th, while the old limit was in force
    assert ev_new.days_over_limit == 0


def test_figures_follow_the_ledger_until_the_controller_signs(evaluation, customer, post, finance_controller):
    post(customer, "shipment", 120_000, d(10, 20), due_on=d(11, 19))
    result = services.generate_month(OCT)
    assert (result.created, result.refreshed) == (0, 1)
    evaluation.refresh_from_db()
    assert evaluation.end_exposure_amount == D(120_000)

    services.sign_figures(evaluation=evaluation, by=finance_controller, remarks="已核对")
    post(customer, "shipment", 50_000, d(10, 21), due_on=d(11, 20))
    assert services.generate_month(OCT).refreshed == 0
    evaluation.refresh_from_db()
    assert evaluation.end_exposure_amount == D(120_000)
    with pytest.raises(DomainError) as exc:
        services.refresh_figures(evaluation=evaluation, by=finance_controller)
    assert exc.value.code == "evaluation.already_signed"


def test_command_generates_and_says_when_nothing_is_new(grant, capsys):
    call_command("monthly_evaluations", "--month", "2026-10")
    assert "created 1" in capsys.readouterr().out
    call_command("monthly_evaluations", "--month", "2026-10")
    assert "nothing to create" in capsys.readouterr().out
    assert GrantEvaluation.objects.count() == 1


def test_command_refuses_a_month_not_ended():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("monthly_evaluations", "--month", f"{timezone.localdate():%Y-%m}")
    with pytest.raises(CommandError):
        call_command("monthly_evaluations", "--month", "2026-13")


# --- The three signatures (第三十九–四十一条) --------------------------------------------------------
def test_sign_report_review_in_either_order(evaluation, finance_controller, manager, marketing_manager):
    services.submit_report(
        evaluation=evaluation, by=manager, operations_report="经营正常,订单稳定。", confirmed=True
    )
    evaluation.refresh_from_db()
    assert evaluation.status == rules.SALESPERSON_REPORTED
    with pytest.raises(DomainError) as exc:
        services.review_evaluation(evaluation=evaluation, by=marketing_manager, opinion="同意")
    assert exc.value.code == "evaluation.not_ready_for_review"

    services.sign_figures(evaluation=evaluation, by=finance_controller, remarks="数据属实")
    evaluation.refresh_from_db()
    assert evaluation.status == rules.READY_FOR_REVIEW

    services.review_evaluation(evaluation=evaluation, by=marketing_manager, opinion="同意,维持现有额度。")
    evaluation.refresh_from_db()
    assert evaluation.status == rules.REVIEWED
    assert evaluation.reviewed_by == marketing_manager and evaluation.proposed_grant is None
    actions = set(AuditEvent.objects.filter(object_id=str(evaluation.pk)).values_list("action", flat=True))
    assert {"evaluation.sign", "evaluation.report", "evaluation.review"} <= actions


def test_each_signature_once(evaluation, finance_controller, manager):
    services.sign_figures(evaluation=evaluation, by=finance_controller)
    with pytest.raises(DomainError) as exc:
        services.sign_figures(evaluation=evaluation, by=finance_controller)
    assert exc.value.code == "evaluation.already_signed"
    services.submit_report(evaluation=evaluation, by=manager, operations_report="正常", confirmed=True)
    with pytest.raises(DomainError) as exc:
        services.submit_report(evaluation=evaluation, by=manager, operations_report="再报", confirmed=True)
    assert exc.value.code == "evaluation.already_reported"


@pytest.mark.parametrize(
    ("who", "text", "confirmed", "code"),
    [
        ("other_salesperson", "正常", True, "evaluation.not_supervisor"),
        ("salesperson", "正常", True, "evaluation.not_supervisor"),  # 业务主管, not 经办业务员 (第十九条)
        ("other_manager", "正常", True, "evaluation.not_supervisor"),  # another department's manager
        ("manager", "  ", True, "evaluation.text_required"),
        ("manager", "正常", False, "evaluation.not_confirmed"),  # 第三十九条: answers for its truth
    ],
)
def test_only_the_business_supervisor_reports_and_confirms(request, evaluation, who, text, confirmed, code):
    user = request.getfixturevalue(who)
    with pytest.raises(DomainError) as exc:
        services.submit_report(evaluation=evaluation, by=user, operations_report=text, confirmed=confirmed)
    assert exc.value.code == code


@pytest.fixture
def other_manager(dept_xs2):
    from xindang.accounts.roles import Role

    return make_user("qianliu", Role.DEPARTMENT_MANAGER, department=dept_xs2)


@pytest.fixture
def ready(evaluation, finance_controller, manager):
    services.sign_figures(evaluation=evaluation, by=finance_controller)
    services.submit_report(evaluation=evaluation, by=manager, operations_report="正常", confirmed=True)
    evaluation.refresh_from_db()
    return evaluation


def test_a_department_manager_reviews_only_the_departments_files(ready, dept_xs1, other_manager, manager):
    from xindang.accounts.roles import Role

    with pytest.raises(DomainError) as exc:
        services.review_evaluation(evaluation=ready, by=other_manager, opinion="同意")
    assert exc.value.code == "evaluation.not_reviewer"
    with pytest.raises(DomainError) as exc:
        services.review_evaluation(evaluation=ready, by=manager, opinion="同意")  # wrote the report
    assert exc.value.code == "evaluation.own_report"
    second = make_user("xs1jingli2", Role.DEPARTMENT_MANAGER, department=dept_xs1)
    services.review_evaluation(evaluation=ready, by=second, opinion="同意")
    ready.refresh_from_db()
    assert ready.status == rules.REVIEWED


def test_reviewed_is_final(ready, marketing_manager, finance_controller):
    services.review_evaluation(evaluation=ready, by=marketing_manager, opinion="同意")
    with pytest.raises(DomainError) as exc:
        services.review_evaluation(evaluation=ready, by=marketing_manager, opinion="再评")
    assert exc.value.code == "evaluation.already_reviewed"


# --- Adjustment proposal into the grant approval chain (第四十一–四十二条) ----------------------------
def test_a_lower_limit_goes_to_the_grant_approval_chain(ready, grant, marketing_manager, ceiling_allows):
    services.review_evaluation(
        evaluation=ready,
        by=marketing_manager,
        opinion="回款放缓,建议压缩额度。",
        proposed_limit_amount=D(600_000),
        proposal_reason="近三个月回款放缓",
    )
    ready.refresh_from_db()
    request = ready.proposed_grant
    assert request is not None and request.status == "pending"
    assert request.replaces == grant and request.limit_amount == D(600_000)
    assert request.approval is not None and request.approval.warnings == []
    assert ready.status == rules.REVIEWED


def test_an_adjusted_limit_is_approved_by_the_general_manager_and_the_chairman(
    ready, grant, marketing_manager, ceiling_allows
):
    """002 第四十一条: 报总经理、董事长批准 — the proposal goes through the grant chain, which ends with
    the general manager and the chairman (第三十条)."""
    services.review_evaluation(
        evaluation=ready,
        by=marketing_manager,
        opinion="回款放缓,建议压缩额度。",
        proposed_limit_amount=D(600_000),
        proposal_reason="近三个月回款放缓",
    )
    ready.refresh_from_db()
    roles = [s.role for s in ready.proposed_grant.approval.current_steps()]
    assert roles[-2:] == ["general_manager", "chairman"]


def test_an_increase_is_refused_while_the_existing_limit_is_the_ceiling(
    ready, marketing_manager, ceiling_allows
):
    """002 第二十六条2 按从低标准执行 (the default): the existing limit is the ceiling of an adjustment."""
    with pytest.raises(DomainError) as exc:
        services.review_evaluation(
            evaluation=ready,
            by=marketing_manager,
            opinion="业务扩大",
            proposed_limit_amount=D(1_500_000),
            proposal_reason="新增长期合同",
        )
    assert exc.value.code == "grant.over_ceiling"
    ready.refresh_from_db()
    assert ready.proposed_grant is None and ready.reviewed_by is None


def test_an_increase_carries_the_article_42_warning(ready, marketing_manager, ceiling_allows, monkeypatch):
    # Under the departure from 第二十六条2 (existing limit only warns) the increase goes to the
    # approvers with the warning they must acknowledge (grants policy, 第四十二条).
    from xindang.credit.grants.services import requests as grant_requests
    from xindang.policy.selectors import build_policy

    departed = build_policy({"grants": {"existing_limit_is_ceiling": False}})
    monkeypatch.setattr(grant_requests, "current_policy", lambda: departed)
    services.review_evaluation(
        evaluation=ready,
        by=marketing_manager,
        opinion="业务扩大",
        proposed_limit_amount=D(1_500_000),
        proposal_reason="新增长期合同",
    )
    ready.refresh_from_db()
    assert ready.proposed_grant.approval.warnings  # 第四十二条
    event = AuditEvent.objects.get(action="evaluation.review", object_id=str(ready.pk))
    assert event.data["warnings"] == [rules.INCREASE_WARNING]


@pytest.mark.parametrize(
    ("amount", "reason", "code"),
    [(D(1_000_000), "不变", "evaluation.same_limit"), (D(600_000), "", "evaluation.reason_required")],
)
def test_adjustment_problems_leave_the_evaluation_unreviewed(ready, marketing_manager, amount, reason, code):
    with pytest.raises(DomainError) as exc:
        services.review_evaluation(
            evaluation=ready,
            by=marketing_manager,
            opinion="x",
            proposed_limit_amount=amount,
            proposal_reason=reason,
        )
    assert exc.value.code == code
    ready.refresh_from_db()
    assert ready.status == rules.READY_FOR_REVIEW


def test_a_refused_grant_request_rolls_the_review_back(ready, marketing_manager):
    """Without a rating the grants module refuses any request: the review is not saved either."""
    with pytest.raises(DomainError) as exc:
        services.review_evaluation(
            evaluation=ready,
            by=marketing_manager,
            opinion="x",
            proposed_limit_amount=D(500_000),
            proposal_reason="y",
        )
    assert exc.value.code.startswith("grant.")
    ready.refresh_from_db()
    assert ready.status == rules.READY_FOR_REVIEW and ready.reviewed_at is None


def test_figures_take_the_same_few_queries_for_many_customers_and_days(
    make_customer, salesperson, make_grant, post
):
    """Grouped queries over all the month's customers (not one per customer or per day)."""
    from xindang.credit.evaluations import selectors

    def count_queries(n_customers):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        ids = []
        for i in range(n_customers):
            c = make_customer(salesperson, name=f"测试客户{n_customers}-{i}有限公司")
            make_grant(c)
            for day in range(1, 29, 3):
                post(c, "shipment", 1000 + day, d(10, day), due_on=d(10, day) + timedelta(days=20))
            ids.append(c.pk)
        with CaptureQueriesContext(connection) as ctx:
            figures = selectors.month_ledger_figures(ids, OCT)
        assert len(figures) == n_customers
        return len(ctx.captured_queries)

    assert count_queries(1) == count_queries(6) <= 8


def test_a_file_handed_to_another_salesperson_is_reported_by_its_new_owner(
    evaluation, dept_xs1, salesperson, credit_manager
):
    from xindang.accounts.roles import Role
    from xindang.customers.models import Customer
    from xindang.testing.samples import set_policy

    set_policy(credit_manager, "evaluations", reporter="salesperson")  # the departure of 第三十九条
    successor = make_user("zhouqi", Role.SALESPERSON, department=dept_xs1)
    Customer.objects.filter(pk=evaluation.customer_id).update(owner=successor)
    services.submit_report(
        evaluation=evaluation, by=successor, operations_report="接手后走访,经营正常", confirmed=True
    )
    evaluation.refresh_from_db()
    assert evaluation.reported_by == successor


@pytest.mark.parametrize(
    "entries",
    [
        # an advance (payment beyond what is open), then a shipment that uses it up
        [("shipment", 100, 2), ("payment", 300, 3), ("shipment", 150, 10), ("shipment", 120, 20)],
        # notes received and settled, prepayments half received
        [
            ("shipment", 500, 1),
            ("note_received", 200, 5),
            ("note_settled", 200, 25),
            ("prepayment", 400, 6),
            ("goods_received", 150, 9),
            ("credit_note", 50, 12),
        ],
    ],
)
def test_month_end_exposure_agrees_with_the_ledgers_maintained_totals(customer, grant, post, entries):
    """The evaluation's running exposure (from the entries) and the ledger's Exposure row (maintained
    entry by entry with FIFO allocation) are two computations of one figure (004 客户信息管理制度 第八条)."""
    from xindang.ledger.selectors import exposure_of

    note = None
    for kind, amount, day in entries:
        extra = {"due_on": d(11, 30)} if kind in ("shipment", "prepayment") else {}
        if kind == "note_settled":
            extra["settles"] = note
        entry = post(customer, kind, amount * 1000, d(10, day), **extra)
        note = entry if kind == "note_received" else note
    ev = _evaluate(grant)
    assert ev.end_exposure_amount == exposure_of(customer).total_amount

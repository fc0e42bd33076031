"""Investigations (002 第十–十二条) and ratings (第十三–十九条) through the services and the approval
engine: sign, review with contradictions, propose, override, approve, reject, supersede, rerate."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.core.errors import DomainError
from xindang.credit import selectors, services
from xindang.credit.models import InvestigationStatus, Rating, RatingStatus
from xindang.testing.samples import set_policy

from .conftest import good_years

pytestmark = pytest.mark.django_db


def approve_all(rating, *approvers):
    from xindang.approvals import services as approvals

    rating.refresh_from_db()
    for user in approvers:
        approvals.approve_step(approval=rating.approval, approver=user)
    rating.refresh_from_db()
    return rating


def propose(customer, *, by, **kwargs):
    """Propose; the salesperson in charge agrees (002 第十九条); send for approval."""
    rating = services.propose_rating(customer_id=customer.pk, by=by, **kwargs)
    if rating.status == RatingStatus.PROPOSED:
        services.sign_rating_as_salesperson(rating_id=rating.pk, by=rating.salesperson, agrees=True)
        rating = services.submit_rating(rating_id=rating.pk, by=by)
    return rating


# --- Investigations --------------------------------------------------------------------------------
def test_sign_sets_validity_from_policy_and_is_audited(investigate, customer):
    inv = investigate(customer, reviewer=None)
    assert inv.status == InvestigationStatus.SIGNED
    assert inv.valid_until is not None and inv.valid_until > inv.investigated_on
    assert (inv.valid_until - inv.investigated_on).days in range(89, 93)  # 3 months (001 动态管理)
    assert AuditEvent.objects.filter(action="credit.investigation.sign", object_id=str(inv.pk)).exists()


def test_only_the_author_signs(investigate, customer, manager):
    inv = investigate(customer, sign=False)
    with pytest.raises(DomainError) as exc:
        services.sign_investigation(investigation_id=inv.pk, by=manager)
    assert exc.value.code == "investigation.not_author"


def test_sign_needs_two_years_of_figures(investigate, customer, salesperson):
    inv = investigate(customer, sign=False, years=good_years()[:1])
    with pytest.raises(DomainError) as exc:
        services.sign_investigation(investigation_id=inv.pk, by=salesperson)
    assert exc.value.code == "investigation.too_few_years"


def test_author_cannot_review_own_form(investigate, customer, salesperson):
    inv = investigate(customer, reviewer=None)
    with pytest.raises(DomainError) as exc:
        services.review_investigation(investigation_id=inv.pk, by=salesperson, notes="ok")
    assert exc.value.code == "investigation.self_review"


def test_review_with_contradictions_needs_notes_and_records_them(investigate, customer, manager):
    years = good_years()
    years[1]["profit_amount"] = Decimal(
        "-100000"
    )  # a loss while "no losses" and "good operations" are ticked
    inv = investigate(customer, reviewer=None, years=years)
    with pytest.raises(DomainError) as exc:
        services.review_investigation(investigation_id=inv.pk, by=manager, notes="")
    assert exc.value.code == "investigation.notes_required"
    inv = services.review_investigation(investigation_id=inv.pk, by=manager, notes="亏损已核实")
    codes = {c["code"] for c in inv.contradictions}
    assert {"x.loss_not_declared", "x.good_operations_but_figures"} <= codes


def test_signed_investigation_cannot_be_edited(investigate, customer, salesperson):
    inv = investigate(customer, reviewer=None)
    with pytest.raises(DomainError) as exc:
        services.update_investigation(investigation_id=inv.pk, by=salesperson, data={"conclusion": "改"})
    assert exc.value.code == "investigation.not_draft"


def test_investigation_status_missing_valid_expired(investigate, customer):
    assert selectors.investigation_status(customer)["state"] == selectors.MISSING
    inv = investigate(customer)
    assert selectors.investigation_status(customer)["state"] == selectors.VALID
    later = inv.valid_until + timedelta(days=1)
    assert selectors.investigation_status(customer, on=later)["state"] == selectors.EXPIRED
    assert selectors.latest_valid_investigation(customer, on=later) is None


# --- Facts -----------------------------------------------------------------------------------------
def test_facts_come_from_the_investigation_and_the_file(investigate, customer, docs_complete):
    investigate(customer)
    facts = selectors.rating_facts(customer)
    assert facts.months_of_cooperation >= 35
    assert facts.sources["months_of_cooperation"] == "investigation"
    assert facts.key_data_complete and facts.documents_complete and not facts.is_new
    assert facts.debt_ratio_pct == Decimal("40.0")
    assert facts.yearly_collections == Decimal("2400000")


def test_missing_key_data_is_reported(investigate, make_customer, salesperson, docs_complete):
    bare = make_customer(salesperson, name="华北物资有限公司")
    investigate(bare)
    facts = selectors.rating_facts(bare)
    assert not facts.key_data_complete
    assert "legal_rep" in facts.sources["key_data_missing"]
    assert selectors.compute_rating(bare).grade == "B"


def test_without_required_documents_never_a(investigate, customer):
    investigate(customer)  # the file holds no documents: 002 第十八条
    result = selectors.compute_rating(customer)
    assert result.grade == "B"
    assert "b.documents_incomplete" in [r.code for r in result.reasons]


def test_bulk_facts_match_single(investigate, customer, make_customer, salesperson, docs_complete):
    other = make_customer(salesperson, name="江南纺织有限公司")
    investigate(customer)
    investigate(other, bad_debt=True)
    bulk = selectors.rating_facts_bulk([customer.pk, other.pk])
    assert bulk[customer.pk] == selectors.rating_facts(customer)
    assert bulk[other.pk].bad_debt


# --- Ratings through the approval engine -----------------------------------------------------------
@pytest.fixture
def chain_users(marketing_manager, finance_controller, gm):
    return [marketing_manager, finance_controller, gm]


def test_propose_computes_a_and_approval_chain_makes_it_effective(
    investigate, customer, credit_manager, chain_users, docs_complete
):
    investigate(customer)
    rating = propose(customer, by=credit_manager)
    assert rating.grade == rating.computed_grade == "A" and not rating.is_override
    assert rating.status == RatingStatus.PENDING and rating.approval_id
    assert [s.role for s in rating.approval.current_steps()] == [
        "marketing_manager",
        "finance_credit_controller",
        "general_manager",
    ]
    assert all(r["article"].startswith("002 第十五条") for r in rating.reasons)
    assert "002 第十五条(6)" in rating.approval.summary  # the approvers read the reasons
    assert selectors.current_rating(customer) is None  # nothing changes before the last step
    approve_all(rating, *chain_users[:2])
    assert rating.status == RatingStatus.PENDING
    approve_all(rating, chain_users[2])
    assert rating.status == RatingStatus.APPROVED and rating.effective_at
    assert selectors.current_rating(customer) == rating
    assert selectors.current_grades([customer.pk]) == {customer.pk: "A"}
    from xindang.policy.selectors import current_policy

    assert rating.policy_version == current_policy().version


def test_new_rating_supersedes_the_previous_one(
    investigate, customer, credit_manager, chain_users, docs_complete
):
    investigate(customer)
    first = approve_all(propose(customer, by=credit_manager), *chain_users)
    investigate(customer, freeze_risk=True)
    second = propose(customer, by=credit_manager)
    assert second.computed_grade == "C"
    assert [r["code"] for r in second.reasons] == ["c.freeze_risk"]
    approve_all(second, *chain_users)
    first.refresh_from_db()
    assert first.status == RatingStatus.SUPERSEDED
    assert selectors.current_rating(customer) == second
    assert Rating.objects.filter(customer=customer).count() == 2  # the history stays


def test_rejection_leaves_the_grade_in_force(investigate, customer, credit_manager, marketing_manager):
    from xindang.approvals import services as approvals

    investigate(customer)
    rating = propose(customer, by=credit_manager)
    approvals.reject(approval=rating.approval, approver=marketing_manager, reason="资料不全")
    rating.refresh_from_db()
    assert rating.status == RatingStatus.REJECTED
    assert selectors.current_rating(customer) is None


def test_override_needs_a_reason_and_is_marked(investigate, customer, credit_manager, docs_complete):
    investigate(customer)
    with pytest.raises(DomainError) as exc:
        propose(customer, by=credit_manager, grade="B")
    assert exc.value.code == "rating.override_reason_required"
    rating = propose(customer, by=credit_manager, grade="B", override_reason="新任法人代表,观察一个季度")
    assert rating.is_override and rating.grade == "B" and rating.computed_grade == "A"
    assert rating.approval.warnings  # the approvers see the override


def test_override_needs_the_capability(investigate, customer, manager, docs_complete):
    investigate(customer)
    with pytest.raises(DomainError) as exc:
        propose(customer, by=manager, grade="C", override_reason="x")
    assert exc.value.code == "rating.override_forbidden"


def test_propose_without_valid_investigation_is_refused(customer, credit_manager):
    with pytest.raises(DomainError) as exc:
        propose(customer, by=credit_manager)
    assert exc.value.code == "rating.no_investigation"


def test_proposer_cannot_approve_own_rating(investigate, customer, chain_users, docs_complete):
    from xindang.approvals import services as approvals

    mm = chain_users[0]
    both = make_user("qianjin", Role.MARKETING_MANAGER, Role.CREDIT_MANAGER, display_name="钱进")
    investigate(customer)
    rating = propose(customer, by=both)
    with pytest.raises(DomainError):
        approvals.approve_step(approval=rating.approval, approver=both)
    approvals.approve_step(approval=rating.approval, approver=mm)


def test_jyb_scheme_rates_jia_yi_bing(investigate, customer, credit_manager, sysadmin, docs_complete):
    set_policy(sysadmin, "credit", scheme="jyb")
    investigate(customer)
    rating = propose(customer, by=credit_manager)
    assert rating.scheme == "jyb" and rating.grade == "jia"
    assert rating.policy_version >= 1
    with pytest.raises(DomainError) as exc:
        propose(customer, by=credit_manager, grade="A", override_reason="x")
    assert exc.value.code in ("rating.invalid_grade", "rating.pending_exists")


# --- rerate ----------------------------------------------------------------------------------------
def test_rerate_proposes_changes_once(investigate, customer, make_customer, salesperson, docs_complete):
    other = make_customer(salesperson, name="江南纺织有限公司")
    investigate(customer)
    investigate(other, illegal_operation=True)
    first = services.rerate()
    assert {(c.customer_id, c.old_grade, c.new_grade) for c in first} == {
        (customer.pk, None, "A"),
        (other.pk, None, "C"),
    }
    assert Rating.objects.filter(status=RatingStatus.PROPOSED).count() == 2
    assert services.rerate() == []  # idempotent
    assert Rating.objects.count() == 2


def test_rerate_dry_run_and_department(
    investigate, customer, make_customer, other_salesperson, dept_xs2, docs_complete
):
    elsewhere = make_customer(other_salesperson, name="西部建材有限公司")
    xs2_manager = make_user("xs2mgr", Role.DEPARTMENT_MANAGER, department=dept_xs2)
    investigate(customer)
    investigate(elsewhere, author=other_salesperson, reviewer=xs2_manager)
    assert len(services.rerate(dry_run=True)) == 2
    assert Rating.objects.count() == 0
    only = services.rerate(department="XS1")
    assert [c.customer_id for c in only] == [customer.pk]


def test_rerate_skips_unchanged_grade(investigate, customer, credit_manager, chain_users, docs_complete):
    investigate(customer)
    approve_all(propose(customer, by=credit_manager), *chain_users)
    assert services.rerate() == []


def test_rerate_command_reports_and_is_idempotent(investigate, customer, docs_complete):
    from io import StringIO

    investigate(customer, debt_disputes=True)
    out = StringIO()
    call_command("rerate", stdout=out)
    text = out.getvalue()
    assert "华夏钢铁贸易有限公司" in text and "→ C" in text and "002 第十六条(3)" in text
    out = StringIO()
    call_command("rerate", stdout=out)
    assert "No changes." in out.getvalue()


# --- Workbench -------------------------------------------------------------------------------------
def test_workbench_lists_missing_and_expired_investigations(customer, credit_manager, salesperson):
    items = selectors.workbench_items(credit_manager)
    titles = [i.title for i in items]
    assert any(customer.name in t for t in titles)
    assert any("002 第十二条" in str(i.label) for i in items)
    assert selectors.workbench_items(salesperson) == []


def test_workbench_drops_customer_once_investigated(investigate, customer, credit_manager):
    investigate(customer)
    items = selectors.workbench_items(credit_manager)
    assert not any(customer.name in i.title for i in items)
    assert timezone.localdate() <= selectors.quarter_end(timezone.localdate())


# --- The ledger knows better -----------------------------------------------------------------------
def test_ledger_write_off_makes_c_and_the_reason_names_the_ledger(investigate, customer, docs_complete):
    from xindang.testing.factories import entry

    today = timezone.localdate()
    entry(customer, "shipment", "10000.00", today - timedelta(days=800))
    entry(customer, "payment", "10000.00", today - timedelta(days=700))
    entry(customer, "write_off", "5000.00", today - timedelta(days=60))
    inv = investigate(customer, months=1)  # the form says: one month of trade, no bad debt
    facts = selectors.rating_facts(customer)
    assert facts.sources["months_of_cooperation"] == "ledger" and facts.months_of_cooperation >= 25
    assert facts.bad_debt and facts.sources["bad_debt"] == "ledger"
    result = selectors.compute_rating(customer)
    assert result.grade == "C"
    assert result.reasons[0].code == "c.bad_debt" and result.reasons[0].params["source"] == "ledger"
    assert "x.bad_debt_in_ledger" in [r.code for r in selectors.investigation_contradictions(inv)]


def test_workbench_lists_rerate_proposals_for_proposers(
    investigate, customer, marketing_manager, docs_complete
):
    investigate(customer)
    assert selectors.workbench_items(marketing_manager) == []
    services.rerate()
    items = selectors.workbench_items(marketing_manager)
    assert [i.url for i in items] == ["/credit/?open=1"]


def test_a_proposal_on_an_expired_investigation_is_not_submitted(investigate, customer, credit_manager):
    inv = investigate(customer)
    rating = services.propose_rating(customer_id=customer.pk, by=credit_manager, submit=False)
    type(inv).objects.filter(pk=inv.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(DomainError) as exc:
        services.submit_rating(rating_id=rating.pk, by=credit_manager)
    assert exc.value.code == "rating.investigation_expired"

"""The credit rules as the regulation reads, through the real services: the investigator's findings
(002 第十五–十六条), 年度回款、发货 from the ledger, the customer's own turnover, the department manager's
review and the finance department's filing (第十条), the salesperson in charge (第十九条), and the
printed forms holding every field of the screen."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.core.errors import DomainError
from xindang.credit import selectors, services
from xindang.credit.models import RatingStatus
from xindang.testing.samples import set_policy

pytestmark = pytest.mark.django_db


def codes(reasons):
    return [r["code"] if isinstance(r, dict) else r.code for r in reasons]


# --- 6. The investigator's findings count --------------------------------------------------------
@pytest.mark.parametrize(
    ("finding", "code"),
    [
        ({"broken_promises": True, "broken_promises_count": 1}, "c.broken_promises_finding"),
        ({"falling_turnover": True, "falling_turnover_months": 1}, "c.falling_turnover_finding"),
    ],
)
def test_a_ticked_finding_below_the_threshold_gives_c_citing_who_found_it(
    investigate, customer, credit_manager, salesperson, docs_complete, finding, code
):
    investigate(customer, **finding)
    rating = services.propose_rating(customer_id=customer.pk, by=credit_manager)
    assert rating.computed_grade == "C"
    assert codes(rating.reasons) == [code]
    assert rating.reasons[0]["params"]["by"] == str(salesperson)
    assert rating.reasons[0]["article"].startswith("002 第十六条")


def test_the_reviewer_must_answer_a_finding_the_figures_do_not_bear_out(investigate, customer, manager):
    inv = investigate(customer, reviewer=None, broken_promises=True, broken_promises_count=1)
    with pytest.raises(DomainError) as exc:
        services.review_investigation(investigation_id=inv.pk, by=manager, notes="")
    assert exc.value.code == "investigation.notes_required"
    inv = services.review_investigation(investigation_id=inv.pk, by=manager, notes="业务员确认客户多次失信")
    assert "x.broken_promises_ticked_below" in codes(inv.contradictions)


def test_a_count_at_the_threshold_gives_c_even_unticked(investigate, customer, docs_complete):
    investigate(customer, broken_promises_count=3)
    result = selectors.compute_rating(customer)
    assert result.grade == "C" and codes(result.reasons) == ["c.broken_promises"]


def test_an_explicit_no_to_good_operations_prevents_a(investigate, customer, docs_complete):
    inv = investigate(customer, operations_good=False)  # the figures look good
    result = selectors.compute_rating(customer)
    assert result.grade == "B"
    assert "b.not_a.operations_finding" in codes(result.reasons)
    assert "x.operations_not_good_but_figures" in codes(inv.contradictions)


# --- 7. 最近连续2年 -------------------------------------------------------------------------------
def test_figures_older_than_the_last_two_full_years_do_not_make_a(investigate, customer, docs_complete):
    y = timezone.localdate().year
    old = [
        {"year": y - 4, "revenue_amount": Decimal("9000000"), "profit_amount": Decimal("500000")},
        {
            "year": y - 3,
            "revenue_amount": Decimal("10000000"),
            "profit_amount": Decimal("800000"),
            "total_assets_amount": Decimal("8000000"),
            "liabilities_amount": Decimal("3200000"),
            "equity_amount": Decimal("4800000"),
        },
    ]
    investigate(customer, years=old)
    result = selectors.compute_rating(customer)
    assert result.grade == "B"
    reason = next(r for r in result.reasons if r.code == "b.not_a.good_operations")
    assert reason.params["missing"] == f"{y - 2}, {y - 1}"


# --- 8. 年度回款、发货 -----------------------------------------------------------------------------
def test_yearly_shipments_below_the_standard_prevent_a(investigate, customer, docs_complete):
    investigate(customer, yearly_shipments_amount=Decimal("400000"))
    result = selectors.compute_rating(customer)
    assert result.grade == "B" and "b.not_a.shipments" in codes(result.reasons)
    assert result.facts.sources["yearly_shipments"] == "investigation"


def test_the_ledger_supplies_yearly_shipments(investigate, customer, docs_complete):
    from xindang.testing.factories import entry

    first = timezone.localdate().replace(day=1)
    for back in range(1, 15):
        month = (first - timedelta(days=31 * back)).replace(day=5)
        entry(customer, "shipment", "50000.00", month, open_amount=0)
        entry(customer, "payment", "150000.00", month + timedelta(days=10))
    investigate(customer)
    facts = selectors.rating_facts(customer)
    assert facts.sources["yearly_shipments"] == "ledger"
    assert Decimal("500000") < facts.yearly_shipments < Decimal("1000000")  # about 50,000 a month
    assert "b.not_a.shipments" in codes(selectors.compute_rating(customer).reasons)


# --- 9. The customer's own turnover, not our sales ---------------------------------------------
def test_our_falling_sales_are_shown_but_do_not_make_c(investigate, customer, sysadmin, docs_complete):
    from xindang.testing.factories import entry

    first = timezone.localdate().replace(day=1)
    for back, amount in [(6, 900), (5, 800), (4, 700), (3, 600), (2, 500), (1, 400)]:
        month = (first - timedelta(days=31 * back)).replace(day=5)
        entry(customer, "shipment", f"{amount}.00", month, open_amount=0)
    investigate(customer)
    facts = selectors.rating_facts(customer)
    assert facts.our_sales_falling_months >= 3 and facts.falling_turnover_months == 0
    assert "c.falling_turnover" not in codes(selectors.compute_rating(customer).reasons)
    assert selectors.compute_rating(customer).grade != "C"
    set_policy(sysadmin, "credit", c_our_sales_falling=True)  # the labelled departure
    assert codes(selectors.compute_rating(customer).reasons) == ["c.our_sales_falling"]


# --- 14. Reviewed by the department manager, filed by finance ----------------------------------
def test_the_department_manager_reviews_others_only_by_a_departure(
    investigate, customer, credit_manager, dept_xs2, manager, sysadmin
):
    inv = investigate(customer, reviewer=None)
    elsewhere = make_user("xs2mgr", Role.DEPARTMENT_MANAGER, department=dept_xs2)
    for user, code in [
        (credit_manager, "investigation.reviewer_not_manager"),
        (elsewhere, "investigation.reviewer_other_department"),
    ]:
        with pytest.raises(DomainError) as exc:
            services.review_investigation(investigation_id=inv.pk, by=user, notes="ok")
        assert exc.value.code == code
    set_policy(
        sysadmin,
        "credit",
        investigation_reviewer_roles=["department_manager", "marketing_manager", "credit_manager"],
    )
    inv = services.review_investigation(investigation_id=inv.pk, by=credit_manager, notes="ok")
    assert inv.reviewed_by == credit_manager


def test_the_marketing_manager_reviews_too(investigate, customer, marketing_manager):
    inv = investigate(customer, reviewer=marketing_manager)
    assert inv.reviewed_by == marketing_manager


def test_the_finance_department_files_the_reviewed_form(
    investigate, customer, finance_controller, salesperson
):
    from xindang.audit.models import AuditEvent

    draft = investigate(customer, sign=False)
    with pytest.raises(DomainError) as exc:
        services.file_investigation(investigation_id=draft.pk, by=finance_controller)
    assert exc.value.code == "investigation.not_reviewed"
    inv = investigate(customer)
    with pytest.raises(DomainError) as exc:
        services.file_investigation(investigation_id=inv.pk, by=salesperson)
    assert exc.value.code == "investigation.not_finance"
    inv = services.file_investigation(investigation_id=inv.pk, by=finance_controller)
    assert inv.filed_by == finance_controller and inv.filed_at
    assert AuditEvent.objects.filter(action="credit.investigation.file", object_id=str(inv.pk)).exists()
    with pytest.raises(DomainError) as exc:
        services.file_investigation(investigation_id=inv.pk, by=finance_controller)
    assert exc.value.code == "investigation.already_filed"


def test_the_file_button_is_for_the_finance_department(investigate, customer, finance_controller, manager):
    inv = investigate(customer)
    client = Client()
    client.force_login(manager)
    assert 'data-testid="file-investigation"' not in client.get(inv.get_absolute_url()).content.decode()
    assert client.post(reverse("credit:investigation_file", args=[inv.pk])).status_code == 403
    client.force_login(finance_controller)
    assert 'data-testid="file-investigation"' in client.get(inv.get_absolute_url()).content.decode()
    client.post(reverse("credit:investigation_file", args=[inv.pk]))
    inv.refresh_from_db()
    assert inv.filed_by == finance_controller


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "".join(page.extract_text() for page in pypdf.PdfReader(BytesIO(data)).pages)


def test_the_printed_form_holds_every_field_of_the_screen(investigate, customer, credit_manager):
    inv = investigate(
        customer,
        employee_count=321,
        is_wholesaler=True,
        site_visit="厂区整洁,库存充足",
        public_records_court="无未结诉讼",
        public_records_tax="纳税信用A级",
        public_records_penalties="无行政处罚",
        media="无负面报道",
        bank_credit="工商银行授信良好",
        credit_proposal="建议授信",
        proposed_limit_amount=Decimal("300000"),
        proposed_term_days=30,
    )
    client = Client()
    client.force_login(credit_manager)
    text = pdf_text(client.get(reverse("credit:investigation_pdf", args=[inv.pk])).content)
    for value in [
        "321",
        f"{inv.founded_on:%Y-%m-%d}",
        f"{inv.cooperation_since:%Y-%m-%d}",
        "2,400,000.00",  # yearly collections
        "2,600,000.00",  # yearly shipments
        "厂区整洁",
        "无未结诉讼",
        "纳税信用A级",
        "无行政处罚",
        "无负面报道",
        "工商银行授信良好",
        "建议授信",
        "300,000.00",
    ]:
        assert value in text, value
    page = client.get(inv.get_absolute_url()).content.decode()
    assert "厂区整洁" in page and "纳税信用A级" in page and 'data-finding="broken_promises"' in page


# --- 15. The salesperson in charge takes part (第十九条) -----------------------------------------
def test_the_salesperson_in_charge_gives_an_opinion_before_approval(
    investigate, customer, credit_manager, salesperson, other_salesperson, docs_complete
):
    investigate(customer)
    rating = services.propose_rating(customer_id=customer.pk, by=credit_manager)
    assert rating.status == RatingStatus.PROPOSED and rating.salesperson == salesperson
    with pytest.raises(DomainError) as exc:
        services.submit_rating(rating_id=rating.pk, by=credit_manager)
    assert exc.value.code == "rating.salesperson_pending"
    with pytest.raises(DomainError) as exc:
        services.sign_rating_as_salesperson(rating_id=rating.pk, by=other_salesperson, agrees=True)
    assert exc.value.code == "rating.not_salesperson"
    with pytest.raises(DomainError) as exc:
        services.sign_rating_as_salesperson(rating_id=rating.pk, by=salesperson, agrees=False)
    assert exc.value.code == "rating.opinion_required"
    items = selectors.workbench_items(salesperson)
    assert [i.url for i in items] == [rating.get_absolute_url()]
    services.sign_rating_as_salesperson(rating_id=rating.pk, by=salesperson, agrees=True, opinion="同意")
    rating = services.submit_rating(rating_id=rating.pk, by=credit_manager)
    assert rating.status == RatingStatus.PENDING
    assert selectors.workbench_items(salesperson) == []


def test_without_the_salesperson_only_by_a_departure(
    investigate, customer, credit_manager, sysadmin, docs_complete
):
    set_policy(sysadmin, "credit", rating_salesperson_takes_part=False)
    investigate(customer)
    rating = services.propose_rating(customer_id=customer.pk, by=credit_manager)
    assert rating.status == RatingStatus.PENDING


def test_the_classification_form_prints_as_a_table_with_its_signatures(
    investigate, customer, credit_manager, salesperson, marketing_manager, docs_complete
):
    from xindang.approvals import services as approvals

    investigate(customer)
    rating = services.propose_rating(customer_id=customer.pk, by=credit_manager)
    services.sign_rating_as_salesperson(rating_id=rating.pk, by=salesperson, agrees=False, opinion="回款偏慢")
    rating = services.submit_rating(rating_id=rating.pk, by=credit_manager)
    approvals.approve_step(
        approval=rating.approval, approver=marketing_manager, comment="同意", acknowledge_warnings=True
    )
    client = Client()
    client.force_login(credit_manager)
    response = client.get(reverse("credit:rating_pdf", args=[rating.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "客户信用等级分类表" in text
    for value in [customer.name, str(salesperson), "回款偏慢", str(marketing_manager), "002 第十五条"]:
        assert value in text, value
    assert 'data-testid="print-classification"' in client.get(rating.get_absolute_url()).content.decode()


def test_every_finding_only_the_investigation_makes_names_who_made_it(
    investigate, customer, salesperson, docs_complete
):
    from xindang.credit.texts import reason_rows

    investigate(customer, freeze_risk=True, debt_disputes=True)
    result = selectors.compute_rating(customer)
    assert [r.params.get("by") for r in result.reasons] == [str(salesperson)] * 2
    assert all(str(salesperson) in row["text"] for row in reason_rows(result.reasons))


def test_the_policy_page_shows_the_readings_and_no_departure_by_default(credit_manager):
    from xindang.policy.models import PolicyVersion

    client = Client()
    client.force_login(credit_manager)
    page = client.get(reverse("policy:detail", args=[PolicyVersion.objects.get(number=1).pk]))
    html = page.content.decode()
    assert 'data-testid="policy-readings"' in html
    assert "经常" in html and "多月" in html and "最近连续2年" in html
    assert [d for d in page.context["departures"] if "002 第十" in d["article"]] == []

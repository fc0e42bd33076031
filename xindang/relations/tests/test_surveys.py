"""Satisfaction surveys (000 6): an editable questionnaire, a campaign, answers entered or imported
from .xlsx, a report approved by the GM, corrective actions below the target."""

from io import BytesIO

import pytest
from openpyxl import Workbook

from xindang.approvals import services as approvals
from xindang.core.errors import DomainError
from xindang.relations import selectors, services
from xindang.relations.errors import RelationsError
from xindang.relations.models import CampaignStatus, SurveyResponse
from xindang.relations.spreadsheets import read_rows

QUESTIONS = [("service", "服务质量"), ("price", "价格合理"), ("company", "公司总体评价")]


@pytest.fixture
def campaign(office_director):
    q = services.save_questionnaire(
        by=office_director, name="顾客满意度调查表", scale_max=5, questions=QUESTIONS
    )
    return services.open_campaign(by=office_director, questionnaire=q, year=2026, title="2026 年度满意度调查")


def scores(campaign, *values):
    return {q.pk: v for q, v in zip(campaign.questionnaire.questions.all(), values, strict=True)}


def test_an_answer_outside_the_scale_is_refused(campaign, customer, office_director):
    with pytest.raises(DomainError) as exc:
        services.enter_response(
            by=office_director, campaign=campaign, customer_id=customer.pk, scores=scores(campaign, 5, 6, 4)
        )
    assert exc.value.code == RelationsError.SCORE_OUT_OF_SCALE
    assert exc.value.params["question"] == "价格合理"
    assert not SurveyResponse.objects.exists()


def _workbook(campaign, rows) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["客户", "日期", *[q.text for q in campaign.questionnaire.questions.all()], "意见"])
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_an_import_with_a_bad_row_imports_nothing_and_names_the_row(
    campaign, customer, make_customer, salesperson, office_director
):
    other = make_customer(salesperson, name="长城机械有限公司")
    rows = read_rows(
        _workbook(
            campaign, [[customer.name, "2026-03-01", 5, 4, 4], [other.name, "2026-03-02", 5, "很好", 3]]
        ),
        campaign.questionnaire,
    )
    with pytest.raises(DomainError) as exc:
        services.import_responses(by=office_director, campaign=campaign, rows=rows)
    assert exc.value.code == RelationsError.IMPORT_ROW and exc.value.params["row"] == 3
    assert not SurveyResponse.objects.exists()


def test_an_import_names_an_unknown_customer(campaign, office_director):
    rows = read_rows(_workbook(campaign, [["不存在的公司", None, 5, 5, 5]]), campaign.questionnaire)
    with pytest.raises(DomainError) as exc:
        services.import_responses(by=office_director, campaign=campaign, rows=rows)
    assert exc.value.params["row"] == 2 and "不存在的公司" in exc.value.message


def test_a_good_import_stores_every_row(campaign, customer, make_customer, salesperson, office_director):
    other = make_customer(salesperson, name="长城机械有限公司")
    rows = read_rows(
        _workbook(campaign, [[customer.file_no, "2026-03-01", 5, 4, 4], [other.name, None, 3, 3, 2]]),
        campaign.questionnaire,
    )
    assert services.import_responses(by=office_director, campaign=campaign, rows=rows) == 2
    assert SurveyResponse.objects.filter(campaign=campaign).count() == 2


def test_below_the_target_a_report_needs_corrective_actions(campaign, customer, office_director, gm):
    services.enter_response(
        by=office_director, campaign=campaign, customer_id=customer.pk, scores=scores(campaign, 3, 2, 3)
    )
    analysis = selectors.campaign_scores(campaign)
    assert analysis["overall"] == pytest.approx(41.7)
    with pytest.raises(DomainError) as exc:
        services.submit_survey_report(by=office_director, campaign=campaign, conclusion="价格满意度偏低。")
    assert exc.value.code == RelationsError.ACTION_REQUIRED
    action = services.raise_action(
        by=office_director,
        campaign=campaign,
        topic="price",
        description="调整价格体系",
        owner=office_director,
        due_on=campaign.created_at.date(),
    )
    c = services.submit_survey_report(by=office_director, campaign=campaign, conclusion="价格满意度偏低。")
    assert c.status == CampaignStatus.REPORTED and float(c.score_pct) == pytest.approx(41.7)
    approvals.approve_step(approval=c.approval, approver=gm, comment="同意。")
    c.refresh_from_db()
    assert c.status == CampaignStatus.APPROVED
    items = [i for i in selectors.workbench_items(office_director) if i.kind == "relations.action"]
    assert [i.title for i in items] == ["调整价格体系"]
    services.close_action(by=office_director, action=action, outcome="已调整。")
    assert not [i for i in selectors.workbench_items(office_director) if i.kind == "relations.action"]


def test_the_analysis_groups_by_question_class_and_department(campaign, customer, office_director):
    services.enter_response(
        by=office_director, campaign=campaign, customer_id=customer.pk, scores=scores(campaign, 5, 3, 4)
    )
    analysis = selectors.campaign_scores(campaign)
    assert [r["mean"] for r in analysis["by_question_ordered"]] == [5, 3, 4]
    assert len(analysis["by_class"]) == 1 and len(analysis["by_department"]) == 1
    assert analysis["overall"] == 75.0


def test_a_customer_answers_a_campaign_once(campaign, customer, office_director):
    services.enter_response(
        by=office_director, campaign=campaign, customer_id=customer.pk, scores=scores(campaign, 5, 5, 5)
    )
    with pytest.raises(DomainError) as exc:
        services.enter_response(
            by=office_director, campaign=campaign, customer_id=customer.pk, scores=scores(campaign, 4, 4, 4)
        )
    assert exc.value.code == RelationsError.ALREADY_ANSWERED


def test_a_survey_is_due_on_the_workbench_each_year(office_director):
    assert [i.kind for i in selectors.workbench_items(office_director) if i.kind == "relations.survey"] == [
        "relations.survey"
    ]

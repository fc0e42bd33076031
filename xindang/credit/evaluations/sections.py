"""The evaluations section of the company policy (registered from EvaluationsConfig.ready())."""

from typing import Literal

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field

from xindang.policy.sections import Departure, Reading, register_section

from . import rules

ARTICLE_39 = "002 客户信用管理制度 第三十九条"


class EvaluationsSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # 第四十条: the finance department fills in the form each month; 第三十九条: the business
    # supervisors report each month. Both are due by this day of the following month.
    due_day: int = Field(10, ge=1, le=31)
    # 第四十一条: the marketing manager reviews after both; due by this day of the following month.
    review_due_day: int = Field(20, ge=1, le=31)
    # 第三十九条 业务主管: who writes the monthly report. The regulation names the business supervisor,
    # not the salesperson in charge (经办业务员, 第十九条): the manager of the customer's department.
    reporter: Literal["department_manager", "salesperson"] = rules.DEPARTMENT_MANAGER


register_section(
    "evaluations",
    EvaluationsSection,
    _("Grant evaluations"),
    {
        "due_day": (
            _("Figures and report due (day of the next month)"),
            _(
                "The finance department signs the month's evaluation and the business supervisor reports "
                "by this day of the following month (seed 002 第三十九–四十条)."
            ),
        ),
        "review_due_day": (
            _("Review due (day of the next month)"),
            _(
                "The marketing manager reviews the evaluation by this day of the following month "
                "(第四十一条)."
            ),
        ),
        "reporter": (
            _("Monthly report written by"),
            _(
                "department_manager: the manager of the customer's department (业务主管, 第三十九条); "
                "salesperson: the file's salesperson."
            ),
        ),
    },
    departures=[
        Departure(
            "reporter",
            ARTICLE_39,
            lambda value: value == rules.SALESPERSON,
            _(
                "第三十九条 has the business supervisors (业务主管) report on each customer with a limit and "
                "answer for the report; with this value the file's salesperson reports instead."
            ),
        )
    ],
    readings=[
        Reading(
            "业务主管",
            ARTICLE_39,
            ("reporter",),
            _(
                "The business supervisor is read as the manager of the customer's sales department: the "
                "regulation names the salesperson in charge separately (第十九条)."
            ),
        )
    ],
)

"""The evaluations section of the company policy (registered from EvaluationsConfig.ready())."""

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field

from xindang.policy.sections import register_section


class EvaluationsSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # 第四十条: the controller fills in the form each month; 第三十九条: the salesperson reports each
    # month. Both are due by this day of the following month.
    due_day: int = Field(10, ge=1, le=31)
    # 第四十一条: the marketing manager reviews after both; due by this day of the following month.
    review_due_day: int = Field(20, ge=1, le=31)


register_section(
    "evaluations",
    EvaluationsSection,
    _("Grant evaluations"),
    {
        "due_day": (
            _("Figures and report due (day of the next month)"),
            _(
                "The finance credit controller signs the month's evaluation and the salesperson reports "
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
    },
)

"""The "collection" section of the company policy (registered from CollectionConfig.ready())."""

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from xindang.policy.sections import Reading, register_section


class CollectionSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Ageing buckets by days overdue: not due, 1–30, 31–60, 61–90, 91–180, > 180.
    ageing_bucket_days: list[int] = Field(
        default_factory=lambda: [30, 60, 90, 180], min_length=1, max_length=12
    )
    # 000 客户信息管理办法 二.7: a payment this many days late raises a collection-anomaly report
    # (收款异样报告表) …
    anomaly_after_days: int = Field(15, ge=1, le=365)
    # … and past this many days a problem-account report (问题帐款报告书).
    problem_account_after_days: int = Field(60, ge=1, le=1095)
    # Rating facts: "overdue beyond the limit within two years" counts debts this many days late.
    facts_overdue_days: int = Field(90, ge=1, le=1095)
    # 000 客户信息管理办法 二.7 asks for the two reports to be on record promptly (及时) and sets no
    # number of days: a collection-anomaly report is to be completed within this many days of being
    # raised and a problem-account report within this many, after which they show as overdue on the
    # collection list and the workbench (the figures the application always used; a reading, not the
    # text's).
    anomaly_report_days: int = Field(3, ge=1, le=90)
    problem_report_days: int = Field(7, ge=1, le=90)
    # Collection next steps and promises due within this many days appear on the workbench.
    due_soon_days: int = Field(3, ge=0, le=60)
    # 002 第三十五条 定期对帐: a balance statement unanswered or disputed this many days after it was
    # sent raises a problem-account report.
    statement_reply_days: int = Field(30, ge=1, le=365)

    @field_validator("ageing_bucket_days")
    @classmethod
    def _bounds(cls, value: list[int]) -> list[int]:
        if any(v <= 0 for v in value):
            raise ValueError("bucket bounds must be positive days")
        return sorted(set(value))

    @model_validator(mode="after")
    def _thresholds(self):
        if self.problem_account_after_days <= self.anomaly_after_days:
            raise ValueError("problem_account_after_days must be greater than anomaly_after_days")
        return self


register_section(
    "collection",
    CollectionSection,
    _("Ageing and collection"),
    {
        "ageing_bucket_days": (
            _("Ageing buckets (days overdue)"),
            _("Upper bounds, e.g. [30, 60, 90, 180] → not due, 1–30, 31–60, 61–90, 91–180, over 180."),
        ),
        "anomaly_after_days": (
            _("Collection-anomaly report after (days late)"),
            _(
                "A payment later than this raises a collection-anomaly report for the salesperson "
                "(000 客户信息管理办法 二.7)."
            ),
        ),
        "problem_account_after_days": (
            _("Problem-account report after (days late)"),
            _(
                "An account overdue longer than this gets a problem-account report "
                "(000 客户信息管理办法 二.7)."
            ),
        ),
        "facts_overdue_days": (
            _("Rating: overdue beyond (days)"),
            _(
                "A debt paid or still open this many days after its due date within two years counts as "
                "overdue beyond the limit in the rating facts."
            ),
        ),
        "anomaly_report_days": (
            _("Collection-anomaly report to complete within (days)"),
            _(
                "A collection-anomaly report not completed this many days after it was raised shows as "
                "overdue on the collection list and the workbench (000 客户信息管理办法 二.7)."
            ),
        ),
        "problem_report_days": (
            _("Problem-account report to write within (days)"),
            _(
                "A problem-account report not written this many days after it was raised shows as overdue "
                "on the collection list and the workbench (000 客户信息管理办法 二.7)."
            ),
        ),
        "due_soon_days": (
            _("Collection reminders (days ahead)"),
            _("Promises and next steps due within this many days appear on the workbench."),
        ),
        "statement_reply_days": (
            _("Balance confirmation answer within (days)"),
            _(
                "A balance statement the customer has not confirmed, or whose difference is not resolved, "
                "this many days after it was sent raises a problem-account report (002 第三十五条 定期对帐)."
            ),
        ),
    },
    readings=[
        Reading(
            "及时",
            "000 客户信息管理办法 二.7",
            ("anomaly_report_days", "problem_report_days"),
            _(
                "Promptly on record: a collection-anomaly report and a problem-account report are each due "
                "the set number of days after being raised; later, they show as overdue."
            ),
        ),
    ],
)

"""The relations section of the company policy (registered from RelationsConfig.ready())."""

from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field

from xindang.policy.sections import Departure, register_section


class RelationsSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # 000 7 asks for handling, GM approval and feedback but names no period: the company's numbers.
    complaint_respond_days: int = Field(7, ge=1, le=90)
    complaint_close_days: int = Field(30, ge=1, le=366)
    # 000 7 5.4.2/5.4.3: 处理结果公司总经理审批
    complaint_approval_chain: list[str] = Field(default_factory=lambda: ["general_manager"], min_length=1)
    # 002 篇三 五.1: the report the day after the visit
    visit_report_days: int = Field(1, ge=1, le=30)
    # Key customers (重点客户) are visited at least this often (001 care for key customers; the seeds
    # give no period)
    key_customer_visit_days: int = Field(90, ge=7, le=366)
    # 000 6 a: 每年至少进行一次全面的顾客满意度调查
    surveys_per_year: int = Field(1, ge=1, le=12)
    # 000 6 d 公司规定要求: the company's satisfaction target, in % of the scale
    satisfaction_target_pct: float = Field(80.0, ge=0, le=100)
    survey_approval_chain: list[str] = Field(default_factory=lambda: ["general_manager"], min_length=1)
    # How far back the rating form shows relationship evidence (002 第十五条: 最近2年)
    evidence_months: int = Field(24, ge=1, le=120)
    # Beyond the regulation: the rating's C finding "operations worsening" (002 第十六条(5)) taken
    # from a visit record that observed it, not only from the investigator
    visit_findings_are_rating_facts: bool = False


register_section(
    "relations",
    RelationsSection,
    _("Relationship, complaints and satisfaction"),
    {
        "complaint_respond_days": (
            _("Days to propose a complaint's resolution"),
            _("From receipt; a complaint still without a resolution after this is overdue (000 7)."),
        ),
        "complaint_close_days": (
            _("Days to close a complaint"),
            _("From receipt to the customer's answer on the feedback (000 7 5.4.2/5.4.3)."),
        ),
        "complaint_approval_chain": (
            _("Complaint resolution approval chain"),
            _('Role codes in order; 000 7: the general manager, e.g. ["general_manager"].'),
        ),
        "visit_report_days": (
            _("Days to write the visit report"),
            _("002 篇三 五.1: the day after the visit."),
        ),
        "key_customer_visit_days": (
            _("Key customers visited every (days)"),
            _("A key customer without a visit planned within this period appears on the workbench."),
        ),
        "surveys_per_year": (
            _("Satisfaction surveys per year"),
            _("000 6 a: at least one full survey a year."),
        ),
        "satisfaction_target_pct": (
            _("Satisfaction target (%)"),
            _("000 6 d: below it, corrective and preventive actions are raised and followed."),
        ),
        "survey_approval_chain": (
            _("Survey report approval chain"),
            _('000 6 c: the analysis report is approved by the general manager, e.g. ["general_manager"].'),
        ),
        "evidence_months": (
            _("Relationship evidence on the rating form (months)"),
            _(
                "Complaints, visit findings and surveys of this period are shown as evidence "
                "(002 第十五条: two years)."
            ),
        ),
        "visit_findings_are_rating_facts": (
            _("Visit findings are rating facts"),
            _(
                "On: a visit that observed the customer's operations worsening counts as the C finding "
                "“turnover falling for months” (002 第十六条(5)). Off: it is shown as evidence only."
            ),
        ),
    },
    departures=[
        Departure(
            "visit_findings_are_rating_facts",
            "002 第十六条(5)",
            lambda value: value is True,
            _(
                "Beyond the regulation: the C conditions are found by the credit investigation. On: a "
                "service visit's finding that operations are worsening also gives the C fact."
            ),
        ),
    ],
)

"""Relationship records of a customer file (000 5.1.4: 客户关系维护管理应形成记录, 作为客户档案内容进行保管):
complaints, visits and satisfaction surveys."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from xindang.accounts.models import Department
from xindang.approvals.models import ApprovalRequest
from xindang.customers.models import Customer

from . import rules

USER = settings.AUTH_USER_MODEL


# --- Complaints ------------------------------------------------------------------------------------
class ComplaintStatus(models.TextChoices):
    RECEIVED = rules.RECEIVED, _("Received")
    INVESTIGATING = rules.INVESTIGATING, _("Under investigation")
    PROPOSED = rules.PROPOSED, _("Resolution awaiting approval")
    APPROVED = rules.APPROVED, _("Resolution approved")
    FED_BACK = rules.FED_BACK, _("Fed back to the customer")
    CLOSED = rules.CLOSED, _("Closed")


class ComplaintKind(models.TextChoices):
    QUALITY = rules.QUALITY, _("Service quality below standard")
    PROCESS = rules.PROCESS, _("Dissatisfied with the service process")


class Severity(models.TextChoices):
    MINOR = rules.MINOR, _("Minor")
    MAJOR = rules.MAJOR, _("Major")
    SERIOUS = rules.SERIOUS, _("Serious")


class Channel(models.TextChoices):
    PHONE = "phone", _("Telephone")
    VISIT = "visit", _("In person")
    LETTER = "letter", _("Letter or fax")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other")


class Cause(models.TextChoices):
    PRODUCT_QUALITY = "product_quality", _("Product quality")
    DELIVERY = "delivery", _("Delivery")
    SERVICE = "service", _("Service attitude")
    PRICE = "price", _("Price or billing")
    OTHER = "other", _("Other")


class Complaint(models.Model):
    """A customer complaint (客户投诉, 000 7): received by the business department (5.4.1), investigated,
    a resolution approved by the general manager, fed back to the customer, closed with their answer."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("receiving department"),
        on_delete=models.PROTECT,
        related_name="complaints",
        help_text=_("000 7 5.4.1: the business department concerned receives the complaint."),
    )
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(
        USER, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.PHONE)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ComplaintKind.choices, default=ComplaintKind.PROCESS
    )
    severity = models.CharField(
        _("severity"), max_length=16, choices=Severity.choices, default=Severity.MINOR
    )
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices, default=Cause.OTHER)
    product = models.CharField(_("product or service"), max_length=200)
    content = models.TextField(_("content of the complaint"))
    # 000 二 3.1 产品质量跟蹤: what the complaint says about product quality, for quality tracking
    quality_feedback = models.TextField(_("quality feedback"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    # Investigation
    investigation = models.TextField(_("investigation"), blank=True)
    investigated_by = models.ForeignKey(
        USER,
        verbose_name=_("investigated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Resolution (5.4.2: with production where quality is at fault)
    resolution = models.TextField(_("proposed resolution"), blank=True)
    production_opinion = models.TextField(_("production's opinion"), blank=True)
    proposed_by = models.ForeignKey(
        USER, verbose_name=_("proposed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_on = models.DateField(_("proposed on"), null=True, blank=True)
    approval = models.ForeignKey(
        ApprovalRequest,
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    # Feedback to the customer (by the office, 5.4.2/5.4.3) and closing
    feedback = models.TextField(_("feedback to the customer"), blank=True)
    fed_back_on = models.DateField(_("fed back on"), null=True, blank=True)
    fed_back_by = models.ForeignKey(
        USER, verbose_name=_("fed back by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    customer_answer = models.TextField(_("customer's answer"), blank=True)
    customer_satisfied = models.BooleanField(_("customer satisfied with the result"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        USER, verbose_name=_("closed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["customer", "status"], name="relations_complaint_cust_st")]
        permissions = [("view_complaint_statistics", "Can view complaint statistics")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=rules.CLOSED) | Q(fed_back_on__isnull=False),
                name="relations_complaint_closed_after_feedback",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_no} {self.customer}"

    def get_absolute_url(self) -> str:
        return reverse("relations:complaint", args=[self.pk])

    @property
    def complaint_no(self) -> str:
        return f"TS-{self.received_on:%Y}-{self.pk or 0:05d}"


# --- Visits ----------------------------------------------------------------------------------------
class VisitStatus(models.TextChoices):
    PLANNED = rules.PLANNED, _("Planned")
    DONE = rules.DONE, _("Visited, report due")
    REPORTED = rules.REPORTED, _("Reported, awaiting review")
    REVIEWED = rules.REVIEWED, _("Reviewed")
    CANCELLED = rules.CANCELLED, _("Cancelled")


class VisitKind(models.TextChoices):
    ROUTINE = "routine", _("Routine return visit")
    KEY_CUSTOMER = "key_customer", _("Key-customer visit")
    CARE = "care", _("Care (holiday greeting, key customer)")
    DEVELOPMENT = "development", _("Development visit")


class VisitMethod(models.TextChoices):
    ON_SITE = "on_site", _("On-site visit")
    PHONE = "phone", _("Telephone")
    MEETING = "meeting", _("Meeting at our premises")
    ONLINE = "online", _("Online")
    GIFT = "gift", _("Greeting or gift")


class OperationsTrend(models.TextChoices):
    UNKNOWN = "", _("Not observed")
    IMPROVING = "improving", _("Improving")
    STABLE = "stable", _("Stable")
    WORSENING = rules.WORSENING, _("Worsening")


class Visit(models.Model):
    """A return visit (客户回访, 002 篇三) from plan to review: the visit plan (三.1: time, content,
    purpose, method; 三.2 place), the visit record (四.2 客户回访记录表: the customer's needs and
    opinions on our service), the next-day report (五.1 客户回访报告表: process and result) and the
    service supervisor's guidance (五.2)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="visits"
    )
    agent = models.ForeignKey(
        USER,
        verbose_name=_("service agent"),
        on_delete=models.PROTECT,
        related_name="relation_visits",
        help_text=_("The person who visits and writes the record and the report."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VisitKind.choices, default=VisitKind.ROUTINE)
    status = models.CharField(
        _("status"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    # Plan
    planned_on = models.DateField(_("planned on"))
    method = models.CharField(
        _("method"), max_length=16, choices=VisitMethod.choices, default=VisitMethod.ON_SITE
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose"), max_length=300)
    content = models.TextField(_("content"), blank=True)
    planned_by = models.ForeignKey(
        USER, verbose_name=_("planned by"), on_delete=models.PROTECT, related_name="+"
    )
    # Record (客户回访记录表)
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    needs = models.TextField(_("customer's needs"), blank=True)
    service_opinions = models.TextField(_("opinions on our service"), blank=True)
    operations = models.CharField(
        _("customer's operations"), max_length=16, choices=OperationsTrend.choices, default="", blank=True
    )
    findings = models.TextField(_("other findings"), blank=True)
    # Report (客户回访报告表)
    process = models.TextField(_("course of the visit"), blank=True)
    result = models.TextField(_("result of the visit"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    # Review (主管指导意见)
    guidance = models.TextField(_("supervisor's guidance"), blank=True)
    reviewed_by = models.ForeignKey(
        USER, verbose_name=_("reviewed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-planned_on", "-pk"]
        indexes = [models.Index(fields=["agent", "status"], name="relations_visit_agent_st")]
        permissions = [("review_visit", "Can review visit reports")]

    def __str__(self) -> str:
        return f"{self.customer} {self.planned_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("relations:visit", args=[self.pk])


class DevelopmentPlan(models.Model):
    """The customer development plan (客户开发计划, 002 篇三 六.2): goals and sales strategy for a
    customer, drawn up from the visit records."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="development_plans"
    )
    year = models.PositiveIntegerField(_("year"))
    goals = models.TextField(_("goals"))
    strategy = models.TextField(_("sales strategy"), blank=True)
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer development plan")
        verbose_name_plural = _("customer development plans")
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return f"{self.customer} {self.year}"


# --- Satisfaction surveys --------------------------------------------------------------------------
class Topic(models.TextChoices):
    """000 6 b: the questionnaire covers service quality, price and the company."""

    SERVICE = "service", _("Service quality")
    PRICE = "price", _("Price")
    COMPANY = "company", _("The company")
    OTHER = "other", _("Other")


class Questionnaire(models.Model):
    """The satisfaction questionnaire (顾客满意度调查表, 000 6 b), editable; answered on a scale from 1
    to scale_max."""

    name = models.CharField(_("name"), max_length=200)
    scale_max = models.PositiveSmallIntegerField(_("top of the scale"), default=5)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale_max__gte=2) & Q(scale_max__lte=10), name="relations_questionnaire_scale"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices, default=Topic.SERVICE)
    text = models.CharField(_("question"), max_length=300)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Collecting answers")
    REPORTED = "reported", _("Report awaiting approval")
    APPROVED = "approved", _("Report approved")


class SurveyCampaign(models.Model):
    """A satisfaction survey campaign (000 6 a: at least one full survey a year) and its analysis report
    (顾客满意度调查分析报告, 6 c), approved by the general manager."""

    questionnaire = models.ForeignKey(
        Questionnaire, verbose_name=_("questionnaire"), on_delete=models.PROTECT, related_name="campaigns"
    )
    year = models.PositiveIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.OPEN
    )
    conclusion = models.TextField(_("analysis and conclusion"), blank=True)
    score_pct = models.DecimalField(
        _("satisfaction (%)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    target_pct = models.DecimalField(_("target (%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    approval = models.ForeignKey(
        ApprovalRequest,
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        ordering = ["-year", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("relations:campaign", args=[self.pk])


class SurveyResponse(models.Model):
    campaign = models.ForeignKey(
        SurveyCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="responses"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="survey_responses"
    )
    answered_on = models.DateField(_("answered on"))
    comment = models.TextField(_("comment"), blank=True)
    entered_by = models.ForeignKey(
        USER, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "customer"], name="relations_response_one_per_customer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.customer}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="answers"
    )
    score = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="relations_answer_one_per_question"
            ),
            models.CheckConstraint(condition=Q(score__gte=1), name="relations_answer_score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.score}"


class CorrectiveAction(models.Model):
    """A corrective and preventive action (纠正预防措施, 000 6 d) raised where satisfaction is below the
    company's target, with its owner and due date, followed to closure."""

    campaign = models.ForeignKey(
        SurveyCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="actions"
    )
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices, default=Topic.SERVICE)
    description = models.TextField(_("action"))
    owner = models.ForeignKey(USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField(_("due on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

"""Requests of the persons whose data the files hold (查阅、更正、删除) and the consents to share data
with outside parties (第三方共享)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xindang.customers.models import Customer


class PersonKind(models.TextChoices):
    CONTACT = "contact", _("Contact")
    MANAGER = "manager", _("Manager")
    SHAREHOLDER = "shareholder", _("Shareholder")


class RequestKind(models.TextChoices):
    ACCESS = "access", _("See their data")
    CORRECTION = "correction", _("Correct their data")
    ERASURE = "erasure", _("Erase their data")


class RequestState(models.TextChoices):
    RECEIVED = "received", _("Received")
    DONE = "done", _("Carried out")
    REFUSED = "refused", _("Refused")


class DataSubjectRequest(models.Model):
    """A person's request to see, correct or erase their data (004 客户信息实行授权管理制度 六.1: 异议、
    修改或删除; seeing one's data: PIPL art. 45). It names the person by kind and row, not by name, so the
    record of an erasure keeps nothing of what was erased."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="data_subject_requests"
    )
    person_kind = models.CharField(_("person"), max_length=16, choices=PersonKind.choices)
    person_id = models.PositiveBigIntegerField(_("person record"))
    kind = models.CharField(_("request"), max_length=16, choices=RequestKind.choices)
    state = models.CharField(
        _("state"), max_length=16, choices=RequestState.choices, default=RequestState.RECEIVED
    )
    received_on = models.DateField(_("received on"))
    details = models.TextField(_("what the person asks"), blank=True)
    # The corrected fields' names (the values are in the person's history, which an erasure clears).
    changed_fields = models.JSONField(_("fields changed"), default=list, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    refusal = models.TextField(_("reason for refusal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("data subject request")
        verbose_name_plural = _("data subject requests")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("handle_datasubjectrequest", _("Can record and carry out personal-data requests")),
            ("record_personal_data", _("Can record the basis and identity number of a person")),
        ]
        indexes = [
            models.Index(fields=["state", "created_at"], name="dsr_state_created_idx"),
            models.Index(fields=["customer", "person_kind", "person_id"], name="dsr_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=RequestState.values), name="dsr_state_valid"),
            models.CheckConstraint(condition=Q(kind__in=RequestKind.values), name="dsr_kind_valid"),
            models.CheckConstraint(
                condition=Q(person_kind__in=PersonKind.values), name="dsr_person_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("privacy:request_detail", args=[self.pk])


class SharingConsent(models.Model):
    """A customer's express consent to share its information with one outside party, and the agreement
    signed with that party (004 客户信息保护管理制度 第十条: 经过客户的明示同意,并签订相关合同)."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="sharing_consents"
    )
    recipient = models.CharField(_("outside party"), max_length=200)
    purpose = models.CharField(_("purpose of sharing"), max_length=300)
    consent_on = models.DateField(_("consent given on"))
    agreement_no = models.CharField(_("agreement number"), max_length=60)
    agreement_on = models.DateField(_("agreement signed on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sharing consent")
        verbose_name_plural = _("sharing consents")
        ordering = ["-consent_on", "-id"]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.agreement_no})"

"""The handover list (交接清单, seed 001 公司客户信息管理办法 五): what a leaver or mover held, to whom each
thing went, what was missing, and the signatures of the leaver, each successor and the manager."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules


class Reason(models.TextChoices):
    DEPARTURE = rules.DEPARTURE, _("Departure (leaves the company)")
    JOB_CHANGE = rules.JOB_CHANGE, _("Job change (stays, another post)")


class Category(models.TextChoices):
    CUSTOMER = rules.CUSTOMER, _("Customer file")
    CONTRACT = rules.CONTRACT, _("Contract handled")
    DUTY = rules.DUTY, _("Open duty")
    REQUEST = rules.REQUEST, _("Own pending request")
    APPROVAL = rules.APPROVAL, _("Approval waiting at their role")
    LOAN = rules.LOAN, _("Originals on loan")


class Outcome(models.TextChoices):
    HANDED = rules.HANDED, _("Handed over")
    MISSING = rules.MISSING, _("Missing")
    ROLE_HOLDERS = rules.ROLE_HOLDERS, _("Stays with the other holders of the role")


class Line(models.TextChoices):
    LEAVER = rules.LEAVER, _("Leaver")
    SUCCESSOR = rules.SUCCESSOR, _("Successor")
    MANAGER = rules.MANAGER, _("Manager")


class Handover(models.Model):
    leaver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leaver"),
        on_delete=models.PROTECT,
        related_name="handovers_given",
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="handovers_taken",
        help_text=_("Takes everything not handed to someone else."),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("manager"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("handed over at"))
    deactivated = models.BooleanField(_("access ended"), default=False)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-created_at", "-pk"]
        permissions = [("hand_over", _("Can hand over a leaver's customers, duties, approvals and loans"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason__in=rules.REASONS), name="handover_reason_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(leaver=models.F("successor")), name="handover_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("handovers:detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"JJ-{self.created_at:%Y}-{self.pk or 0:05d}"


class HandoverItem(models.Model):
    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="items"
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    object_repr = models.CharField(_("what"), max_length=300)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    successor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("handover item")
        verbose_name_plural = _("handover items")
        ordering = ["handover", "category", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=rules.CATEGORIES), name="handover_item_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=rules.OUTCOMES), name="handover_item_outcome_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome=rules.HANDED) | models.Q(successor__isnull=False),
                name="handover_item_handed_has_successor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.object_repr}"


class Signature(models.Model):
    """One sign-off line, signed: who signed as what, when, and who recorded it (the leaver's own
    signature on the printed list is recorded by the administrator once the leaver's access ended)."""

    handover = models.ForeignKey(
        Handover, verbose_name=_("handover"), on_delete=models.CASCADE, related_name="signatures"
    )
    line = models.CharField(_("signs as"), max_length=16, choices=Line.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signer"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["handover", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["handover", "line", "signer"], name="handover_signature_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_line_display()}: {self.signer}"

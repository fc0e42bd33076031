"""Related customers (关联客户): the keys that link files, and the "not related" findings."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .files import Customer


class RelationKey(models.Model):
    """One normalised key of a file that may link it to others (关联客户; XinDang's addition, beyond the
    regulation): a person's name (legal representative, chairman, general manager, shareholder,
    manager), a phone number, the address, a bank account. Stored, refreshed on every save of the
    file or of the child row it comes from (relations.py), and indexed by key, so finding the files
    that share a key is one index lookup however many files there are."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="relation_keys"
    )
    kind = models.CharField(_("kind"), max_length=10)
    key = models.CharField(_("key"), max_length=300)
    role = models.CharField(_("role"), max_length=20)
    # The row the key comes from: "customer" (the file's own fields), "shareholder", "manager",
    # "bank_account", and that row's id — so a child row's keys are replaced or deleted on their own.
    source = models.CharField(_("source"), max_length=20)
    source_id = models.BigIntegerField(_("source row"))
    shown = models.CharField(_("value"), max_length=300)

    class Meta:
        verbose_name = _("relation key")
        verbose_name_plural = _("relation keys")
        indexes = [
            models.Index(fields=["key", "kind"], name="relkey_key_idx"),
            models.Index(fields=["source", "source_id"], name="relkey_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


class NotRelated(models.Model):
    """A credit manager's finding that two files are not related although they share a key, or that a
    key links nothing (a common name such as 王伟): the group walk and the credit check's group step skip
    it (relations.related_group). With its reason, audited, and reversible (revoked, never deleted).
    XinDang's addition, beyond the regulation."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    # a pair: the other file (stored so that customer_id < other_id); a key: kind and key, other empty
    other = models.ForeignKey(
        Customer,
        verbose_name=_("other customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=10, blank=True)
    key = models.CharField(_("key"), max_length=300, blank=True)
    shown = models.CharField(_("value"), max_length=300, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("marked by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("marked at"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("not-related finding")
        verbose_name_plural = _("not-related findings")
        ordering = ["-created_at"]
        permissions = [("mark_not_related", _("Can mark customers or a key as not related"))]
        indexes = [models.Index(fields=["kind", "key"], name="notrelated_key_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.other_id or self.shown}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sequence(models.Model):
    """A named counter for business numbers (file numbers, customer codes, contract numbers).

    Allocation happens inside the caller's transaction under a row lock (see numbering.py), so a
    rolled-back save gives its number back (no gaps) and a committed number is never handed out again.
    """

    key = models.CharField(_("key"), max_length=100, unique=True)
    last_value = models.PositiveBigIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key}={self.last_value}"


class WorkerHeartbeat(models.Model):
    """A task worker's sign of life, renewed every few seconds by `manage.py worker` (xindang.core.tasks).

    A running task whose worker has not been seen for a while is handed back by any worker, on any
    machine; a worker of the same machine is judged by its process instead."""

    worker_id = models.CharField(_("worker"), max_length=200, unique=True)
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self) -> str:
        return self.worker_id

"""Corrections outside posting: repairing a maintained exposure figure (reconcile_exposure --fix) and
writing off bad debt through the approval engine (the entry posts when the last step approves)."""

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.policy.selectors import current_policy

from .. import rules
from ..errors import LedgerError
from ..models import Exposure, WriteOffRequest
from .locking import lock_exposure
from .posting import post_trade_entry
from .values import to_decimal

# --- reconciliation ----------------------------------------------------------------------------------


@transaction.atomic
def fix_exposure(*, customer_id, figures: dict, by=None, request=None) -> Exposure:
    """Set the maintained figures to those recomputed from the ledger (reconcile_exposure --fix)."""
    exposure = lock_exposure(customer_id)
    before = {k: str(v) for k, v in exposure.figures().items()}
    for name, value in figures.items():
        setattr(exposure, name, value)
    exposure.save(update_fields=[*Exposure.FIGURES, "updated_at"])
    record_event(
        "ledger.exposure_fixed",
        actor=by,
        request=request,
        object_type="customers.customer",
        object_id=str(customer_id),
        data={"before": before, "after": {k: str(v) for k, v in figures.items()}},
    )
    return exposure


# --- write-off (bad debt), through the approval engine ------------------------------------------------

WRITE_OFF_KIND = "ledger.write_off"


@transaction.atomic
def request_write_off(*, customer, amount, entry_on, reason, by, request=None):
    """Ask the policy's chain (default: the general manager) to write off `amount` of bad debt. The
    write-off entry is posted when the last step approves (on_write_off_approved)."""
    from xindang.approvals.services import submit_request  # approvals is below us

    amount = to_decimal(amount)
    if amount is None or amount <= 0 or amount != amount.quantize(rules.CENT):
        raise DomainError(LedgerError.AMOUNT_NOT_POSITIVE, field="amount")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(LedgerError.REASON_REQUIRED, field="reason")
    exposure = lock_exposure(customer.pk)
    receivable = exposure.open_shipments_amount + exposure.open_invoices_amount
    if amount > receivable:
        raise DomainError(LedgerError.WRITE_OFF_EXCEEDS_OPEN, field="amount")
    wo = WriteOffRequest.objects.create(
        customer=customer, amount=amount, entry_on=entry_on, reason=reason, requested_by=by
    )
    approval = submit_request(
        kind=WRITE_OFF_KIND,
        obj=wo,
        chain=list(current_policy().ledger.write_off_chain),
        requested_by=by,
        title=_("Write-off of %(amount)s for %(customer)s") % {"amount": amount, "customer": customer.name},
        summary=reason,
        amount=amount,
        customer=customer,
        object_url=reverse("ledger:customer", args=[customer.pk]),
        request=request,
    )
    wo.approval = approval
    wo.save(update_fields=["approval"])
    record_event(
        "ledger.write_off_request", actor=by, request=request, obj=customer, data={"amount": str(amount)}
    )
    return wo


def _write_off_of(approval):
    return WriteOffRequest.objects.select_for_update().get(pk=int(approval.object_id))


def on_write_off_approved(approval):
    wo = _write_off_of(approval)
    if wo.status == wo.Status.POSTED:
        return
    entry, _created = post_trade_entry(
        customer=wo.customer_id,
        kind=rules.WRITE_OFF,
        amount=wo.amount,
        entry_on=wo.entry_on,
        source_system="write_off",
        external_id=str(wo.pk),
        memo=wo.reason[:500],
        by=wo.requested_by,
        _allow_write_off=True,
    )
    wo.status = wo.Status.POSTED
    wo.entry = entry
    wo.save(update_fields=["status", "entry"])


def on_write_off_rejected(approval):
    wo = _write_off_of(approval)
    wo.status = wo.Status.REJECTED
    wo.save(update_fields=["status"])


def on_write_off_returned(approval):
    wo = _write_off_of(approval)
    wo.status = wo.Status.RETURNED
    wo.save(update_fields=["status"])

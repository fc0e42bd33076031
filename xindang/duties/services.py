"""Writes of the duties app: storing a user's duties from their to-dos (idempotent), recording
scheduled work as done, the zero-point checks, the digest preference. Each audited."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from xindang.audit.services import record_event
from xindang.core.errors import DomainError
from xindang.core.workbench import WorkItem
from xindang.customers.selectors import visible_customers

from . import rules, selectors
from .errors import DutyError
from .models import Completion, DigestChoice, Duty, DutyPreference, ZeroPointCheck


@dataclass
class SyncResult:
    created: list[Duty] = field(default_factory=list)
    closed: list[Duty] = field(default_factory=list)
    not_visible: list[WorkItem] = field(default_factory=list)


@transaction.atomic
def sync_duties(*, user, items: list[WorkItem], close_missing: bool = True) -> SyncResult:
    """Store `user`'s to-dos as duties: each new one once (unique per assignee and key, so a second
    run creates nothing), the known ones refreshed, and — unless a provider failed — those no module
    returns any more closed as done with the time. A to-do about a customer `user` cannot see is not
    stored (reported in the result)."""
    result = SyncResult()
    customer_ids = {i.customer_id for i in items if i.customer_id}
    visible = set(visible_customers(user).filter(pk__in=customer_ids).values_list("pk", flat=True))
    keyed: dict[str, WorkItem] = {}
    for key, item in zip(selectors.item_keys(items), items, strict=True):
        if item.customer_id and item.customer_id not in visible:
            result.not_visible.append(item)
            continue
        keyed.setdefault(key, item)
    # The open duties, and the closed ones the items bring back (closed history is not read daily).
    mine = Duty.objects.select_for_update().filter(assignee=user)
    existing = {d.key: d for d in mine.filter(state=rules.OPEN)}
    existing.update({d.key: d for d in mine.filter(state=rules.DONE, key__in=list(keyed))})
    now = timezone.now()
    to_create, to_update = [], []
    for key, item in keyed.items():
        values = {
            "kind": item.kind[:80],
            "label": str(item.label)[:200],
            "title": str(item.title)[:300],
            "url": item.url[:500],
            "rule": rules.rule_for(item.kind, str(item.rule))[:300],
            "customer_id": item.customer_id,
            "due_on": item.due,
        }
        duty = existing.get(key)
        if duty is None:
            to_create.append(Duty(assignee=user, key=key, state=rules.OPEN, **values))
            continue
        reopened = duty.state == rules.DONE  # the same work due again (e.g. an item undone)
        if reopened or any(getattr(duty, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(duty, name, value)
            duty.state, duty.closed_at = rules.OPEN, None
            to_update.append(duty)
            if reopened:
                result.created.append(duty)
    result.created += Duty.objects.bulk_create(to_create)
    if close_missing:
        open_keys = {k for k, d in existing.items() if d.state == rules.OPEN}
        for key in rules.keys_to_close(open_keys, set(keyed)):
            duty = existing[key]
            duty.state, duty.closed_at = rules.DONE, now
            to_update.append(duty)
            result.closed.append(duty)
    if to_update:
        Duty.objects.bulk_update(
            to_update,
            ["kind", "label", "title", "url", "rule", "customer_id", "due_on", "state", "closed_at"],
        )
    return result


@transaction.atomic
def complete_work(*, actor, key: str, note: str) -> Completion:
    """Record scheduled work (a file review, a report sent, next year's terms agreed, a missed zero
    point answered) as done. Only someone the work is assigned to records it; once for everyone."""
    note = (note or "").strip()
    if not note:
        raise DomainError(DutyError.NOTE_REQUIRED, field="note")
    done = Completion.objects.select_for_update().select_related("done_by").filter(key=key).first()
    if done is not None:
        raise DomainError(
            DutyError.ALREADY_DONE,
            user=done.done_by.get_full_name() or done.done_by.get_username(),
            at=timezone.localtime(done.done_at).strftime("%Y-%m-%d %H:%M"),
        )
    work = selectors.work_for_user(actor, key)
    if work is None:
        raise DomainError(DutyError.NOT_YOURS)
    completion = Completion.objects.create(key=key, kind=work.kind, done_by=actor, note=note)
    # The duty closes now for whoever had it, not only at the next daily run.
    Duty.objects.filter(key__in=_stored_keys_of(work), state=rules.OPEN).update(
        state=rules.DONE, closed_at=completion.done_at
    )
    record_event(
        "duties.complete",
        actor=actor,
        obj=completion,
        data={"key": key, "kind": work.kind, "rule": work.rule, "note": note},
    )
    return completion


def _stored_keys_of(work) -> list[str]:
    item = work.item(timezone.localdate())
    base = rules.duty_key(item.kind, item.url, item.due, item.customer_id)
    return [base, f"{base}:{item.kind}"[:120]]


@transaction.atomic
def set_digest(*, user, digest: str) -> DutyPreference:
    if digest not in DigestChoice.values:
        raise DomainError(DutyError.BAD_DIGEST, field="digest")
    pref, _created = DutyPreference.objects.select_for_update().get_or_create(user=user)
    if pref.digest != digest:
        before = pref.digest
        pref.digest = digest
        pref.save(update_fields=["digest"])
        record_event("duties.preference", actor=user, obj=pref, data={"digest": digest, "before": before})
    return pref


@transaction.atomic
def check_zero_points(*, today: date) -> list[ZeroPointCheck]:
    """Check every contract period that ended (002 第三十六条): did the customer's credit-sale debt and
    its prepayments each stand at zero on some evening within it? Each period once."""
    checks = []
    for contract in selectors.contracts_to_check(today):
        points = selectors.zero_points(contract.customer_id, contract.starts_on, contract.ends_on)
        checks.append(
            ZeroPointCheck(
                contract=contract,
                period_start=contract.starts_on,
                period_end=contract.ends_on,
                receivable_zero_on=points["receivable"],
                prepaid_zero_on=points["prepaid"],
            )
        )
    created = ZeroPointCheck.objects.bulk_create(checks, ignore_conflicts=True)
    if checks:
        missed = [c for c in checks if c.missed]
        record_event(
            "duties.zero_point_check",
            object_type="duties.zeropointcheck",
            data={
                "checked": len(checks),
                "missed": [c.contract_id for c in missed],
                "rule": rules.RULE_ZERO_POINT,
            },
        )
    return created

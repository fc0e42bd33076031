"""The file's change history (动态管理, seed 001 原则) as a readable timeline: every change of the file
and of its child records, field by field (old → new), with who and when. Reads simple-history."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xindang.accounts.models import Department, User
from xindang.core.fieldcrypto import decrypt, mask

from . import list_options
from .models import BankAccount, Contact, Customer, Manager, RelatedCompany, Shareholder

HIDDEN_FIELDS = {
    "version",
    "updated_at",
    "updated_by",
    "created_at",
    "created_by",
    "status_changed_at",
    "id",
    "customer",
}
CHILDREN = [Contact, BankAccount, Shareholder, Manager, RelatedCompany]


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: datetime
    user: str
    kind: str  # "created" | "changed" | "deleted"
    subject: str  # "customer file" or e.g. "contact 张三"
    changes: list[Change] = field(default_factory=list)
    reason: str = ""


def _display(model, field_name: str, value, lookups: dict) -> str:
    if value is None or value == "":
        return "—"
    if field_name == "tags":
        ids = [row.get("tag") for row in value] if isinstance(value, list) else []
        return "、".join(sorted(lookups["tags"].get(i, str(i)) for i in ids)) or "—"
    try:
        f = model._meta.get_field(field_name)
    except Exception:  # fields removed since the record was written
        return str(value)
    if getattr(f, "encrypted", False):  # identity numbers: never in clear in the history
        return mask(decrypt(str(value)))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.ForeignKey):
        key = f.related_model
        return lookups.get(key, {}).get(value, str(value))
    if isinstance(f, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(f, models.DateField):
        return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)
    return str(value)


def _label(model, field_name: str) -> str:
    try:
        return str(model._meta.get_field(field_name).verbose_name)
    except Exception:
        return field_name


def _entries_for(records, model, subject_of, lookups, tag_sets: dict | None = None) -> list[Entry]:
    """records: historical rows of one object, oldest first. `tag_sets`: the tag ids of each record
    (history_id → ids) read in one query, instead of one query per record by the diff."""
    entries = []
    previous = None
    for rec in records:
        user = rec.history_user.get_full_name() if rec.history_user else _("system")
        subject = subject_of(rec)
        if rec.history_type == "+":
            entry = Entry(rec.history_date, user, "created", subject, reason=rec.history_change_reason or "")
        elif rec.history_type == "-":
            entry = Entry(rec.history_date, user, "deleted", subject, reason=rec.history_change_reason or "")
        else:
            changes = []
            if previous is not None:
                delta = rec.diff_against(previous, excluded_fields=["tags"] if tag_sets is not None else None)
                for ch in delta.changes:
                    if ch.field in HIDDEN_FIELDS:
                        continue
                    changes.append(
                        Change(
                            _label(model, ch.field),
                            _display(model, ch.field, ch.old, lookups),
                            _display(model, ch.field, ch.new, lookups),
                        )
                    )
                if tag_sets is not None:
                    old_tags, new_tags = (tag_sets.get(r.history_id, []) for r in (previous, rec))
                    if old_tags != new_tags:
                        old_rows, new_rows = ([{"tag": t} for t in ids] for ids in (old_tags, new_tags))
                        changes.append(
                            Change(
                                _label(model, "tags"),
                                _display(model, "tags", old_rows, lookups),
                                _display(model, "tags", new_rows, lookups),
                            )
                        )
            if not changes:
                previous = rec
                continue
            entry = Entry(
                rec.history_date, user, "changed", subject, changes, reason=rec.history_change_reason or ""
            )
        entries.append(entry)
        previous = rec
    return entries


def customer_timeline(customer: Customer, limit: int = 300) -> list[Entry]:
    return _timeline(customer.pk, customer.history.all(), limit)


def visible_timeline(visible: QuerySet[Customer], pk: int, limit: int = 300) -> list[Entry] | None:
    """The timeline of the file `pk` if it is among `visible` (the files a user sees: the check is
    part of the first query) and has a history; otherwise None (the caller decides: a file unseen or
    without a single history record)."""
    # the visible files narrowed to this one: SQLite would otherwise list every visible file first
    records = Customer.history.filter(id=pk, id__in=visible.filter(pk=pk).values("pk"))
    return _timeline(pk, records, limit, none_if_empty=True)


def _timeline(pk: int, records, limit: int, *, none_if_empty: bool = False) -> list[Entry] | None:
    # the departments and tags from the list's shared cache; the salespeople with the records
    records = list(records.select_related("history_user", "owner").order_by("history_date", "history_id"))
    if none_if_empty and not records:
        return None
    lookups = {
        Department: {d.pk: d.name for d in list_options.departments()},
        User: {
            r.owner_id: r.owner.get_full_name() or r.owner.username for r in records if r.owner_id and r.owner
        },
        "tags": list_options.tag_names_by_id(),
    }
    # the tags of every record in one query (the diff would ask once per record)
    tag_sets: dict[int, list[int]] = {}
    changed = [r.history_id for r in records if r.history_type == "~"]
    if changed:
        tag_history = Customer.history.model.tags.model
        for history_id, tag_id in (
            tag_history.objects.filter(history_id__in=[r.history_id for r in records])
            .order_by("history_id", "tag_id")
            .values_list("history_id", "tag_id")
        ):
            tag_sets.setdefault(history_id, []).append(tag_id)
    entries = _entries_for(records, Customer, lambda rec: _("customer file"), lookups, tag_sets)
    for model in CHILDREN:
        records = (
            model.history.filter(customer_id=pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        by_object: dict[int, list] = {}
        for rec in records:
            by_object.setdefault(rec.id, []).append(rec)
        verbose = str(model._meta.verbose_name)
        for recs in by_object.values():
            entries += _entries_for(recs, model, lambda rec, v=verbose: f"{v} {rec.instance}", lookups)
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]

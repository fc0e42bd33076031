"""Related parties (关联客户): keeping the stored keys in step with the files, and finding a file's
group. XinDang's addition, beyond the regulation (nearest seed text: the credit report's 关联企业及
关联方交易情况, 001 客户信用档案建立与管理制度 2(7)).

Stored keys rather than a group computed from the raw fields: normalising the names, phones and
addresses of 100 000 files at every page view is far too slow, and a pair table (file ↔ file) grows
with the square of a shared key (one address shared by 300 files is 45 000 pairs). The key table
grows with the files' fields, is refreshed row by row on save (signals below, so every path that
saves a file or a child row keeps it right; `manage.py refresh_relation_keys` rebuilds it after a
bulk load), and a group is found by walking it through the (key, kind) index.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from . import rules
from .models import BankAccount, Customer, Manager, NotRelated, RelationKey, Shareholder

# A group is walked to this many files at most (a very common name could otherwise pull in
# thousands); the page says when it stopped.
GROUP_CAP = 50
# And this many steps from the file (a shares a phone with b, b a shareholder with c: 2 steps).
GROUP_DEPTH = 3


def _rows(obj) -> tuple[str, int, int, list[tuple[str, str, str, str]]]:
    """(source, source_id, customer_id, [(kind, key, role, shown)]) of a file or a child row."""
    if isinstance(obj, Customer):
        fields = {
            "legal_rep": obj.legal_rep,
            "chairman": obj.chairman,
            "general_manager": obj.general_manager,
            "phone": obj.phone,
            "address": obj.address,
        }
        keys = rules.customer_relation_keys(**fields)
        return "customer", obj.pk, obj.pk, [(k, key, role, _shown(fields, role)) for k, key, role in keys]
    if isinstance(obj, Shareholder):
        erased = obj.personal_data_erased_at is not None
        keys = [] if erased else rules.shareholder_relation_keys(name=obj.name)
        return "shareholder", obj.pk, obj.customer_id, [(k, key, role, obj.name) for k, key, role in keys]
    if isinstance(obj, Manager):
        erased = obj.personal_data_erased_at is not None
        keys = [] if erased else rules.manager_relation_keys(name=obj.name, phone=obj.phone)
        shown = {"manager": obj.name, "manager_phone": f"{obj.name} {obj.phone}"}
        return "manager", obj.pk, obj.customer_id, [(k, key, role, shown[role]) for k, key, role in keys]
    keys = rules.account_relation_keys(account_no=obj.account_no)
    shown = f"{obj.bank_name} {obj.account_no}"
    return "bank_account", obj.pk, obj.customer_id, [(k, key, role, shown) for k, key, role in keys]


def _shown(fields: dict, role: str) -> str:
    return str(fields.get(role) or "")[:300]


def refresh_keys(obj) -> None:
    """Replace the stored keys of one file's own fields or of one child row."""
    source, source_id, customer_id, found = _rows(obj)
    RelationKey.objects.filter(source=source, source_id=source_id).delete()
    RelationKey.objects.bulk_create(
        RelationKey(
            customer_id=customer_id,
            kind=kind,
            key=key[:300],
            role=role,
            source=source,
            source_id=source_id,
            shown=shown[:300],
        )
        for kind, key, role, shown in found
    )


def planned_keys(customer: Customer) -> list[tuple[str, str, str, str]]:
    """The keys a file not yet saved will have, [(kind, key, role, shown)]: worked out before a bulk
    insert's transaction (new_file_keys() turns them into rows once the files have their ids)."""
    return _rows(customer)[3]


def new_file_keys(planned: list[tuple[Customer, list[tuple[str, str, str, str]]]]) -> int:
    """Store the planned keys of files just bulk-inserted (no signal, no key of theirs yet)."""
    objs = [
        RelationKey(
            customer_id=customer.pk,
            kind=kind,
            key=key[:300],
            role=role,
            source="customer",
            source_id=customer.pk,
            shown=shown[:300],
        )
        for customer, found in planned
        for kind, key, role, shown in found
    ]
    RelationKey.objects.bulk_create(objs, batch_size=1000)
    return len(objs)


def refresh_all(customer_ids=None) -> int:
    """Rebuild the keys (of some files, or of all): after a bulk load that bypassed save()."""
    customers = Customer.objects.all()
    if customer_ids is not None:
        customers = customers.filter(pk__in=list(customer_ids))
    ids = list(customers.values_list("pk", flat=True))
    count = 0
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        RelationKey.objects.filter(customer_id__in=chunk).delete()
        objs = []
        for model in (Customer, Shareholder, Manager, BankAccount):
            qs = (
                model.objects.filter(pk__in=chunk)
                if model is Customer
                else model.objects.filter(customer_id__in=chunk)
            )
            for obj in qs:
                source, source_id, customer_id, found = _rows(obj)
                objs += [
                    RelationKey(
                        customer_id=customer_id,
                        kind=kind,
                        key=key[:300],
                        role=role,
                        source=source,
                        source_id=source_id,
                        shown=shown[:300],
                    )
                    for kind, key, role, shown in found
                ]
        RelationKey.objects.bulk_create(objs, batch_size=1000)
        count += len(objs)
    return count


def forget(obj) -> None:
    """Drop the stored keys of a child row whose personal data was erased with .update() (no signal):
    a name erased from the file must not linger in its keys."""
    source = {Shareholder: "shareholder", Manager: "manager", BankAccount: "bank_account"}.get(type(obj))
    if source:
        RelationKey.objects.filter(source=source, source_id=obj.pk).delete()


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_keys(instance)


def _deleted(sender, instance, **kwargs):
    source = {Shareholder: "shareholder", Manager: "manager", BankAccount: "bank_account"}.get(
        sender, "customer"
    )
    RelationKey.objects.filter(source=source, source_id=instance.pk).delete()


def connect() -> None:
    """Called from CustomersConfig.ready()."""
    for model in (Customer, Shareholder, Manager, BankAccount):
        post_save.connect(_saved, sender=model, dispatch_uid=f"relation_keys_save_{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"relation_keys_delete_{model.__name__}")


# --- Finding the group ---------------------------------------------------------------------------
@dataclass
class Link:
    """Why a member is in the group: it shares `shown` (its role there) with `via` (a member's id)."""

    kind: str
    role: str
    shown: str
    via: int
    via_role: str
    via_shown: str


@dataclass
class RelatedGroup:
    customer_id: int
    # member id → the links that brought it in (the file itself has none)
    members: dict[int, list[Link]] = field(default_factory=dict)
    truncated: bool = False

    @property
    def member_ids(self) -> list[int]:
        return list(self.members)

    @property
    def others(self) -> list[int]:
        return [pk for pk in self.members if pk != self.customer_id]

    def __bool__(self) -> bool:
        return len(self.members) > 1


def _findings(frontier, keys) -> tuple[set[tuple[int, int]], set[tuple[str, str]]]:
    """One query: the active "not related" pairs (low id, high id) touching the frontier, and the keys
    among `keys` marked as linking nothing."""
    rows = NotRelated.objects.filter(revoked_at__isnull=True).filter(
        Q(other__isnull=False, customer_id__in=frontier)
        | Q(other__isnull=False, other_id__in=frontier)
        | Q(other__isnull=True, key__in=keys)
    )
    pairs, silenced = set(), set()
    for low, high, kind, key in rows.values_list("customer_id", "other_id", "kind", "key"):
        if high is None:
            silenced.add((kind, key))
        else:
            pairs.add((low, high))
    return pairs, silenced


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def related_group(customer, *, cap: int = GROUP_CAP, depth: int = GROUP_DEPTH) -> RelatedGroup:
    """The files linked to `customer` by a shared key, directly or through another member (up to
    `depth` steps and `cap` files). One indexed query per step: the keys of the newest members,
    then every row sharing one of them.

    The credit manager's "not related" findings (NotRelated) are skipped: a key marked as linking
    nothing (a common name) links no file, a file marked not related to this one never joins its
    group, and two files marked not related are not linked to each other."""
    cid = getattr(customer, "pk", customer)
    group = RelatedGroup(customer_id=cid, members={cid: []})
    frontier = [cid]
    pairs: set[tuple[int, int]] = set()
    excluded: set[int] = set()
    for _step in range(depth):
        own = list(
            RelationKey.objects.filter(customer_id__in=frontier).values_list(
                "kind", "key", "role", "shown", "customer_id"
            )
        )
        if not own:
            break
        found, silenced = _findings(frontier, sorted({key for _k, key, *_r in own}))
        pairs |= found
        if _step == 0:  # files marked not related to this one never join its group
            excluded = {a if b == cid else b for a, b in found if cid in (a, b)}
        by_key: dict[tuple[str, str], tuple] = {}
        for kind, key, role, shown, member in own:
            if (kind, key) not in silenced:
                by_key.setdefault((kind, key), (member, role, shown))
        if not by_key:
            break
        shared = (
            RelationKey.objects.filter(key__in=[k for _kind, k in by_key])
            .exclude(customer_id__in=list(group.members) + sorted(excluded))
            .order_by("customer_id", "pk")
            .values_list("kind", "key", "role", "shown", "customer_id")[: cap * 20]
        )
        shared = list(shared)
        if len(shared) >= cap * 20:  # a very common key: the walk stops at this many rows a step
            group.truncated = True
        frontier = []
        for kind, key, role, shown, member in shared:
            origin = by_key.get((kind, key))
            if origin is None:  # the same digits as another kind's key (a phone and an account)
                continue
            if _pair(origin[0], member) in pairs:  # marked not related to the member it links to
                continue
            if member not in group.members:
                if len(group.members) >= cap:
                    group.truncated = True
                    continue
                group.members[member] = []
                frontier.append(member)
            links = group.members[member]
            if len(links) < 5:
                links.append(Link(kind, role, shown, origin[0], origin[1], origin[2]))
        if not frontier:
            break
    return group

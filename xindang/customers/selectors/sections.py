"""The file page's child rows — contacts, bank accounts, shareholders, managers, related companies —
and its tags, in one query."""

import functools

from django.db.models import BigIntegerField, CharField, Expression, F, Value

from ..models import BankAccount, Contact, Customer, Manager, RelatedCompany, Shareholder, Tag


def customer_children(customer: Customer) -> dict:
    return {
        "contacts": list(customer.contacts.all()),
        "bank_accounts": list(customer.bank_accounts.all()),
        "shareholders": list(customer.shareholders.all()),
        "managers": list(customer.managers.all()),
        "related_companies": list(customer.related_companies.all()),
    }


# The file page's sections (contacts, bank accounts, shareholders, managers, related companies) and
# its tags in one query: a UNION ALL of the six tables, each row's shown fields in typed slots. Each
# section keeps its model's order (the ORDER BY below is each Meta.ordering: the flag or the share
# descending, then the id; tags by name), and each row becomes an instance with those fields loaded
# (any other field is deferred: read on access, never silently empty).
_SECTIONS = {
    # section key: (model, {slot: field})
    "contacts": (
        Contact,
        {
            "s1": "name",
            "s2": "title",
            "s3": "phone",
            "s4": "mobile",
            "s5": "email",
            "s6": "notes",
            "flag": "is_primary",
        },
    ),
    "bank_accounts": (
        BankAccount,
        {"s1": "bank_name", "s2": "account_name", "s3": "account_no", "s4": "notes", "flag": "is_settlement"},
    ),
    "shareholders": (
        Shareholder,
        {"s1": "name", "s2": "kind", "num1": "share_pct", "num2": "contribution_amount"},
    ),
    "managers": (Manager, {"s1": "name", "s2": "position", "s3": "phone", "s4": "notes", "int1": "age"}),
    "related_companies": (
        RelatedCompany,
        {"s1": "name", "s2": "credit_code", "s3": "relation", "s4": "notes"},
    ),
}
_SLOT_FIELDS = {
    **{f"s{i}": (Contact, "notes") for i in range(1, 7)},
    "flag": (Contact, "is_primary"),
    "num1": (Shareholder, "share_pct"),
    "num2": (Shareholder, "contribution_amount"),
    "int1": (Manager, "age"),
}


class _TypedNull(Expression):
    """NULL of the slot's type: PostgreSQL types a bare NULL of a UNION's first branch as text."""

    def as_sql(self, compiler, connection):
        return "NULL", []

    def as_postgresql(self, compiler, connection):
        return f"NULL::{self.output_field.cast_db_type(connection)}", []


def _slots(qs, section: str, fields: dict, *, row_id=True):
    def empty(slot):
        model, name = _SLOT_FIELDS[slot]
        return _TypedNull(output_field=model._meta.get_field(name).clone())

    return qs.order_by().values(
        section=Value(section, output_field=CharField()),
        row_id=F("pk") if row_id else _TypedNull(output_field=BigIntegerField()),
        **{slot: F(fields[slot]) if slot in fields else empty(slot) for slot in _SLOT_FIELDS},
    )


@functools.cache
def _section_branches():
    """The union's branches over every file, their slots resolved once per process (a tenth of the
    file page's work); each page filters them by its file: (the sections' branches, the tags')."""
    sections = [_slots(model.objects.all(), key, fields) for key, (model, fields) in _SECTIONS.items()]
    return sections, _slots(Tag.objects.all(), "tags", {"s1": "name"}, row_id=False)


def customer_sections(customer: Customer) -> tuple[dict, list[str]]:
    """(customer_children(customer), the names of its tags), in one query."""
    sections, tag_names = _section_branches()
    branches = [branch.filter(customer=customer) for branch in sections]
    branches.append(tag_names.filter(customers=customer))
    rows = branches[0].union(*branches[1:], all=True).order_by("section", "-flag", "-num1", "row_id", "s1")
    children = {key: [] for key in _SECTIONS}
    tags = []
    for row in rows:
        if row["section"] == "tags":
            tags.append(row["s1"])
            continue
        model, fields = _SECTIONS[row["section"]]
        loaded = {"id": row["row_id"], "customer_id": customer.pk}
        loaded.update((fields[slot], row[slot]) for slot in fields)
        # from_db takes the values in the model's field order
        names = [f.attname for f in model._meta.concrete_fields if f.attname in loaded]
        instance = model.from_db(rows.db, names, [loaded[n] for n in names])
        instance.customer = customer
        children[row["section"]].append(instance)
    return children, tags

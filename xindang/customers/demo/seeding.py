"""Seeding customer files from generated companies through a bulk path that still respects the
domain: search fields from services.refresh_search_fields, file numbers from
services.allocate_file_no inside the transaction, customer codes from the numbering sequence,
history rows written with the files."""

import random
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from xindang.accounts.models import Department, User
from xindang.core import numbering
from xindang.policy.selectors import current_policy

from .. import services
from ..choices import Importance, Relationship, Status, Tier
from ..models import BankAccount, Contact, Customer, Manager, RelatedCompany, Shareholder, StatusChange, Tag
from .generator import CompanyData, DemoGenerator
from .organisation import CREDIT_MANAGER_USERNAME, SALES_DEPARTMENTS, sales_owners
from .words import CONTACT_TITLES, DEMO_TAGS, EAST_CHINA


def _pick_department(rng: random.Random, data: CompanyData, owners: dict[str, list[User]]) -> str:
    if data.fields["relationship"] == Relationship.SUPPLIER and "CG" in owners and rng.random() < 0.8:
        return "CG"
    sales = [c for c in SALES_DEPARTMENTS if c in owners] or list(owners)
    if data.region in EAST_CHINA and "HD" in sales and rng.random() < 0.45:
        return "HD"
    return rng.choice([c for c in sales if c != "HD"] or sales)


def build_customers(
    companies: list[CompanyData],
    *,
    rng: random.Random,
    departments: dict[str, Department],
    owners: dict[str, list[User]],
    now: datetime,
    policy=None,
) -> list[Customer]:
    """Unsaved Customer rows for `companies`, numbered in the caller's transaction."""
    policy = policy or current_policy()
    year_start = timezone.make_aware(datetime.combine(date(now.year, 1, 1), time(8)))
    span = max(1, int((now - year_start).total_seconds()))
    customers = []
    for data in companies:
        dept = _pick_department(rng, data, owners)
        owner = rng.choice(owners[dept])
        created = year_start + timedelta(seconds=rng.randint(0, span))
        updated = created + timedelta(seconds=rng.randint(0, max(1, int((now - created).total_seconds()))))
        c = Customer(
            name=data.name,
            credit_code=data.credit_code,
            region=data.region,
            city=data.city,
            department=departments[dept],
            owner=owner,
            status=data.status,
            created_by=owner,
            updated_by=owner,
            created_at=created,
            updated_at=updated,
            **data.fields,
        )
        if data.status in (Status.SUSPENDED, Status.PAST):
            c.status_changed_at = updated
        c._history_user = owner
        c._history_date = created
        customers.append(c)
    by_dept: dict[int, list[Customer]] = defaultdict(list)
    for c in customers:
        by_dept[c.department_id].append(c)
    for members in by_dept.values():
        for c, file_no in zip(
            members,
            services.allocate_file_no(members[0].department, policy=policy, count=len(members)),
            strict=True,
        ):
            c.file_no = file_no
    coded = [c for c, d in zip(customers, companies, strict=True) if d.has_code]
    if coded:
        first = numbering.allocate("customer.code", len(coded))
        for i, c in enumerate(coded):
            c.code = policy.core.customer_code_format.format(seq=first + i)
    for c in customers:
        services.refresh_search_fields(c)
    return customers


@contextmanager
def _keep_timestamps(model):
    """Let bulk_create store the files' own created_at/updated_at (a spread over the year) instead of
    stamping them with the current time. Only for this single-threaded seeding path."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def save_customers(
    companies: list[CompanyData],
    customers: list[Customer],
    *,
    history: bool,
    children: bool = True,
    batch_size: int = 500,
) -> None:
    """Insert the files, their tags, status changes and child rows (in the caller's transaction)."""
    with _keep_timestamps(Customer):
        Customer.objects.bulk_create(customers, batch_size=batch_size)
    if customers and customers[0].pk is None:  # backends without RETURNING (MySQL)
        ids = dict(
            Customer.objects.filter(file_no__in=[c.file_no for c in customers]).values_list("file_no", "pk")
        )
        for c in customers:
            c.pk = ids[c.file_no]
    if history:
        Customer.history.bulk_history_create(customers, batch_size=batch_size)
    tags = {name: Tag.objects.get_or_create(name=name)[0] for name in DEMO_TAGS}
    Through = Customer.tags.through
    Through.objects.bulk_create(
        [
            Through(customer_id=c.pk, tag_id=tags[t].pk)
            for c, d in zip(customers, companies, strict=True)
            for t in d.tags
        ],
        batch_size=batch_size,
    )
    with _keep_timestamps(StatusChange):
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    customer=c,
                    from_status=Status.ACTIVE,
                    to_status=d.status,
                    reason=d.status_reason,
                    changed_by=c.owner,
                    changed_at=c.status_changed_at,
                )
                for c, d in zip(customers, companies, strict=True)
                if d.status_reason
            ],
            batch_size=batch_size,
        )
    if not children:
        return
    for attr, model in (
        ("contacts", Contact),
        ("bank_accounts", BankAccount),
        ("shareholders", Shareholder),
        ("managers", Manager),
        ("related_companies", RelatedCompany),
    ):
        rows = []
        for c, d in zip(customers, companies, strict=True):
            for values in getattr(d, attr):
                row = model(customer=c, **values)
                row._history_user, row._history_date = c.owner, c._history_date
                rows.append(row)
        if history:
            bulk_create_with_history(rows, model, batch_size=batch_size)
        else:
            model.objects.bulk_create(rows, batch_size=batch_size)


def seed_customers(
    count: int,
    *,
    generator: DemoGenerator,
    departments: dict[str, Department],
    users: dict[str, User],
    history: bool = True,
    children: bool = True,
    batch_size: int = 500,
    progress=None,
    owners: dict[str, list[User]] | None = None,
) -> list[Customer]:
    """Create `count` customer files in batches, each batch in one transaction. Returns them unless
    `history` is off (the benchmark's 100k rows are not kept in memory). `owners`: salespeople by
    department code (default: the demo salespeople)."""
    owners = owners or sales_owners(departments, users)
    policy = current_policy()
    created: list[Customer] = []
    done = 0
    while done < count:
        n = min(batch_size, count - done)
        companies = [generator.company() for _ in range(n)]
        with transaction.atomic():
            customers = build_customers(
                companies,
                rng=generator.rng,
                departments=departments,
                owners=owners,
                now=timezone.now(),
                policy=policy,
            )
            save_customers(companies, customers, history=history, children=children, batch_size=batch_size)
        done += n
        if history:
            created.extend(customers)
        if progress:
            progress(done, count)
    return created


def demo_updates(
    customers: list[Customer], users: dict[str, User], *, generator: DemoGenerator, count: int = 12
) -> int:
    """Edit some files through services.update_customer (the owner adds a contact, the credit manager
    reviews them), so that their history timelines and the audit log have content."""
    editor = users.get(CREDIT_MANAGER_USERNAME)
    candidates = [c for c in customers if c.status == Status.ACTIVE]
    if editor is None or not candidates:
        return 0
    rng = generator.rng
    picked = rng.sample(candidates, min(count, len(candidates)))
    for c in picked:
        area = c.phone.split("-")[0] or "0571"
        version = services.update_customer(
            by=c.owner,
            customer_id=c.pk,
            expected_version=c.version,
            data={"phone": generator.landline(area)},
            children={
                "contacts": [
                    {
                        "name": generator.person_name(),
                        "title": rng.choice(CONTACT_TITLES),
                        "mobile": generator.mobile(),
                    }
                ]
            },
        ).customer.version
        tags = [*c.tags.values_list("name", flat=True), "重点"]
        version = services.update_customer(
            by=editor,
            customer_id=c.pk,
            expected_version=version,
            tags=tags,
            data={"importance": Importance.IMPORTANT, "notes": "季度资信复核：经营正常，回款及时。"},
        ).customer.version
        if rng.random() < 0.5:
            services.update_customer(
                by=editor, customer_id=c.pk, expected_version=version, data={"tier": Tier.CORE}
            )
    return len(picked)

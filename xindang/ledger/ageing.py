"""Receivables ageing (账龄; SPEC §6 "receivables ageing by customer, salesperson,
department"; 000 客户信息管理办法 二.7).

The open receivable debits (shipments and invoices) at any as-of date, in the policy's buckets of days
overdue, summed per customer, salesperson, department or for the company — in SQL, never row by row:

    open at `on` = open now + allocations dated after `on`          (per debit entered by `on`)

so the report is two aggregate queries (the debits still open now, and the allocations after the
as-of date), each grouped by the chosen key and by bucket, sent as one (UNION ALL). A debit's bucket
depends only on its due date, so the two sums add bucket by bucket. Entries without a due date are
"not due" (as in ledger.rules.is_overdue). Drill-down to the entries uses the per-debit form for one customer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from django.db import connections
from django.db.models import Case, DateField, DecimalField, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce

from xindang.accounts.models import Department, User
from xindang.core.together import read_compiled
from xindang.customers.models import Customer
from xindang.ledger import rules
from xindang.ledger.models import Allocation, TradeEntry
from xindang.ledger.rules import INVOICE, SHIPMENT
from xindang.policy.selectors import current_policy

DEBIT_KINDS = (SHIPMENT, INVOICE)  # the receivable pool (ledger.rules.POOL_OF)
NO_DUE_DATE = date(9999, 12, 31)
ZERO = Decimal("0.00")
CENT = Decimal("0.01")
DIMENSIONS = ("company", "department", "salesperson", "customer")
MONEY = DecimalField(max_digits=18, decimal_places=2)


def due_expression(prefix: str = ""):
    """The due date an entry is aged by (no due date: never overdue)."""
    # The literal is cast so that MySQL/MariaDB types the COALESCE as a date, not a string.
    far = Cast(Value(NO_DUE_DATE, output_field=DateField()), DateField())
    return Coalesce(f"{prefix}due_on", far, output_field=DateField())


def policy_buckets(policy=None) -> list[rules.Bucket]:
    return rules.buckets_from_bounds((policy or current_policy()).collection.ageing_bucket_days)


def _bucket_condition(bucket: rules.Bucket, on: date, due: str) -> Q:
    """The due dates of the entries in `bucket` at `on` (days overdue = on − due); no due date is
    "not due". Plain comparisons on the column (no COALESCE per row and bucket)."""
    if bucket.low is None:  # not due: due on or after `on`, or no due date
        return Q(**{f"{due}__gte": on}) | Q(**{f"{due}__isnull": True})
    cond = Q(**{f"{due}__lte": on - timedelta(days=bucket.low)})
    if bucket.high is not None:
        cond &= Q(**{f"{due}__gte": on - timedelta(days=bucket.high)})
    return cond


def _bucket_sums(buckets, on: date, due: str, amount: str) -> dict:
    return {
        f"b{i}": Coalesce(
            Sum(
                Case(
                    When(_bucket_condition(b, on, due), then=F(amount)),
                    default=Value(ZERO),
                    output_field=MONEY,
                )
            ),
            Value(ZERO),
            output_field=MONEY,
        )
        for i, b in enumerate(buckets)
    }


# Where a row finds its debit's columns and its customer: a debit is its own row; an allocation
# carries its debit's customer, kind and dates, and reaches the debit's salesperson and department
# through it.
ENTRY, LATER = ("", ""), ("debit_entry__", "")


def _keys(dimension: str, paths: tuple[str, str]) -> dict:
    """The grouping key per dimension (a debit's salesperson or department, else its customer's)."""
    entry, own = paths
    if dimension == "customer":
        return {"key": F(f"{own}customer_id")}
    if dimension == "salesperson":
        return {"key": Coalesce(f"{entry}salesperson_id", f"{own}customer__owner_id")}
    if dimension == "department":
        return {"key": Coalesce(f"{entry}department_id", f"{own}customer__department_id")}
    return {"key": Value(0)}


@dataclass(frozen=True)
class PerEntry:
    """The visible files asked about each entry's customer (EXISTS), not listed first (IN)."""

    queryset: object


def _scope(
    qs, paths: tuple[str, str], *, customers=None, department_id=None, salesperson_id=None, customer_id=None
):
    entry, own = paths
    if isinstance(customers, list):  # a few visible files, read once as ids (ageing_querysets)
        if not customers:
            return qs.none()
        # one array parameter, not a parameter per id (each costs the ORM and the driver as much)
        ids = RawSQL("SELECT UNNEST(%s::bigint[])", (customers,))
        qs = qs.filter(**{f"{own}customer_id__in": ids})
    elif isinstance(customers, RawSQL):  # the visible files' statement, compiled (_summed)
        qs = qs.filter(**{f"{own}customer_id__in": customers})
    elif isinstance(customers, PerEntry):  # each entry's customer among the visible files (_summed)
        qs = qs.filter(Exists(customers.queryset.filter(pk=OuterRef(f"{own}customer_id"))))
    elif customers is not None:
        if customers.query.is_empty():
            return qs.none()
        if customers.query.has_filters():
            qs = qs.filter(**{f"{own}customer__in": customers.values("pk")})
    if customer_id:
        qs = qs.filter(**{f"{own}customer_id": customer_id})
    if department_id:
        qs = qs.filter(
            Q(**{f"{entry}department_id": department_id})
            | Q(**{f"{entry}department__isnull": True, f"{own}customer__department_id": department_id})
        )
    if salesperson_id:
        qs = qs.filter(
            Q(**{f"{entry}salesperson_id": salesperson_id})
            | Q(**{f"{entry}salesperson__isnull": True, f"{own}customer__owner_id": salesperson_id})
        )
    return qs


@dataclass
class AgeingRow:
    key: int | None
    label: str = ""
    amounts: list = field(default_factory=list)  # one per bucket
    sub: str = ""  # second line (file number, department)

    @cached_property
    def total(self) -> Decimal:
        return sum(self.amounts, ZERO)

    @cached_property
    def overdue(self) -> Decimal:
        return sum(self.amounts[1:], ZERO)


@dataclass
class AgeingReport:
    on: date
    dimension: str
    buckets: list
    rows: list
    totals: AgeingRow


def ageing_sums(
    *,
    on: date,
    dimension: str = "customer",
    buckets: list[rules.Bucket] | None = None,
    customers=None,
    department_id: int | None = None,
    salesperson_id: int | None = None,
    customer_id: int | None = None,
) -> dict:
    """{key: [amount per bucket]} of the receivables open at `on`, grouped by `dimension`
    ("customer", "salesperson", "department", "company" — key 0). `customers`: a queryset restricting
    to the files a user may see (visible_customers)."""
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    buckets = buckets or policy_buckets()
    scope = {
        "customers": customers,
        "department_id": department_id,
        "salesperson_id": salesperson_id,
        "customer_id": customer_id,
    }
    return {key: amounts for key, amounts, _label in _summed(on, dimension, buckets, scope)}


SCOPE_IDS = ("department_id", "salesperson_id", "customer_id")


def _summed(
    on: date, dimension: str, buckets: list, scope: dict, *, labelled: bool = False, few_files: bool = False
) -> list[tuple]:
    """(key, [amount per bucket], label) for each key with anything open: the two grouped sums added by
    the database in one statement (their UNION ALL grouped again by key), so that a report of every
    customer brings one row per customer to Python, not two. `labelled` (keys are customers): the
    customer's (name, file number) joined on; otherwise label is None. Fetched whole, not through a
    server-side cursor: PostgreSQL plans one for a fast first row and without parallel workers (3–6×
    slower on five million entries).

    The statement is compiled once per process and day for its shape (dimension, buckets, which of the
    scope's ids are given), the ids put in their places at each call (core.together.read_compiled):
    building and compiling its ORM expressions costs a page more than the statement on a salesperson's
    files. A scope of visible files that is not sent as ids is compiled to its text, which is part of
    the plan's key (the same for every request of a user, core.together); `few_files` (the caller knows
    the user does not see every file): on PostgreSQL they are read as ids first."""
    n = len(buckets)
    scope = {"customers": scope.get("customers"), **{name: scope.get(name) for name in SCOPE_IDS}}
    customers = _few_as_ids(scope["customers"]) if few_files else scope["customers"]
    visible = None  # the statement of the visible files, as text and parameters (part of the plan's key)
    per_entry = False
    if customers is not None and not isinstance(customers, list):
        if customers.query.is_empty():
            return []
        if customers.query.has_filters():
            ids = customers.order_by().values("pk")
            sql, params = ids.query.get_compiler(using=ids.db).as_sql()
            visible = (sql, tuple(params))
            # SQLite answers "IN (the visible files)" by listing all of them first and then probing
            # the ledger file by file: for a user who sees every file but a few, 100,000 files listed
            # and probed twice (150 ms at 100,000 files on an empty ledger). Asked per entry instead.
            per_entry = not few_files and connections[ids.db].vendor == "sqlite"
    args = {name: scope[name] for name in SCOPE_IDS if scope[name]}
    if isinstance(customers, list):
        if not customers:
            return []
        args["customers"] = customers

    def build(a):
        given = {name: a.get(name) for name in SCOPE_IDS}
        given["customers"] = RawSQL(*visible) if visible else a.get("customers")  # noqa: S611 - the ORM's SQL
        if per_entry:
            given["customers"] = PerEntry(customers)
        debits, later = ageing_querysets(on=on, dimension=dimension, buckets=buckets, **given)
        return _summed_sql(debits, later, n, labelled)

    key = ("ageing", on, dimension, tuple(buckets), labelled, visible, per_entry)
    rows = read_compiled(key, build, args)
    return _summed_rows(rows, n, labelled)


def _summed_sql(debits, later, n: int, labelled: bool) -> tuple[str, tuple]:
    parts = [qs for qs in (debits, later) if not qs.query.is_empty()]
    if not parts:
        return "", ()
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    connection = connections[union.db]
    inner, params = union.query.get_compiler(using=union.db).as_sql()
    q = connection.ops.quote_name
    names = [q(f"b{i}") for i in range(n)]
    sums = ", ".join(f"SUM(u.{b})" for b in names)
    key = f"u.{q('key')}"
    if labelled:
        table = q(Customer._meta.db_table)
        name, file_no = (q(Customer._meta.get_field(f).column) for f in ("name", "file_no"))
        sql = (
            f"SELECT {key}, {sums}, c.{name}, c.{file_no} FROM ({inner}) u "  # noqa: S608 - model metadata
            f"LEFT JOIN {table} c ON c.{q('id')} = {key} GROUP BY {key}, c.{name}, c.{file_no}"
        )
    else:
        sql = f"SELECT {key}, {sums} FROM ({inner}) u GROUP BY {key}"  # noqa: S608 - model metadata
    return sql, tuple(params)


def _summed_rows(rows, n: int, labelled: bool) -> list[tuple]:
    out = []
    for row in rows:
        amounts = [_money(v) for v in row[1 : n + 1]]
        if any(amounts):
            label = (row[n + 1] or "", row[n + 2] or "") if labelled else None
            out.append((row[0], amounts, label))
    return out


def _money(value) -> Decimal:
    """A sum as two-place money, whatever the database gives (SQLite sums NUMERIC as a float: its
    shortest text is exact to the cent for any amount the ledger holds)."""
    if value is None:
        return ZERO
    if type(value) is Decimal:  # PostgreSQL and MariaDB sum NUMERIC(18, 2) to two places already
        return value
    return Decimal(str(value)).quantize(CENT)


def ageing_querysets(*, on: date, dimension: str, buckets: list[rules.Bucket], **scope) -> tuple:
    """The two grouped sums ageing_sums adds up, as querysets of {"key", "b0", "b1", …}: the open
    debits by bucket, and the allocations made after `on` to debits of `on` (open again on that day)."""
    debits = TradeEntry.objects.filter(kind__in=DEBIT_KINDS, open_amount__gt=0, entry_on__lte=on)
    debits = _scope(debits, ENTRY, **scope).annotate(**_keys(dimension, ENTRY))
    debits = debits.order_by().values("key").annotate(**_bucket_sums(buckets, on, "due_on", "open_amount"))

    # The debit's kind and dates as the allocation carries them: no join to the debits unless the
    # dimension or the scope asks for the debit's salesperson or department.
    later = Allocation.objects.filter(allocated_on__gt=on, debit_kind__in=DEBIT_KINDS, debit_entry_on__lte=on)
    later = _scope(later, LATER, **scope).annotate(**_keys(dimension, LATER))
    later = later.order_by().values("key").annotate(**_bucket_sums(buckets, on, "debit_due_on", "amount"))
    return debits, later


# On PostgreSQL a restricted user's visible files (a salesperson's few hundred), up to this many, are
# read once as ids: the two sums then filter on an array of them instead of each joining the union of
# every way a file is visible, which PostgreSQL plans as a costly statement and answers with parallel
# workers (10 ms of starting them, for a page of a few hundred files).
FEW_FILES = 1000


def _few_as_ids(customers):
    if customers is None or customers.query.is_empty() or not customers.query.has_filters():
        return customers
    if connections[customers.db].vendor != "postgresql":
        return customers
    ids = list(customers.order_by().values_list("pk", flat=True)[: FEW_FILES + 1])
    return ids if len(ids) <= FEW_FILES else customers


def summed_buckets(rows, n: int) -> dict:
    """{key: [amount per bucket]} of the rows of ageing_querysets (both of them), keys with nothing
    left out."""
    result: dict = {}
    names = [f"b{i}" for i in range(n)]
    for row in rows:
        got = [ZERO + (row[b] or ZERO) for b in names]  # two places, whatever the database gives
        have = result.get(row["key"])
        result[row["key"]] = got if have is None else [a + b for a, b in zip(have, got, strict=True)]
    return {k: v for k, v in result.items() if any(v)}


def _labels(dimension: str, keys) -> dict:
    """(label, second line) of the salespeople's and departments' keys (a customer's come with its sums)."""
    keys = [k for k in keys if k]
    if dimension == "salesperson":
        return {u.pk: (u.get_full_name() or u.username, "") for u in User.objects.filter(pk__in=keys)}
    if dimension == "department":
        # The name once, its code as the second line (str(d) already holds the code).
        return {d.pk: (d.name, d.code) for d in Department.objects.filter(pk__in=keys)}
    return {}


def ageing_report(
    *, on: date, dimension: str = "customer", buckets=None, few_files: bool = False, **scope
) -> AgeingReport:
    """The ageing report: rows (largest overdue first) with labels, and company totals. `few_files`:
    the `customers` of the scope are a user's few (customers.selectors.sees_every_file is false)."""
    buckets = buckets or policy_buckets()
    if dimension not in DIMENSIONS:
        raise ValueError(dimension)
    summed = _summed(on, dimension, buckets, scope, labelled=dimension == "customer", few_files=few_files)
    labels = {} if dimension == "customer" else _labels(dimension, [key for key, *_ in summed])
    rows = []
    for key, amounts, label in summed:
        label, sub = label or labels.get(key, ("", ""))
        row = AgeingRow(key=key, label=label, sub=sub, amounts=amounts)
        total = sum(amounts, ZERO)
        row.__dict__.update(total=total, overdue=total - amounts[0])  # AgeingRow's, added once
        rows.append(row)
    rows.sort(key=lambda r: (-r.overdue, -r.total, r.label))
    columns = zip(*(r.amounts for r in rows), strict=True) if rows else [()] * len(buckets)
    totals = AgeingRow(key=None, amounts=[sum(column, ZERO) for column in columns])
    return AgeingReport(on=on, dimension=dimension, buckets=buckets, rows=rows, totals=totals)


@dataclass
class AgedEntry:
    entry_id: int
    kind: str
    entry_on: date
    due_on: date | None
    amount: Decimal
    open_amount: Decimal
    days_overdue: int
    bucket: str
    salesperson_id: int | None
    department_id: int | None
    external_id: str | None


def aged_entries(*, customer_id: int, on: date, buckets=None) -> list[AgedEntry]:
    """The drill-down: one customer's receivable debits open at `on`, oldest due first."""
    buckets = buckets or policy_buckets()
    allocated = (
        Allocation.objects.filter(debit_entry=OuterRef("pk"), allocated_on__lte=on)
        .order_by()
        .values("debit_entry")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    qs = (
        TradeEntry.objects.filter(customer_id=customer_id, kind__in=DEBIT_KINDS, entry_on__lte=on)
        .annotate(
            allocated=Coalesce(Subquery(allocated, output_field=MONEY), Value(ZERO), output_field=MONEY)
        )
        .annotate(open_at=F("amount") - F("allocated"))
        .filter(open_at__gt=0)
        .order_by(due_expression(), "entry_on", "id")
    )
    out = []
    for e in qs:
        days = rules.days_overdue(e.due_on, on)
        out.append(
            AgedEntry(
                entry_id=e.pk,
                kind=e.kind,
                entry_on=e.entry_on,
                due_on=e.due_on,
                amount=e.amount,
                open_amount=e.open_at,
                days_overdue=max(days, 0),
                bucket=rules.ageing_bucket(days, buckets),
                salesperson_id=e.salesperson_id,
                department_id=e.department_id,
                external_id=e.external_id,
            )
        )
    return out

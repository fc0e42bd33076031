"""The credit picture's reads in one statement (core.together) answer exactly what each queryset answers
on its own: the same rows in the same order, every field, annotation and select_related object of the
same value and type, on every engine."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xindang.core.together import Part, Rows, read_together
from xindang.credit.control.models import CreditCheck
from xindang.credit.grants import services as grants
from xindang.credit.grants.known import KnownCredit
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.credit.models import Investigation, Rating
from xindang.credit.picture import picture_parts
from xindang.ledger.collection.models import PaymentPromise
from xindang.ledger.services import post_trade_entry
from xindang.relations.models import Complaint

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def customer(make_customer, salesperson):
    today = timezone.localdate()
    c = make_customer(salesperson, name="华夏机电设备有限公司")
    for i, grade in enumerate(("B", "A")):
        Rating.objects.create(
            customer=c,
            grade=grade,
            computed_grade=grade,
            status="approved",
            effective_at=timezone.now() - timedelta(days=10 - i),
            reasons=[
                {"code": "a.cooperation", "article": "002 第十五条", "params": {"months": 24, "ratio": 0.5}}
            ],
        )
    CreditGrant.objects.create(
        customer=c,
        limit_amount=D("123456.78"),
        term_days=30,
        status=GrantStatus.ACTIVE,
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=300),
    )
    for month in range(6, 0, -1):
        post_trade_entry(
            customer=c,
            kind="shipment",
            amount=D("20000.05"),
            entry_on=today - timedelta(days=30 * month),
            due_on=today - timedelta(days=30 * month - 30),
        )
        post_trade_entry(
            customer=c, kind="payment", amount=D("15000"), entry_on=today - timedelta(days=30 * month - 10)
        )
    grants.request_grant(
        customer=c,
        by=salesperson,
        kind="long_term",
        limit_amount=D("12000"),
        term_days=30,
        reason="年底备货",
        guarantees=[{"guarantor_name": "华夏控股有限公司", "amount": D("20000.10")}],
    )
    return c


def _values(obj) -> dict:
    out = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    for name in ("limit_of_day", "has_collateral", "has_guarantees", "mean"):
        if hasattr(obj, name):
            out[name] = getattr(obj, name)
    return out


def _typed(values: dict) -> dict:
    """Each value with its type (a decimal annotation may differ in trailing zeros: SQLite's ORM does not
    quantize an expression; equal numbers compare equal)."""
    return {k: (type(v).__name__, v) for k, v in values.items()}


def _same(got: list, expected: list) -> None:
    assert [type(o) for o in got] == [type(o) for o in expected]
    for g, e in zip(got, expected, strict=True):
        theirs = _typed(_values(e))
        assert {k: v for k, v in _typed(_values(g)).items() if theirs.get(k) != v} == {}


def test_every_part_reads_as_the_queryset_alone(customer):
    on = timezone.localdate()
    parts = {
        **{name: p.build({"customer": customer.pk}) for name, p in picture_parts(customer, on).items()},
        "grants": KnownCredit.day_grants(CreditGrant.objects.filter(customer=customer), on),
        "ratings": Rating.objects.filter(customer=customer).order_by("-effective_at")[:1],
        "second_rating": Rating.objects.filter(customer=customer).order_by("-effective_at")[1:2],
    }
    pending = CreditGrant.objects.get(customer=customer, status=GrantStatus.PENDING)
    parts["guarantees"] = pending.guarantees.select_related("document")
    with CaptureQueriesContext(connection) as ctx:
        together = read_together(parts)
    assert len(ctx) == 1
    for name, qs in parts.items():
        if isinstance(qs, Rows):
            continue
        _same(together[name], list(qs))
    assert [g.guarantor_name for g in together["guarantees"]] == ["华夏控股有限公司"]
    assert together["guarantees"][0].amount == D("20000.10")
    assert together["ratings"][0].grade == "A" and together["second_rating"][0].grade == "B"
    assert together["ratings"][0].reasons[0]["params"] == {"months": 24, "ratio": 0.5}
    assert len(together["picture_oldest_overdue"]) == 1


def test_select_related_objects_and_slices_come_whole(customer, salesperson):
    _checks(customer, salesperson, 7)
    qs = CreditCheck.objects.filter(customer=customer).select_related("checked_by")
    got = read_together({"recent": qs[:5], "next": qs[5:], "none": qs.none()})
    _same(got["recent"], list(qs[:5]))
    _same(got["next"], list(qs[5:]))
    assert got["none"] == []
    with CaptureQueriesContext(connection) as ctx:
        assert [c.checked_by.username for c in got["recent"]] == [salesperson.username] * 5
    assert len(ctx) == 0  # the user came with the check


def test_rows_and_empty_parts(customer):
    promises = PaymentPromise.objects.filter(customer=customer).order_by().values("status")
    got = read_together(
        {
            "promises": Rows(promises, ("status",)),
            "investigations": Investigation.objects.filter(customer=customer),
            "complaints": Complaint.objects.filter(customer=customer),
        }
    )
    assert got == {"promises": [], "investigations": [], "complaints": []}


def _checks(customer, by, n: int) -> None:
    for i in range(n):
        CreditCheck.objects.create(
            customer=customer,
            amount=D("100.50") + i,
            exposure_amount=D("50000"),
            kind="shipment",
            control_point="order",
            outcome="allow",
            checked_by=by,
        )


def test_parts_are_compiled_once_and_read_each_customer_as_its_querysets(
    customer, make_customer, salesperson
):
    """Parts built from their arguments: the statement is compiled on the first reading and executed
    with the next customer's id afterwards, answering what that customer's querysets answer."""
    other = make_customer(salesperson, name="长城钢铁贸易有限公司")
    _checks(customer, salesperson, 3)
    _checks(other, salesperson, 7)
    on = timezone.localdate()
    built = []

    def parts_of():
        def checks(a):
            built.append(a["customer"])
            return CreditCheck.objects.filter(customer_id=a["customer"]).select_related("checked_by")[:5]

        return {
            **picture_parts(customer, on),
            "rating": Part(
                lambda a: Rating.objects.filter(customer_id=a["customer"]).order_by("-effective_at")[:1]
            ),
            "latest_checks": Part(checks, key="test"),
        }

    first = read_together(parts_of(), args={"customer": customer.pk})
    assert len(built) == 2  # compiled: built twice with stand-ins, never with the real id
    assert customer.pk not in built
    parts = parts_of()  # (outside a request, the policy's evidence period is read here)
    with CaptureQueriesContext(connection) as ctx:
        second = read_together(parts, args={"customer": other.pk})
    assert len(ctx) == 1 and len(built) == 2  # not built again
    for who, got in ((customer, first), (other, second)):
        for name, part in parts_of().items():
            expected = part.build({"customer": who.pk})
            if isinstance(expected, Rows):
                continue
            _same(got[name], list(expected))
    assert [c.amount for c in second["latest_checks"]] == [
        c.amount for c in CreditCheck.objects.filter(customer=other)[:5]
    ]
    assert second["rating"] == [] and first["rating"][0].grade == "A"


def test_a_new_key_is_compiled_anew(customer, salesperson):
    _checks(customer, salesperson, 7)

    def latest(n):
        return {"checks": Part(lambda a: CreditCheck.objects.filter(customer_id=a["customer"])[:n], key=n)}

    args = {"customer": customer.pk}
    assert len(read_together(latest(2), args=args)["checks"]) == 2
    assert len(read_together(latest(6), args=args)["checks"]) == 6
    assert len(read_together(latest(2), args=args)["checks"]) == 2


def test_a_part_whose_statement_changes_with_its_arguments_is_refused(customer):
    """The plan puts the arguments in their parameters' places only: a statement that uses an argument
    any other way (here the next id computed from it) would answer for the wrong customer, and is
    refused."""
    parts = {
        "ratings": Part(lambda a: Rating.objects.filter(customer_id__in=[a["customer"], a["customer"] + 1]))
    }
    with pytest.raises(ValueError, match="do not take"):
        read_together(parts, args={"customer": customer.pk})


def test_a_plan_prepared_on_the_server_answers_as_before(customer, salesperson):
    """On PostgreSQL a compiled plan keeps its constants in its text and binds only the arguments on the
    server (xindang.core.db), so the statement is prepared on the connection from its fifth run and
    its plan reused — the credit picture's union, which groups by DATE_TRUNC('month', …), included.
    Every run answers what the first answered, and each is one statement in Django's query log."""
    _checks(customer, salesperson, 3)
    on = timezone.localdate()
    args = {"customer": customer.pk}
    first = read_together(picture_parts(customer, on), args=args)
    for _ in range(6):
        parts = picture_parts(customer, on)  # (outside a request, the policy is read here)
        with CaptureQueriesContext(connection) as ctx:
            again = read_together(parts, args=args)
        assert len(ctx) == 1
        assert again.keys() == first.keys()
        for name, rows in first.items():
            if rows and isinstance(rows[0], dict):
                assert again[name] == rows
            else:
                _same(again[name], rows)
    assert sum(len(rows) for rows in first.values()) > 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%together_rank%"]
            )
            assert cursor.fetchone()[0] >= 1

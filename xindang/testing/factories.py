"""factory_boy factories for the rows the tests need with exact values: departments and users with
roles, customer files (made through the customers service, as the app makes them), ledger entries and
allocations with exact dates, exposure, grants, ratings and investigations.

Ledger rows are written straight into the tables: the ledger's own services are tested by the ledger;
the ageing, facts, collection and list tests need exact dates and allocations."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from xindang.accounts.models import Department, User
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.credit.models import Investigation, InvestigationStatus, Rating, RatingStatus
from xindang.customers import services as customer_services
from xindang.customers.models import Customer
from xindang.customers.rules import credit_code_check_char
from xindang.ledger.models import Allocation, Exposure, TradeEntry

PASSWORD = "Xd-test-pass-2026"

_serial = itertools.count(1)


def make_credit_code(n: int | None = None, province: str = "11") -> str:
    """A valid unified social credit code (GB 32100-2015), unique per n."""
    n = next(_serial) if n is None else n
    body = f"91{province}0000{n:09d}"
    return body + credit_code_check_char(body)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"部门{n}")
    name_en = factory.Sequence(lambda n: f"Department {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """UserFactory(username=…, roles=[Role.X, …], department=…): a user who logs in with PASSWORD."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda user: user.username)
    department = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, password=PASSWORD, **kwargs)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=str(role)) for role in extracted])


def make_user(username, *roles, department=None, **extra) -> User:
    """A user with `roles`, fetched fresh (no cached permissions)."""
    extra.setdefault("display_name", username)
    user = UserFactory(username=username, roles=roles, department=department, **extra)
    return User.objects.get(pk=user.pk)


class CustomerFactory(factory.Factory):
    """CustomerFactory(owner=…, name=…, **fields): a customer file made through the customers service
    (numbering, history and audit as in the app); `by` defaults to the owner."""

    class Meta:
        model = Customer

    name = "华夏科技有限公司"
    credit_code = factory.LazyFunction(make_credit_code)

    @classmethod
    def _create(cls, model_class, *, owner, by=None, confirm_similar=True, children=None, tags=(), **fields):
        data = {"department": fields.pop("department", owner.department), "owner": owner, **fields}
        return customer_services.create_customer(
            by=by or owner, data=data, tags=tags, children=children, confirm_similar=confirm_similar
        )


class TradeEntryFactory(factory.django.DjangoModelFactory):
    """A ledger entry with exact dates; a debit's open amount is its amount unless given."""

    class Meta:
        model = TradeEntry

    kind = "shipment"
    amount = Decimal("1000.00")
    original_amount = factory.SelfAttribute("amount")
    entry_on = factory.LazyFunction(timezone.localdate)
    open_amount = factory.LazyAttribute(
        lambda e: e.amount if e.kind in ("shipment", "invoice", "prepayment") else Decimal(0)
    )


def entry(customer, kind, amount, on: date, *, due_on=None, open_amount=None, **fields) -> TradeEntry:
    """entry(customer, "shipment", 1000, on, due_on=…): one ledger row (salesperson, department,
    reverses may be given)."""
    amount = Decimal(str(amount))
    if open_amount is not None:
        fields["open_amount"] = Decimal(str(open_amount))
    return TradeEntryFactory(
        customer=customer, kind=kind, amount=amount, entry_on=on, due_on=due_on, **fields
    )


def pay(debit, amount, on: date, *, kind="payment") -> TradeEntry:
    """A payment of `amount` on `on` allocated to `debit` (its open amount goes down)."""
    amount = Decimal(str(amount))
    credit = entry(debit.customer, kind, amount, on)
    Allocation.of(debit, credit, amount, on).save()
    debit.open_amount -= amount
    debit.save(update_fields=["open_amount"])
    return credit


class GrantFactory(factory.django.DjangoModelFactory):
    """A credit grant in force since ten days, for most of a year."""

    class Meta:
        model = CreditGrant

    limit_amount = Decimal("100000.00")
    term_days = 30
    status = GrantStatus.ACTIVE
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=300))


class RatingFactory(factory.django.DjangoModelFactory):
    """An approved rating, effective now."""

    class Meta:
        model = Rating

    grade = "A"
    computed_grade = factory.SelfAttribute("grade")
    status = RatingStatus.APPROVED
    effective_at = factory.LazyFunction(timezone.now)


class InvestigationFactory(factory.django.DjangoModelFactory):
    """An investigation reviewed by the file's owner."""

    class Meta:
        model = Investigation

    investigated_on = factory.LazyFunction(timezone.localdate)
    status = InvestigationStatus.REVIEWED
    created_by = factory.SelfAttribute("customer.owner")
    signed_by = factory.SelfAttribute("customer.owner")
    reviewed_by = factory.SelfAttribute("customer.owner")


def credit_picture(customer, *, exposure, limit=None, grade=None, overdue_days=None, investigated=None):
    """Exposure, a grant in force, an approved rating, an overdue shipment, a reviewed investigation."""
    today = timezone.localdate()
    Exposure.objects.create(customer=customer, open_shipments_amount=Decimal(exposure))
    if limit is not None:
        GrantFactory(customer=customer, limit_amount=Decimal(limit))
    if grade:
        RatingFactory(customer=customer, grade=grade)
    if overdue_days is not None:
        due = today - timedelta(days=overdue_days)
        entry(customer, "shipment", 1000, due - timedelta(days=30), due_on=due)
        if overdue_days > 20:  # a second, younger overdue item
            entry(customer, "shipment", 500, due, due_on=due + timedelta(days=5))
    if investigated:
        InvestigationFactory(customer=customer, investigated_on=investigated)

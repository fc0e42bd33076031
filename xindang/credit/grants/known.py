"""A page's credit reads of one customer (KnownCredit): asked once, read together in one statement
compiled once per process (core.together), and passed around by the pages that show several of
them (the grant request form beside its credit picture, the approval page, credit control)."""

from datetime import date
from decimal import Decimal
from functools import cached_property

from django.db.models import QuerySet, Subquery
from django.utils import timezone

from xindang.core.together import Part, Rows, read_together
from xindang.credit import selectors as credit_selectors
from xindang.ledger import facts as facts_module
from xindang.ledger import selectors as ledger_selectors
from xindang.ledger.models import Exposure

from .models import CreditGrant, GrantStatus
from .selectors import in_force_among, limit_in_force_expression, with_backing


def ledger_facts(customer_id: int, *, on: date, window_months: int, known: "KnownCredit | None" = None):
    """What a ceiling reads of the ledger (credit history, the window's monthly averages): the trade
    facts (ledger.facts.trade_facts; the rating reads the whole LedgerFacts), one statement, or with a
    page's other credit reads when `known` (its KnownCredit) is given."""
    if known is None:
        return facts_module.trade_facts(customer_id, on=on, window_months=window_months)
    window_months = max(int(window_months), 1)
    known.want_facts(window_months)
    rows = known.rows(f"facts_head_{window_months}") + known.rows(f"facts_monthly_{window_months}")
    facts = facts_module.trade_facts_from_rows([customer_id], rows, on=on, window_months=window_months)
    return facts[customer_id]


class KnownCredit:
    """A customer's credit reads for one page, each asked once when first needed, and all of them in one
    statement (core.together): the rating in force, every grant of the customer (newest requested
    first; the one in force, the pending one and the recent ones are taken from it), the maintained
    exposure, and whatever else the page asked for with want() or want_facts() before the first of
    them is needed (the credit picture's lists, the trade facts of the ceiling); anything asked later
    is one more statement. Pages that show several of them (the grant request form beside its credit
    picture) pass it around."""

    def __init__(self, customer, on: date | None = None, *, grants: list[CreditGrant] | None = None):
        self.customer = customer
        self.on = on or timezone.localdate()
        self.ledger_facts: dict = {}
        self.wanted: dict = {}  # name → core.together.Part, read with the next statement
        self.args: dict = {"customer": customer.pk}  # what the parts are built from
        self.read: dict = {}  # name → rows read
        if grants is not None:  # read already (of_grant)
            self.read["grants"] = grants

    @classmethod
    def of_grant(cls, grant_pk, on: date | None = None) -> tuple["KnownCredit | None", CreditGrant | None]:
        """The reads of the customer of grant `grant_pk`, with that grant: the customer and all its
        grants in one query, compiled once per process (core.together). (None, None) when there is no
        such grant."""
        on = on or timezone.localdate()
        if not isinstance(grant_pk, int):
            return None, None

        def build(a):
            customer_of = CreditGrant.objects.filter(pk=a["grant"]).values("customer_id")[:1]
            qs = CreditGrant.objects.filter(customer_id=Subquery(customer_of)).select_related("customer")
            return cls.day_grants(qs, on)

        grants = read_together({"grants_of_grant": Part(build, key=on)}, args={"grant": grant_pk})[
            "grants_of_grant"
        ]
        grant = next((g for g in grants if g.pk == grant_pk), None)
        if grant is None:
            return None, None
        return cls(grant.customer, on, grants=grants), grant

    @staticmethod
    def day_grants(qs: QuerySet[CreditGrant], on: date) -> QuerySet[CreditGrant]:
        """Newest requested first, each with `limit_of_day` (limit_in_force on the day) and whether it
        has collateral and guarantees (with_backing)."""
        qs = with_backing(qs.order_by("-requested_at", "-pk"))
        return qs.annotate(limit_of_day=limit_in_force_expression(on))

    def want(self, args: dict | None = None, **parts) -> None:
        """Read these parts (name=core.together.Part, built from the arguments {"customer": id} and
        `args`) with the next statement: the one that reads the rating, grants and exposure when none
        of them is read yet. A name read already is kept."""
        self.args.update(args or {})
        for name, part in parts.items():
            if name not in self.read:
                self.wanted.setdefault(name, part)

    def rows(self, name: str) -> list:
        """The rows of a part (own or wanted); every part still wanted is read in the same statement."""
        if name not in self.read:
            on = self.on
            own = {
                "rating": Part(lambda a: credit_selectors.approved_ratings(a["customer"])[:1]),
                "exposure": Part(lambda a: ledger_selectors.exposure_rows(a["customer"])),
                "grants": Part(
                    lambda a: KnownCredit.day_grants(
                        CreditGrant.objects.filter(customer_id=a["customer"]), on
                    ),
                    key=on,
                ),
            }
            batch = {k: v for k, v in own.items() if k not in self.read}
            batch.update(self.wanted)
            self.wanted = {}
            self.read.update(read_together(batch, args=self.args))
        return self.read[name]

    @cached_property
    def rating(self):
        return next(iter(self.rows("rating")), None)

    @cached_property
    def grants(self) -> list[CreditGrant]:
        """Every grant of the customer (day_grants)."""
        return self.rows("grants")

    @cached_property
    def in_force(self) -> CreditGrant | None:
        return in_force_among(self.grants, self.on)

    @property
    def limit_of_day(self) -> Decimal | None:
        """limit_in_force(in_force, on): the reduction schedule's step of the day, else the limit."""
        return self.in_force.limit_of_day if self.in_force is not None else None

    @cached_property
    def pending(self) -> CreditGrant | None:
        return next((g for g in self.grants if g.status == GrantStatus.PENDING), None)

    @cached_property
    def exposure(self):
        return next(iter(self.rows("exposure")), None) or Exposure(customer_id=self.customer.pk)

    def facts(self, window_months: int):
        """The trade facts a ceiling reads (ledger.facts.trade_facts) over `window_months`, read with
        the other reads when a page asked for them beforehand (want_facts)."""
        if window_months not in self.ledger_facts:
            self.ledger_facts[window_months] = ledger_facts(
                self.customer.pk, on=self.on, window_months=window_months, known=self
            )
        return self.ledger_facts[window_months]

    def want_facts(self, window_months: int) -> None:
        """Read the trade facts over `window_months` with the next statement (see facts)."""
        on, window_months = self.on, max(int(window_months), 1)

        def part(which: int) -> Part:
            def build(a):
                sums = facts_module.trade_fact_querysets([a["customer"]], on=on, window_months=window_months)
                return Rows(sums[which], facts_module.TRADE_COLUMNS)

            return Part(build, key=(on, window_months))

        self.want(**{f"facts_head_{window_months}": part(0), f"facts_monthly_{window_months}": part(1)})

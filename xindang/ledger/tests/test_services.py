"""Posting, open items, exposure by category, idempotency, reversals, notes, reservations (SPEC §6;
002 第三十一–三十六条; 004 客户信息管理制度 第八条)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from xindang.core.errors import DomainError
from xindang.ledger import selectors, services
from xindang.ledger.models import Allocation, Exposure, Reservation, TradeEntry
from xindang.policy.selectors import current_policy

pytestmark = pytest.mark.django_db
D = Decimal


def figures(customer):
    e = selectors.exposure_of(customer)
    return {k: v for k, v in e.figures().items() if v} | {"total": e.total_amount}


def test_shipment_opens_exposure_with_due_date_from_term(customer, post):
    e = post(customer, "shipment", "1000.00", term_days=45)
    assert e.due_on == date(2026, 1, 10) + timedelta(days=45)
    assert e.open_amount == D("1000.00")
    assert e.salesperson_id == customer.owner_id and e.department_id == customer.department_id
    assert figures(customer) == {"open_shipments_amount": D(1000), "total": D(1000)}


def test_due_date_defaults_to_policy_term(customer, post):
    e = post(customer, "invoice", "10")
    assert e.due_on == date(2026, 1, 10) + timedelta(days=current_policy().ledger.default_term_days)


def test_payment_settles_oldest_debits_first(customer, post):
    s1 = post(customer, "shipment", "100", entry_on=date(2026, 1, 1))
    s2 = post(customer, "invoice", "200", entry_on=date(2026, 1, 5))
    p = post(customer, "payment", "150", entry_on=date(2026, 2, 1))
    s1.refresh_from_db()
    s2.refresh_from_db()
    assert (s1.open_amount, s2.open_amount, p.open_amount) == (0, 150, 0)
    assert sorted(Allocation.objects.values_list("debit_entry_id", "amount")) == sorted(
        [(s1.pk, D(100)), (s2.pk, D(50))]
    )
    assert figures(customer) == {"open_invoices_amount": D(150), "total": D(150)}


def test_payment_larger_than_open_is_kept_as_credit_balance_and_applied_later(customer, post):
    post(customer, "shipment", "100")
    post(customer, "payment", "130", entry_on=date(2026, 1, 20))
    assert figures(customer) == {"credit_balance_amount": D(30), "total": D(0)}
    later = post(customer, "shipment", "50", entry_on=date(2026, 2, 1))
    later.refresh_from_db()
    assert later.open_amount == D(20)
    assert figures(customer) == {"open_shipments_amount": D(20), "total": D(20)}


def test_note_received_settles_the_debt_but_stays_in_exposure_until_settled(customer, post):
    post(customer, "shipment", "500")
    note = post(customer, "note_received", "500", note_no="BA-001", note_matures_on=date(2026, 7, 1))
    assert figures(customer) == {"notes_amount": D(500), "total": D(500)}  # 004 客户信息管理制度 第八条 3
    post(customer, "note_settled", "500", settles=note, note_without_recourse=True)
    assert figures(customer) == {"total": D(0)}


def test_note_settlement_cannot_exceed_the_note(customer, post):
    note = post(customer, "note_received", "100")
    with pytest.raises(DomainError) as exc:
        post(customer, "note_settled", "100.01", settles=note)
    assert exc.value.code == "ledger.note_exceeds_open"


def test_prepayment_is_exposure_until_goods_received(customer, post):
    post(customer, "prepayment", "300")
    assert figures(customer) == {"prepayments_amount": D(300), "total": D(300)}
    post(customer, "goods_received", "200")
    assert figures(customer) == {"prepayments_amount": D(100), "total": D(100)}


def test_repost_of_same_external_id_is_idempotent(customer, post):
    first, created = services.post_trade_entry(
        customer=customer,
        kind="shipment",
        amount=D(10),
        entry_on=date(2026, 1, 1),
        source_system="erp",
        external_id="SO-1",
    )
    again, created_again = services.post_trade_entry(
        customer=customer.pk,
        kind="shipment",
        amount=D("10.00"),
        entry_on=date(2026, 1, 1),
        source_system="erp",
        external_id="SO-1",
    )
    assert created and not created_again and again.pk == first.pk
    assert TradeEntry.objects.count() == 1
    assert figures(customer)["total"] == D(10)


def test_conflicting_repost_is_refused(customer, post):
    post(customer, "shipment", "10", source_system="erp", external_id="SO-1")
    with pytest.raises(DomainError) as exc:
        post(customer, "shipment", "11", source_system="erp", external_id="SO-1")
    assert exc.value.code == "ledger.conflicting_repost"


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"amount": D(0)}, "ledger.amount_not_positive"),
        ({"amount": D(-1)}, "ledger.amount_not_positive"),
        ({"currency": "XYZ"}, "ledger.unknown_currency"),
        ({"due_on": date(2026, 1, 1)}, "ledger.due_before_entry"),
        ({"customer": 999999}, "ledger.unknown_customer"),
        ({"kind": "gift"}, "ledger.unknown_kind"),
        ({"kind": "write_off"}, "ledger.write_off_needs_approval"),
    ],
)
def test_bad_entries_are_refused(customer, kw, code):
    args = {"customer": customer, "kind": "shipment", "amount": D(10), "entry_on": date(2026, 1, 10), **kw}
    with pytest.raises(DomainError) as exc:
        services.post_trade_entry(**args)
    assert exc.value.code == code
    assert not TradeEntry.objects.exists()


def test_foreign_currency_stores_yuan_beside_the_original(customer, settings):
    from xindang.policy.models import PolicyVersion

    v = PolicyVersion.objects.exclude(status="draft").order_by("-effective_from").first()
    v.data = {**v.data, "ledger": {"currencies": {"CNY": 1, "USD": "7.10"}}}
    v.save()
    e, _ = services.post_trade_entry(
        customer=customer, kind="shipment", amount=D("100.00"), currency="USD", entry_on=date(2026, 1, 1)
    )
    assert (e.original_amount, e.currency, e.amount) == (D("100.00"), "USD", D("710.00"))


def test_reversing_a_paid_shipment_frees_the_payment_as_credit_balance(customer, post):
    s = post(customer, "shipment", "100", entry_on=date(2026, 1, 1))
    post(customer, "payment", "60", entry_on=date(2026, 1, 5))
    rev, created = services.reverse_entry(entry=s, reason="开错单", entry_on=date(2026, 1, 6))
    assert created and rev.reverses_id == s.pk
    s.refresh_from_db()
    assert s.open_amount == 0
    assert figures(customer) == {"credit_balance_amount": D(60), "total": D(0)}
    # as of before the reversal the shipment was open 40
    assert [i.open_amount for i in selectors.open_items(on=date(2026, 1, 5), customer_ids=[customer.pk])] == [
        D(40)
    ]
    assert selectors.open_items(on=date(2026, 1, 6), customer_ids=[customer.pk]) == []
    with pytest.raises(DomainError) as exc:
        services.reverse_entry(entry=s)
    assert exc.value.code == "ledger.already_reversed"
    with pytest.raises(DomainError) as exc:
        services.reverse_entry(entry=rev)
    assert exc.value.code == "ledger.cannot_reverse_reversal"
    assert not selectors.exposure_differences()


def test_reversing_a_payment_reopens_the_debts(customer, post):
    s1 = post(customer, "shipment", "100", entry_on=date(2026, 1, 1))
    post(customer, "shipment", "100", entry_on=date(2026, 1, 2))
    p = post(customer, "payment", "250", entry_on=date(2026, 1, 5))
    assert figures(customer) == {"credit_balance_amount": D(50), "total": D(0)}
    services.reverse_entry(entry=p, entry_on=date(2026, 1, 9))
    s1.refresh_from_db()
    assert s1.open_amount == 100
    assert figures(customer) == {"open_shipments_amount": D(200), "total": D(200)}
    assert not selectors.exposure_differences()


def test_reversing_a_settled_note_needs_the_settlement_reversed_first(customer, post):
    note = post(customer, "note_received", "100")
    settled = post(customer, "note_settled", "100", settles=note)
    with pytest.raises(DomainError) as exc:
        services.reverse_entry(entry=note)
    assert exc.value.code == "ledger.reverse_settled_note"
    services.reverse_entry(entry=settled)
    assert figures(customer)["notes_amount"] == D(100)
    services.reverse_entry(entry=note)
    assert figures(customer) == {"total": D(0)}
    assert not selectors.exposure_differences()


def test_open_items_as_of_a_past_date(customer, post):
    s = post(customer, "shipment", "100", entry_on=date(2026, 1, 1), due_on=date(2026, 1, 31))
    post(customer, "payment", "30", entry_on=date(2026, 2, 10))
    (before,) = selectors.open_items(on=date(2026, 2, 9), customer_ids=[customer.pk])
    (after,) = selectors.open_items(on=date(2026, 2, 10), customer_ids=[customer.pk])
    assert (before.entry_id, before.open_amount, after.open_amount) == (s.pk, D(100), D(70))
    assert selectors.open_items(on=date(2025, 12, 31), customer_ids=[customer.pk]) == []
    assert selectors.oldest_overdue_item(customer, date(2026, 3, 1)).pk == s.pk
    assert selectors.oldest_overdue_item(customer, date(2026, 1, 31)) is None
    assert selectors.overdue_amount(customer, date(2026, 3, 1)) == D(70)
    assert selectors.receivables_balance(date(2026, 2, 9)) == D(100)


def test_reservation_is_held_and_consumed_by_the_shipment(customer, post):
    from django.db import transaction

    with transaction.atomic():
        services.lock_exposure(customer.pk)
        r = services.reserve(
            customer=customer, amount=D(80), kind="shipment", expires_at=timezone.now() + timedelta(hours=1)
        )
    e = selectors.exposure_of(customer)
    assert (e.reservations_amount, e.committed_amount) == (D(80), D(80))
    post(customer, "shipment", "80", reservation=r)
    r.refresh_from_db()
    e = selectors.exposure_of(customer)
    assert r.status == Reservation.Status.CONSUMED
    assert (e.reservations_amount, e.total_amount) == (D(0), D(80))
    with pytest.raises(DomainError) as exc:
        post(customer, "shipment", "80", reservation=r)
    assert exc.value.code == "ledger.reservation_not_held"


def test_reservations_release_and_expire(customer):
    past = timezone.now() - timedelta(minutes=1)
    r1 = services.reserve(customer=customer, amount=D(10), kind="shipment", expires_at=past)
    r2 = services.reserve(
        customer=customer, amount=D(20), kind="prepayment", expires_at=past + timedelta(days=1)
    )
    assert services.release_expired(customer) == 1
    services.release_reservation(reservation=r2)
    r1.refresh_from_db()
    r2.refresh_from_db()
    assert (r1.status, r2.status) == ("expired", "released")
    assert selectors.exposure_of(customer).reservations_amount == 0
    assert not selectors.exposure_differences()


def test_batch_is_atomic_and_reports_errors_per_row(customer, make_customer, salesperson):
    other = make_customer(salesperson, name="北方重工机械有限公司")
    rows = [
        {
            "customer": customer.pk,
            "kind": "shipment",
            "amount": "100",
            "entry_on": "2026-01-01",
            "external_id": "A1",
        },
        {
            "customer": other.pk,
            "kind": "shipment",
            "amount": "-3",
            "entry_on": "2026-01-01",
            "external_id": "A2",
        },
        {"customer": 987654, "kind": "payment", "amount": "5", "entry_on": "2026-01-01", "external_id": "A3"},
    ]
    with pytest.raises(DomainError) as exc:
        services.post_trade_entries(rows=rows, source_system="erp")
    assert exc.value.code == "ledger.batch_invalid"
    assert set(exc.value.params["rows"]) == {1, 2}
    assert (
        not TradeEntry.objects.exists() and not Exposure.objects.filter(open_shipments_amount__gt=0).exists()
    )
    rows[1]["amount"] = "3"
    rows[2]["customer"] = other.pk
    results = services.post_trade_entries(rows=rows, source_system="erp")
    assert [c for _e, c in results] == [True, True, True]
    again = services.post_trade_entries(rows=rows, source_system="erp")
    assert [c for _e, c in again] == [False, False, False]
    assert [e.pk for e, _c in again] == [e.pk for e, _c in results]
    assert TradeEntry.objects.count() == 3
    assert figures(other) == {"credit_balance_amount": D(2), "total": D(0)}
    assert not selectors.exposure_differences()


def test_reconcile_reports_a_corrupted_figure_and_fix_repairs_it(customer, post, finance_controller):
    post(customer, "shipment", "100")
    Exposure.objects.filter(customer=customer).update(open_shipments_amount=D(1))
    (diff,) = selectors.exposure_differences()
    assert (diff.customer_id, diff.figure, diff.maintained, diff.recomputed) == (
        customer.pk,
        "open_shipments_amount",
        D(1),
        D(100),
    )
    services.fix_exposure(
        customer_id=customer.pk, figures={"open_shipments_amount": D(100)}, by=finance_controller
    )
    assert not selectors.exposure_differences()


def test_naive_exposure_agrees_with_the_maintained_one(customer, post):
    post(customer, "shipment", "100", entry_on=date(2026, 1, 1))
    post(customer, "prepayment", "40", entry_on=date(2026, 1, 1))
    post(customer, "note_received", "70", entry_on=date(2026, 1, 2))
    post(customer, "payment", "10", entry_on=date(2026, 1, 3))
    assert selectors.naive_exposure(customer) == selectors.exposure_of(customer).total_amount == D(130)

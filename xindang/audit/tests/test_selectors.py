from datetime import date

import pytest
from django.test import RequestFactory

from xindang.audit.selectors import AuditFilters, audit_events
from xindang.audit.services import record_event

pytestmark = pytest.mark.django_db


def seqs(**filters) -> list[int]:
    return list(audit_events(filters).values_list("seq", flat=True))


def from_ip(ip: str):
    return RequestFactory().get("/", REMOTE_ADDR=ip)


def test_dates_are_local_shanghai_days_both_inclusive(salesperson, time_machine):
    for moment in (
        "2026-02-28T15:59:59+00:00",  # 2026-02-28 23:59:59 in Shanghai
        "2026-02-28T16:00:00+00:00",  # 2026-03-01 00:00:00
        "2026-03-01T15:59:59+00:00",  # 2026-03-01 23:59:59
        "2026-03-01T16:00:00+00:00",
    ):  # 2026-03-02 00:00:00
        time_machine.move_to(moment, tick=False)
        record_event("customer.view", actor=salesperson)

    assert seqs(date_from=date(2026, 3, 1), date_to=date(2026, 3, 1)) == [3, 2]
    assert seqs(date_from=date(2026, 3, 1)) == [4, 3, 2]
    assert seqs(date_to=date(2026, 2, 28)) == [1]


def test_filter_by_actor_name_or_user_name(salesperson, manager):
    record_event("customer.view", actor=salesperson)
    record_event("customer.view", actor=manager)
    assert seqs(actor="张") == [1]
    assert seqs(actor="LISI") == [2]


def test_filter_by_object_and_free_text(salesperson):
    record_event(
        "customer.view",
        actor=salesperson,
        object_type="customers.customer",
        object_id="7",
        object_repr="华夏科技有限公司",
    )
    record_event(
        "customer.view",
        actor=salesperson,
        object_type="customers.customer",
        object_id="8",
        object_repr="长江贸易有限公司",
        purpose="年度复核",
    )
    record_event("auth.login", actor=salesperson, object_type="accounts.user", object_id="7")
    assert seqs(object_type="customers.customer", object_id="7") == [1]
    assert seqs(object_id="7") == [3, 1]
    assert seqs(q="华夏") == [1]
    assert seqs(q="复核") == [2]


def test_filter_by_full_address_or_its_beginning(salesperson):
    record_event("auth.login", actor=salesperson, request=from_ip("192.168.1.20"))
    record_event("auth.login", actor=salesperson, request=from_ip("192.168.2.5"))
    record_event("auth.login", actor=salesperson, request=from_ip("2001:db8::1"))
    assert seqs(ip="192.168.1.20") == [1]
    assert seqs(ip="192.168.") == [2, 1]
    assert seqs(ip="2001:DB8:0::1") == [3]


def test_no_filters_gives_everything_newest_first(salesperson):
    for _ in range(3):
        record_event("auth.login", actor=salesperson)
    assert seqs() == [3, 2, 1]
    assert list(audit_events(AuditFilters()).values_list("seq", flat=True)) == [3, 2, 1]

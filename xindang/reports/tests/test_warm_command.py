from datetime import date
from io import StringIO

from django.core.cache import cache
from django.core.management import call_command

from xindang.customers.selectors import visible_customers
from xindang.reports.selectors import credit


def test_warm_reports_fills_the_cache_once_per_set_of_files(
    db, credit_manager, gm, manager, post, make_customer, salesperson, monkeypatch
):
    post(make_customer(salesperson, name="华夏电气商店"), "shipment", 1000, entry_on=date(2026, 5, 5))
    out = StringIO()
    call_command("warm_reports", "--today", "2026-06-30", stdout=out)
    # the credit manager and the GM see all files (one set), the manager the department's
    assert "for 2 sets of files" in out.getvalue()
    calls = []
    monkeypatch.setattr(credit, "_monthly_trend", lambda *a, **k: calls.append(a) or [])
    figures = credit.monthly_trend(visible_customers(credit_manager), date(2026, 6, 30))
    assert calls == [] and figures[-1].receivable == 1000  # served from the cache
    cache.clear()

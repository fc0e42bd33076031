"""The schedules of the regulations as pure rules (no database): 001 动态管理 (two-monthly full file
review, fast-growing and lost customers), 001 客户信用档案建立与管理制度 4 / 000 合同档案 4 (reports before
10 January and 10 July), 002 第三十六条 (the contract period's zero point; a month before the end)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.core import dates
from xindang.duties import rules

D = date


@pytest.mark.parametrize(
    ("today", "months", "period"),
    [
        # 001 动态管理: 定期(如二个月)开展客户档案全面修订核查 — calendar periods from January.
        (D(2026, 1, 15), 2, (D(2026, 1, 1), D(2026, 2, 28))),
        (D(2026, 2, 28), 2, (D(2026, 1, 1), D(2026, 2, 28))),
        (D(2026, 3, 1), 2, (D(2026, 3, 1), D(2026, 4, 30))),
        (D(2026, 12, 31), 2, (D(2026, 11, 1), D(2026, 12, 31))),
        (D(2024, 2, 10), 2, (D(2024, 1, 1), D(2024, 2, 29))),  # leap year
        (D(2026, 5, 5), 3, (D(2026, 4, 1), D(2026, 6, 30))),
        (D(2026, 5, 5), 1, (D(2026, 5, 1), D(2026, 5, 31))),
        (D(2026, 5, 5), 12, (D(2026, 1, 1), D(2026, 12, 31))),
    ],
)
def test_review_period_001_dynamic_management(today, months, period):
    assert rules.review_period(today, months) == period


def test_review_period_refuses_months_that_do_not_divide_the_year():
    with pytest.raises(ValueError):
        rules.review_period(D(2026, 1, 1), 5)


def test_previous_period_is_the_one_before():
    assert rules.previous_period(D(2026, 3, 1), 2) == (D(2026, 1, 1), D(2026, 2, 28))
    assert rules.previous_period(D(2026, 1, 1), 2) == (D(2025, 11, 1), D(2025, 12, 31))


STATS = ["01-10", "07-10"]


@pytest.mark.parametrize(
    ("today", "dates", "lead", "due"),
    [
        # 001 客户信用档案建立与管理制度 4: 每年的一月十日和七月十日前 — the window opens `lead` days ahead,
        # an unfiled report stays (overdue) until the next window opens.
        (D(2026, 6, 9), STATS, 30, D(2026, 1, 10)),
        (D(2026, 6, 10), STATS, 30, D(2026, 7, 10)),
        (D(2026, 7, 10), STATS, 30, D(2026, 7, 10)),
        (D(2026, 7, 11), STATS, 30, D(2026, 7, 10)),
        (D(2026, 12, 10), STATS, 30, D(2026, 7, 10)),
        (D(2026, 12, 11), STATS, 30, D(2027, 1, 10)),
        (D(2027, 1, 11), STATS, 30, D(2027, 1, 10)),
        # 一月十日前 the yearly analysis report, once a year
        (D(2026, 5, 1), ["01-10"], 30, D(2026, 1, 10)),
        (D(2026, 12, 11), ["01-10"], 30, D(2027, 1, 10)),
        (D(2026, 1, 10), ["01-10"], 0, D(2026, 1, 10)),
        (D(2026, 1, 9), ["01-10"], 0, D(2025, 1, 10)),
        (D(2026, 3, 1), ["02-29"], 0, D(2026, 2, 28)),  # 29 February in a common year
        (D(2026, 3, 1), [], 30, None),
    ],
)
def test_current_due_of_the_reports(today, dates, lead, due):
    assert rules.current_due(today, dates, lead) == due


@pytest.mark.parametrize(
    ("due", "covered"),
    [(D(2027, 1, 10), (2026, "year")), (D(2026, 7, 10), (2026, "h1"))],
)
def test_statistics_period_last_year_or_this_half_year(due, covered):
    # 000 合同档案 4: 上年度和本年度上半年的合同统计报表
    assert rules.statistics_period(due) == covered


@pytest.mark.parametrize(
    ("previous", "current", "flag"),
    [
        # 001 动态管理: 对成长快或丢失的客户分析原因后, 另作观察 (growth ratio 0.5 = 50 %)
        ("100", "0", rules.LOST),
        ("100", "150", rules.FAST_GROWING),
        ("100", "149.99", None),
        ("100", "100", None),
        ("100", "60", None),
        ("0", "500", None),  # new trade is not growth of an existing customer
        ("0", "0", None),
    ],
)
def test_trade_trend_flags_fast_growing_and_lost(previous, current, flag):
    assert rules.trade_trend(Decimal(previous), Decimal(current), Decimal("0.5")) == flag


S, E = D(2026, 1, 1), D(2026, 12, 31)


@pytest.mark.parametrize(
    ("opening", "moves", "zero_on"),
    [
        # 002 第三十六条: 合同期内…赊销欠款要回收清零一次
        ("0", [], S),  # nothing owed at the start: zero on the first evening
        ("0", [(D(2026, 3, 1), "500")], None),  # owed from March, never cleared
        ("0", [(D(2026, 3, 1), "500"), (D(2026, 4, 1), "-500")], D(2026, 4, 1)),
        ("0", [(D(2026, 3, 1), "500"), (D(2026, 3, 1), "-500")], S),  # never owed overnight
        ("500", [], None),
        ("500", [(D(2026, 3, 1), "-500")], D(2026, 3, 1)),
        ("500", [(D(2026, 3, 1), "-200"), (D(2026, 4, 1), "-300")], D(2026, 4, 1)),
        # paid and shipped again the same day: the evening balance never reached zero
        ("500", [(D(2026, 3, 1), "-500"), (D(2026, 3, 1), "800")], None),
        # overpaid: a credit balance counts as zero owed
        ("500", [(D(2026, 3, 1), "-600")], D(2026, 3, 1)),
        # moves outside the period do not count
        ("500", [(D(2027, 1, 2), "-500")], None),
        ("500", [(D(2025, 12, 31), "-500")], None),
    ],
)
def test_first_zero_day_of_a_contract_period(opening, moves, zero_on):
    parsed = [(day, Decimal(amount)) for day, amount in moves]
    assert rules.first_zero_day(Decimal(opening), parsed, S, E) == zero_on


def test_first_zero_day_of_an_empty_period():
    assert rules.first_zero_day(Decimal(0), [], E, S) is None


@given(
    opening=st.decimals(min_value=-1000, max_value=1000, places=2),
    moves=st.lists(
        st.tuples(
            st.dates(D(2025, 6, 1), D(2027, 6, 1)), st.decimals(min_value=-1000, max_value=1000, places=2)
        ),
        max_size=20,
    ),
)
def test_first_zero_day_is_an_evening_at_zero_in_the_period(opening, moves):
    zero_on = rules.first_zero_day(opening, moves, S, E)
    if zero_on is None:
        return
    assert S <= zero_on <= E
    evening = opening + sum((a for d, a in moves if S <= d <= zero_on), Decimal(0))
    assert evening <= 0 or (zero_on == S and opening <= 0)


@pytest.mark.parametrize(
    ("ends_on", "today", "lead", "open_"),
    [
        # 002 第三十六条: 合同到期前一个月内…确定下一个年度的合作方式, 欠货、欠款全部进行清收
        (D(2026, 12, 31), D(2026, 12, 1), 30, True),
        (D(2026, 12, 31), D(2026, 11, 30), 30, False),
        (D(2026, 12, 31), D(2027, 1, 5), 30, True),
        (D(2026, 12, 31), D(2026, 12, 31), 0, True),
    ],
)
def test_contract_ending_window(ends_on, today, lead, open_):
    assert rules.contract_ending_window(ends_on, today, lead) is open_


def test_duty_key_is_stable_across_expiring_and_expired():
    due = D(2026, 6, 30)
    expiring = rules.duty_key("customers.licence_expiring", "/customers/1/edit/", due, 1)
    expired = rules.duty_key("customers.licence_expired", "/customers/1/edit/", due, 1)
    assert expiring == expired  # the same work turned overdue: the same duty
    assert rules.duty_key("customers.licence_expired", "/customers/1/edit/", D(2027, 6, 30), 1) != expired
    assert rules.duty_key("documents.expired", "/customers/1/edit/", due, 1) != expired
    assert len(expired) <= 120


def test_unique_keys_tell_apart_two_items_at_one_place_whatever_the_order():
    keys = ["contracts:a", "contracts:a", "approvals:b"]
    kinds = ["contracts.cm.hand", "contracts.cm.receive", "approvals.approval"]
    forward = rules.unique_keys(keys, kinds)
    backward = rules.unique_keys(keys[::-1], kinds[::-1])[::-1]
    assert forward == backward
    assert len(set(forward)) == 3
    assert forward[2] == "approvals:b"


def test_a_duty_closes_when_no_module_returns_it():
    assert rules.keys_to_close({"a", "b", "c"}, {"b", "d"}) == {"a", "c"}


@pytest.mark.parametrize(
    ("preference", "email", "sent", "lines", "why"),
    [
        (rules.DAILY, "zs@example.com", False, 2, None),
        (rules.NONE, "zs@example.com", False, 2, "no_digest"),  # the user chose no digest
        (rules.DAILY, "", False, 2, "no_email"),  # an assignee without e-mail
        (rules.DAILY, "  ", False, 2, "no_email"),
        (rules.DAILY, "zs@example.com", True, 2, "already_sent"),  # second run the same day
        (rules.DAILY, "zs@example.com", False, 0, "nothing"),
    ],
)
def test_should_send_digest(preference, email, sent, lines, why):
    assert (
        rules.should_send_digest(preference=preference, email=email, already_sent_today=sent, lines=lines)
        == why
    )


def test_digest_lists_new_and_overdue_duties_overdue_first():
    today = D(2026, 6, 15)
    open_duties = [
        ("old-not-due", D(2026, 7, 1)),
        ("new-not-due", D(2026, 6, 20)),
        ("overdue-late", D(2026, 6, 10)),
        ("overdue-early", D(2026, 5, 1)),
        ("new-undated", None),
    ]
    lines = rules.digest_lines({"new-not-due", "new-undated"}, open_duties, today)
    assert [line.key for line in lines] == ["overdue-early", "overdue-late", "new-not-due", "new-undated"]
    assert [line.new for line in lines] == [False, False, True, True]


@pytest.mark.parametrize(
    ("kind", "given_rule", "expected"),
    [
        ("credit.quarterly_refresh", "", "002 第十二条"),
        ("credit.investigation_expired", "", "001 动态管理 2"),
        ("contracts.to_credit_manager.hand", "", "001 客户信用档案建立与管理制度 3"),
        ("evaluations.sign", "", "002 第三十九–四十一条"),
        ("approvals.approval", "", ""),
        ("documents.expired", "004 第十条", "004 第十条"),  # the provider's own rule wins
    ],
)
def test_rule_for_a_kind(kind, given_rule, expected):
    assert rules.rule_for(kind, given_rule).startswith(expected)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 1, 15), -2, D(2025, 11, 15)),
        (D(2026, 12, 31), 2, D(2027, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
    ],
)
def test_shift_months(day, months, expected):
    assert dates.add_months(day, months) == expected


def test_review_windows_compare_equal_lengths_back_to_back():
    previous, current = rules.review_windows(D(2026, 6, 15), 2)
    assert current == (D(2026, 4, 16), D(2026, 6, 15))
    assert previous == (D(2026, 2, 16), D(2026, 4, 15))


@pytest.mark.parametrize("text", ["1-10", "13-01", "02-30", "", "ab-cd"])
def test_parse_month_day_refuses_no_day_of_the_year(text):
    with pytest.raises(ValueError):
        rules.parse_month_day(text)

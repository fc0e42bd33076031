"""The analysis formulas, each with the seed's steps worked through (004 客户信息管理制度 第三–四条;
001 抓两头放中间). The seed gives the steps, not figures: each table works the steps by hand on round
numbers, step by step, so a reader can follow the arithmetic in the comments."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xindang.reports import rules


# --- 004 第三条1: composition -----------------------------------------------------------------
@pytest.mark.parametrize(
    "rows, expected, total",
    [
        # (2) 小计: 地区电气店 600, 地区专营店 300, 其他 100 (3) 合计 1000 (4) 600/1000 = 60 % …
        (
            [("地区专营店", D(300), 2), ("地区电气店", D(600), 3), ("其他", D(100), 1)],
            [("地区电气店", D("0.6000")), ("地区专营店", D("0.3000")), ("其他", D("0.1000"))],
            D(1000),
        ),
        # No sales: the parts carry no share (no division by zero, nothing invented).
        ([("华东", D(0), 1)], [("华东", None)], D(0)),
    ],
)
def test_composition_divides_each_subtotal_by_the_total(rows, expected, total):
    parts, got_total = rules.composition(rows)
    assert [(p.key, p.share) for p in parts] == expected
    assert got_total == total


# --- 004 第三条2: ABC ------------------------------------------------------------------------
ABC_CASE = [
    ("甲", D(500)),
    ("乙", D(250)),
    ("丙", D(100)),
    ("丁", D(80)),
    ("戊", D(40)),
    ("己", D(20)),
    ("庚", D(10)),
]


@pytest.mark.parametrize(
    "key, share, cumulative, klass",
    [
        # (2) sorted by sales; (3) share and cumulative share of the 1,000 total; (4) A ≈ 75 %.
        ("甲", D("0.5000"), D("0.5000"), "A"),  # 0 % before it: A
        ("乙", D("0.2500"), D("0.7500"), "A"),  # 50 % before it: A (reaches 75 %)
        ("丙", D("0.1000"), D("0.8500"), "B"),  # 75 % before it: B
        ("丁", D("0.0800"), D("0.9300"), "B"),
        ("戊", D("0.0400"), D("0.9700"), "B"),  # 93 % before it: still within 75 + 20
        ("己", D("0.0200"), D("0.9900"), "C"),  # 97 % before it: C
        ("庚", D("0.0100"), D("1.0000"), "C"),
    ],
)
def test_abc_classes_by_cumulative_share(key, share, cumulative, klass):
    rows = {r.key: r for r in rules.abc_classes(ABC_CASE)}
    assert (rows[key].share, rows[key].cumulative, rows[key].klass) == (share, cumulative, klass)


def test_abc_summary_gives_count_and_share_per_class():
    summary = rules.abc_summary(rules.abc_classes(ABC_CASE))
    assert [(s.klass, s.count, s.amount, s.share) for s in summary] == [
        ("A", 2, D(750), D("0.7500")),
        ("B", 3, D(220), D("0.2200")),
        ("C", 2, D(30), D("0.0300")),
    ]


@pytest.mark.parametrize(
    "cutoffs, classes",
    [
        ((D(75), D(20)), ["A", "A", "B", "B", "B", "C", "C"]),
        ((D(50), D(30)), ["A", "B", "B", "C", "C", "C", "C"]),  # a stricter policy
    ],
)
def test_abc_follows_the_policy_cutoffs(cutoffs, classes):
    rows = rules.abc_classes(ABC_CASE, a_pct=cutoffs[0], b_pct=cutoffs[1])
    assert [r.klass for r in rows] == classes


def test_the_largest_customer_is_always_a_and_no_sales_is_c():
    rows = rules.abc_classes([("大", D(900)), ("零", D(0)), ("小", D(100))])
    assert [(r.key, r.klass) for r in rows] == [("大", "A"), ("小", "B"), ("零", "C")]


@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=40))
def test_abc_classes_are_ordered_and_cumulative_ends_at_one(amounts):
    rows = rules.abc_classes([(i, D(a)) for i, a in enumerate(amounts)])
    order = "ABC"
    assert [order.index(r.klass) for r in rows] == sorted(order.index(r.klass) for r in rows)
    if sum(amounts):
        assert rows[0].klass == "A"
        assert max(r.cumulative for r in rows if r.amount > 0) == D("1.0000")


# --- 004 第三条3: share of our sales against the required level -------------------------------
@pytest.mark.parametrize(
    "share, required, meets",
    [
        (D("0.0500"), D(5), True),  # 5 % of our sales, the company asks 5 %
        (D("0.0499"), D(5), False),
        (D("0.2000"), None, None),  # no level set: nothing to compare with
        (None, D(5), None),  # no sales
    ],
)
def test_required_share(share, required, meets):
    assert rules.meets_required_share(share, required) is meets


# --- 004 第四条1: seasonal index --------------------------------------------------------------
# (1) three years of monthly sales: 100 a month, 400 in December, each year.
PEAK = {y: [D(100)] * 11 + [D(400)] for y in (2023, 2024, 2025)}
# Growth without a season: 90, 100, 110 a month in the three years.
FLAT = {2023: [D(90)] * 12, 2024: [D(100)] * 12, 2025: [D(110)] * 12}


@pytest.mark.parametrize(
    "monthly, total, yearly, monthly_avg, jan_index, dec_index, jan_share, dec_share",
    [
        # (2) 4,500 (3) 4,500 / 3 = 1,500 a year (5) 1,500 / 12 = 125 a month
        # (6) January 100 / 125 = 80 %, December 400 / 125 = 320 % (7) ÷ 12 = 6.67 %, 26.67 %
        (PEAK, D(4500), D(1500), D(125), D("80.00"), D("320.00"), D("6.67"), D("26.67")),
        # (2) 3,600 (3) 1,200 (5) 100; every month's average is 100: index 100 %, share 8.33 %
        (FLAT, D(3600), D(1200), D(100), D("100.00"), D("100.00"), D("8.33"), D("8.33")),
    ],
)
def test_seasonal_index_steps(
    monthly, total, yearly, monthly_avg, jan_index, dec_index, jan_share, dec_share
):
    s = rules.seasonal_index(monthly)
    assert (s.years, s.total, s.yearly_average, s.monthly_average) == (3, total, yearly, monthly_avg)
    assert (s.index[0], s.index[11]) == (jan_index, dec_index)
    assert (s.composition[0], s.composition[11]) == (jan_share, dec_share)
    assert sum(s.index) == pytest.approx(1200, abs=0.1)


@pytest.mark.parametrize(
    "monthly, goal, jan, dec",
    [
        # (8) a yearly goal of 3,000: January 3,000 × 100/1,500 = 200, December 3,000 × 400/1,500 = 800
        (PEAK, D(3000), D("200.00"), D("800.00")),
        # 1,000 spread evenly: 83.33 a month, December takes the rounding (83.37)
        (FLAT, D(1000), D("83.33"), D("83.37")),
    ],
)
def test_monthly_targets_from_the_seasonal_shares(monthly, goal, jan, dec):
    targets = rules.monthly_targets(rules.seasonal_index(monthly), goal)
    assert (targets[0], targets[11]) == (jan, dec)
    assert sum(targets) == goal


def test_seasonal_index_needs_sales_and_twelve_months():
    assert rules.seasonal_index({}) is None
    assert rules.seasonal_index({2025: [D(0)] * 12}) is None
    with pytest.raises(ValueError):
        rules.seasonal_index({2025: [D(1)] * 11})


# --- 004 第四条2–6: product mix, margin, turnover, cross ratio, contribution --------------------
# Two products sold to one customer: 甲 600 (cost 420, stock 100 → 200), 乙 400 (cost 240, stock 50 → 50).
@pytest.mark.parametrize(
    "product, sales, cost, opening, closing, share, margin, rate, avg, turnover, cross, contribution",
    [
        # 2(3) 600/1000 = 0.6; 3 600 − 420 = 180, 180/600 = 0.3; 4 (100+200)/2 = 150, 600/150 = 4;
        # 5 0.3 × 4 = 1.2; 6 1.2 × 0.6 = 0.72
        ("甲", D(600), D(420), D(100), D(200), D("0.6"), D(180), D("0.3"), D(150), D(4), D("1.2"), D("0.72")),
        # 2(3) 0.4; 3 160, 0.4; 4 50, 8; 5 3.2; 6 1.28 — 乙 earns more per yuan of stock: push it (6(2)③)
        ("乙", D(400), D(240), D(50), D(50), D("0.4"), D(160), D("0.4"), D(50), D(8), D("3.2"), D("1.28")),
    ],
)
def test_product_steps(
    product, sales, cost, opening, closing, share, margin, rate, avg, turnover, cross, contribution
):
    parts, total = rules.product_mix([("甲", D(600)), ("乙", D(400))])
    assert total == D(1000)
    got_share = {p.key: p.share for p in parts}[product]
    assert got_share == share
    got_margin, got_rate = rules.gross_margin(sales, cost)
    assert (got_margin, got_rate) == (margin, rate)
    got_avg = rules.average_stock(opening, closing)
    assert got_avg == avg
    got_turnover = rules.stock_turnover(sales, got_avg)
    assert got_turnover == turnover
    got_cross = rules.cross_ratio(got_rate, got_turnover)
    assert got_cross == cross
    assert rules.contribution_ratio(got_cross, got_share) == contribution


@pytest.mark.parametrize(
    "call, expected",
    [
        (lambda: rules.gross_margin(D(100), None), (None, None)),  # no cost in the ledger
        (lambda: rules.average_stock(None, D(5)), None),  # stock not entered
        (lambda: rules.stock_turnover(D(100), None), None),
        (lambda: rules.stock_turnover(D(100), D(0)), None),
        (lambda: rules.cross_ratio(D("0.3"), None), None),
        (lambda: rules.contribution_ratio(None, D("0.5")), None),
    ],
)
def test_missing_inputs_give_no_figure(call, expected):
    assert call() == expected


# --- 001 抓两头放中间 -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "klass, years, min_years, core",
    [("A", D(3), D(2), True), ("A", D("1.5"), D(2), False), ("B", D(10), D(2), False)],
)
def test_core_customers_are_a_class_of_long_standing(klass, years, min_years, core):
    assert rules.is_core(klass=klass, years_of_relationship=years, min_years=min_years) is core


@pytest.mark.parametrize(
    "grade, overdue, fell, written_off, reasons",
    [
        ("C", D(0), False, False, ["grade_c"]),
        ("B", D(10), False, False, ["overdue"]),
        ("B", D(0), True, False, ["grade_fell"]),
        ("A", D(0), False, True, ["bad_debt"]),
        ("A", D(0), False, False, []),
        ("丙", D(5), True, False, ["grade_c", "overdue", "grade_fell"]),
    ],
)
def test_tail_reasons(grade, overdue, fell, written_off, reasons):
    got = rules.tail_reasons(grade=grade, overdue_amount=overdue, grade_fell=fell, written_off=written_off)
    assert got == reasons


@pytest.mark.parametrize(
    "amount, months, expected", [(D(600), 6, D(1200)), (D(3600), 36, D(1200)), (D(10), 0, D(120))]
)
def test_average_yearly_trade(amount, months, expected):
    assert rules.average_yearly(amount, months) == expected


# --- Credit analysis --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "before, after, fell",
    [("A", "B", True), ("B", "C", True), ("C", "A", False), (None, "C", False), ("甲", "丙", True)],
)
def test_grade_fell(before, after, fell):
    assert rules.grade_fell(before, after) is fell


def test_migration_matrix_counts_pairs():
    m = rules.migration_matrix(
        [("A", "B"), ("A", "B"), ("B", "B"), (None, "C"), ("C", None)], ["A", "B", "C"]
    )
    assert m["A"]["B"] == 2 and m["B"]["B"] == 1 and m[""]["C"] == 1 and m["C"][""] == 1
    assert sum(sum(row.values()) for row in m.values()) == 5


@pytest.mark.parametrize(
    "exposure, limit, band",
    [
        (D(40), D(100), "lt50"),
        (D(50), D(100), "50to80"),
        (D(99), D(100), "80to100"),
        (D(100), D(100), "80to100"),
        (D(101), D(100), "over"),
        (D(10), None, "no_limit"),
        (D(0), None, ""),
    ],
)
def test_utilisation_band(exposure, limit, band):
    assert rules.utilisation_band(exposure, limit) == band


@pytest.mark.parametrize(
    "opening, sales, closing, current, expected",
    [
        # 100 owed + 200 sold − 120 still owed = 180 collected, of 100 + 200 − 60 not yet due = 240
        (D(100), D(200), D(120), D(60), D("75.0")),
        (D(0), D(0), D(0), D(0), None),
    ],
)
def test_collection_effectiveness(opening, sales, closing, current, expected):
    got = rules.collection_effectiveness(
        opening=opening, sales=sales, closing=closing, closing_current=current
    )
    assert got == expected

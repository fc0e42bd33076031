"""Substring search through the SQLite FTS5 trigram table (customers.search_index) finds exactly what
the plain LIKE scan finds, and the table follows every insert, change and deletion of a file."""

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xindang.customers import rules, search_index, selectors
from xindang.customers.models import Customer

pytestmark = pytest.mark.django_db

on_sqlite_with_trigram = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the FTS5 table is SQLite's index; PostgreSQL has pg_trgm"
)

# Search texts and queries drawn from the characters the search text is made of (Chinese, pinyin,
# digits, the field separator, brackets) plus a few that LIKE, FTS5 queries or case folding treat
# specially.
ALPHABET = "华夏电子科技有限公司环保杭州hxdzkjhuaxia0123456789|() %_\\\"'*:^-İıßÄäAaZz"
texts = st.text(alphabet=ALPHABET, min_size=0, max_size=40)
queries = st.text(alphabet=ALPHABET, min_size=1, max_size=6)


def ids(qs):
    return sorted(qs.values_list("pk", flat=True))


def fts_rows():
    with connection.cursor() as cur:
        cur.execute(f"SELECT rowid, search_text FROM {search_index.TABLE} ORDER BY rowid")
        return cur.fetchall()


@pytest.fixture
def files(salesperson, make_customer):
    return [
        make_customer(salesperson, name=name).pk
        for name in ("杭州华夏电子科技有限公司", "上海环保设备有限公司", "北京长城贸易有限公司")
    ]


@on_sqlite_with_trigram
def test_the_table_is_there_and_used(files):
    assert search_index.trigram_table_available()
    assert search_index.uses_index("华夏电")
    assert not search_index.uses_index("华夏")  # fewer than three characters: the plain scan
    assert search_index.phrase('a"b') == '"a""b"'  # a quote is doubled, nothing else is syntax
    sql = str(Customer.objects.filter(search_index.contains("huaxia")).query)
    assert search_index.TABLE in sql


@on_sqlite_with_trigram
def test_the_table_follows_inserts_updates_and_deletes(files):
    assert fts_rows() == sorted(Customer.objects.values_list("pk", "search_text"))
    Customer.objects.filter(pk=files[0]).update(search_text="新名字|xinmingzi|xmz")
    Customer.objects.filter(pk=files[1]).delete()
    assert fts_rows() == sorted(Customer.objects.values_list("pk", "search_text"))
    assert ids(Customer.objects.filter(search_index.contains("xinming"))) == [files[0]]
    assert ids(Customer.objects.filter(search_index.contains("环保设备"))) == []


@on_sqlite_with_trigram
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(texts, min_size=3, max_size=3), query=queries)
def test_the_index_finds_exactly_what_the_scan_finds(files, rows, query):
    for pk, text in zip(files, rows, strict=True):
        Customer.objects.filter(pk=pk).update(search_text=text)
    pattern = rules.normalize_query(query)
    if not pattern:
        return
    with_index = ids(Customer.objects.filter(search_index.contains(pattern)))
    scanned = ids(Customer.objects.filter(search_index.contains(pattern, index=False)))
    assert with_index == scanned


@on_sqlite_with_trigram
def test_the_search_box_uses_it_for_fragments_and_pinyin(files, credit_manager):
    found = selectors.search_customers(selectors.visible_customers(credit_manager), "华夏电子")
    assert search_index.TABLE in str(found.query)
    assert ids(found) == [files[0]]
    assert ids(selectors.search_customers(Customer.objects.all(), "hxdz")) == [files[0]]
    assert ids(selectors.search_customers(Customer.objects.all(), "环保")) == [files[1]]  # bigram word


def test_elsewhere_the_search_is_the_plain_lookup(files):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has the table")
    assert not search_index.trigram_table_available()
    assert ids(selectors.search_customers(Customer.objects.all(), "huaxia")) == [files[0]]

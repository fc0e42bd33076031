"""The main customer pages ask the database a fixed, small number of questions, however many files
there are: session, user, permissions, policy and navigation once each per request, then the page's
own queries. (Timings are in bench/; the number of queries is behaviour and is tested here.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

# page → most queries, for the credit manager and the salesperson alike. Every page: the user with department
# (once per request); the session, the user's permissions, roles and second-factor device (accounts.backends)
# and the policy in force come from the shared cache. The list: list preference, count, ids of the page and
# its rows (the filters' departments, tags and salespeople come from the shared cache). The file page: the
# file with whether the whole of it is open to the user, its audited view (chain head, event, head: no
# savepoint), its sections and tags (one query) and its status changes; its history is a request of its own
# ("history").
# PostgreSQL asks the planner for the browsing list's estimated count (EXPLAIN) of the credit manager.
LIMITS = {"list": 6, "search": 5, "code": 5, "file": 7, "history": 7}


@pytest.fixture
def files(salesperson, make_customer):
    made = [
        make_customer(salesperson, name=name)
        for name in ("杭州华夏电子科技有限公司", "上海华夏环保设备有限公司", "北京长城贸易有限公司")
    ]
    return [m.customer if hasattr(m, "customer") else m for m in made]


def pages(files):
    first = files[0]
    return {
        "list": "/customers/",
        "search": "/customers/?q=华夏&status=all",
        "code": f"/customers/?q={first.credit_code}&status=all",
        "file": f"/customers/{first.pk}/",
        "history": f"/customers/{first.pk}/history/",
    }


@pytest.mark.parametrize("who", ["credit_manager", "salesperson"])
@pytest.mark.parametrize("page", ["list", "search", "code", "file", "history"])
def test_page_queries_are_bounded(client, request, files, who, page, django_assert_max_num_queries):
    user = request.getfixturevalue(who)
    client.force_login(user)
    url = pages(files)[page]
    assert client.get(url).status_code == 200  # the session's first write is behind us
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    print(f"\n{who} {page}: {len(ctx.captured_queries)} queries")
    for q in ctx.captured_queries:
        print("   ", q["sql"][:150])
    with django_assert_max_num_queries(LIMITS[page]):
        assert client.get(url).status_code == 200

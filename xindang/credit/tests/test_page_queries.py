"""The credit pages ask the database a fixed, small number of questions, whatever the size of the
customer's ledger: the grant request form, the approval page of a pending grant request, the
customer's credit-control page and the ageing report. (Timings are in bench/; the number of queries is
behaviour and is tested here.)"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xindang.credit.grants import services as grants
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.credit.models import Rating
from xindang.ledger.services import post_trade_entry

pytestmark = pytest.mark.django_db

D = Decimal

# page → most queries, for each user who opens it. Every page: the user (once per request; the session, the
# user's permissions and the policy in force come from the shared cache). The customer's credit reads are
# one statement, compiled once per process (KnownCredit through core.together: a UNION ALL of JSON rows):
# the rating in force, all the customer's grants, the exposure, the ageing (the open debits and the later
# allocations by bucket), the trade facts of the ceiling (where the page computes one), and the credit
# picture's last investigation, oldest overdue item, promises by status, reservations held, recent checks
# and decisions (where the picture shows them), complaints, visits and surveys, and the guarantees of the
# grant asked for; the collateral of a grant that has some would be two more (with its documents; none
# here). The grant request form (5): the file, the standing-access check of its documents (the documents'
# grants are asked only of a file not seen standing), the credit reads and the documents offered. The
# approval page (8; 9 on some runs when a shared-cache entry is read again): the request, its steps, may-
# sign, the comments (once), the grant asked for with the customer and its grants (one query), the credit
# reads and the attachments. The credit-control page (3): the file, and the credit reads with the page's own
# lists (the shipment stops, the over-limit decisions and the checks). The ageing report: one UNION ALL, the
# departments' names, and its audited view (five statements); on PostgreSQL a salesperson's visible files
# are read first, as ids (ledger.ageing: the sums then filter on one array of them).
LIMITS = {"grant request": 5, "approval": 9, "credit control": 3, "ageing": 7}


def _post(customer, kind, amount, *, days_ago=0, due_days_ago=None):
    today = timezone.localdate()
    entry, _ = post_trade_entry(
        customer=customer,
        kind=kind,
        amount=D(amount),
        entry_on=today - timedelta(days=days_ago),
        due_on=today - timedelta(days=due_days_ago) if due_days_ago is not None else None,
    )
    return entry


@pytest.fixture
def files(make_customer, salesperson):
    """Two files of the salesperson with an approved A rating, a grant in force, a year of trade (some
    of it overdue) and, on the first, a pending grant request."""
    today = timezone.localdate()
    made = []
    for name in ("华夏机电设备有限公司", "长城钢铁贸易有限公司"):
        c = make_customer(salesperson, name=name)
        Rating.objects.create(
            customer=c,
            grade="A",
            computed_grade="A",
            status="approved",
            effective_at=timezone.now(),
            reasons=[
                {"code": "a.cooperation", "article": "002 第十五条", "params": {"months": 24, "min": 12}}
            ],
        )
        CreditGrant.objects.create(
            customer=c,
            limit_amount=D("100000"),
            term_days=30,
            status=GrantStatus.ACTIVE,
            valid_from=today - timedelta(days=30),
            valid_until=today + timedelta(days=300),
        )
        for month in range(12, 0, -1):
            _post(c, "shipment", "20000", days_ago=30 * month, due_days_ago=30 * month - 30)
            _post(c, "payment", "15000", days_ago=30 * month - 10)
        _post(c, "shipment", "30000", days_ago=70, due_days_ago=40)
        made.append(c)
    return made


@pytest.fixture
def approval_id(files, salesperson):
    grant = grants.request_grant(
        customer=files[0],
        by=salesperson,
        kind="long_term",
        limit_amount=D("12000"),
        term_days=30,
        reason="年底备货",
        guarantees=[{"guarantor_name": "华夏控股有限公司", "amount": D("20000")}],
    )
    return grant.approval_id


def pages(files, approval_id):
    first = files[0]
    return {
        "grant request": reverse("grants:request", args=[first.pk]),
        "approval": reverse("approvals:detail", args=[approval_id]),
        "credit control": reverse("credit_control:customer", args=[first.pk]),
        "ageing": reverse("collection:ageing"),
    }


CASES = [
    ("grant request", "salesperson"),
    ("grant request", "credit_manager"),
    ("approval", "salesperson"),
    ("approval", "vp_marketing"),
    ("credit control", "salesperson"),
    ("credit control", "credit_manager"),
    ("ageing", "salesperson"),
    ("ageing", "credit_manager"),
]


@pytest.mark.parametrize(("page", "who"), CASES)
def test_credit_page_queries_are_bounded(
    client, request, files, approval_id, page, who, django_assert_max_num_queries
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    url = pages(files, approval_id)[page]
    assert client.get(url).status_code == 200  # the session's first write is behind us
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    print(f"\n{who} {page}: {len(ctx.captured_queries)} queries")
    for q in ctx.captured_queries:
        print("   ", q["sql"][:200])
    with django_assert_max_num_queries(LIMITS[page]):
        assert client.get(url).status_code == 200


def test_credit_page_queries_do_not_grow_with_the_ledger(client, files, approval_id, credit_manager):
    client.force_login(credit_manager)
    urls = pages(files, approval_id)
    del urls["approval"]  # the credit manager is no approver of it
    for url in urls.values():
        client.get(url)
    before = {}
    for page, url in urls.items():
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        before[page] = len(ctx)
    for i in range(10):
        _post(files[0], "shipment", "1000", days_ago=i + 5, due_days_ago=i - 10)
        _post(files[1], "payment", "500", days_ago=i)
    for page, url in urls.items():
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        assert len(ctx) == before[page], page

"""Several app servers on one database: two gunicorn processes on loopback serve the same PostgreSQL
(or MariaDB) database, and concurrent clients spread over both drive reserving credit checks, trade
postings (each sent twice, once to each server), new customer files (file numbers) and the
decision of an over-limit approval. Afterwards: no limit was passed, every posting counts once, file
numbers are unique and gap-free, exactly one approver decided, the exposure reconciles with the
ledger and the audit chain verifies. Real processes, real connections; SQLite is one process's file
and is not served this way."""

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
import requests
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from conftest import make_user
from xindang.accounts.services import create_api_key
from xindang.approvals.models import ApprovalRequest, ApprovalStatus, StepStatus
from xindang.credit.grants.models import CreditGrant, GrantStatus
from xindang.credit.models import Rating, RatingStatus
from xindang.customers.models import Customer
from xindang.ledger.models import Exposure, Reservation, TradeEntry

from .appserver import server_env, start_gunicorn, test_database_url

pytestmark = [
    pytest.mark.multidb,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor == "sqlite", reason="several app servers need a database server"),
]

PASSWORD = "Servers-2026!"
LIMIT = Decimal(100_000)
CHECK = Decimal(7_000)  # 14 of them fit under the limit, the 15th does not
WORKERS = 16


@pytest.fixture
def servers(tmp_path):
    env = server_env(tmp_path, test_database_url(), XINDANG_CONN_MAX_AGE="60")
    started = [
        start_gunicorn(env, tmp_path / f"gunicorn-{n}.log", "-w", "2", "--threads", "4", "--timeout", "60")
        for n in range(2)
    ]
    try:
        for server in started:
            server.wait_until_up()
        yield [server.base for server in started]
    finally:
        for server in started:
            server.stop()


def _argon2(user):
    hasher = Argon2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def _login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.get(base + "/accounts/login/", timeout=10)
    token = session.cookies["csrftoken"]
    answer = session.post(
        base + "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": base + "/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:500]
    session.headers.update({"X-CSRFToken": session.cookies["csrftoken"], "Referer": base + "/"})
    return session


def _granted(customer) -> Customer:
    on = timezone.localdate()
    CreditGrant.objects.create(
        customer=customer,
        limit_amount=LIMIT,
        term_days=30,
        status=GrantStatus.ACTIVE,
        valid_from=on - timedelta(days=30),
        valid_until=on + timedelta(days=300),
    )
    Rating.objects.create(
        customer=customer,
        grade="B",
        computed_grade="B",
        status=RatingStatus.APPROVED,
        effective_at=timezone.now(),
    )
    return customer


def test_two_app_servers_keep_limits_numbers_postings_and_approvals_whole(servers, make_customer, dept_xs1):
    # given a department, its people, two granted customers and an ERP key with both scopes
    dept = dept_xs1
    seller = _argon2(make_user("srv_sales", "salesperson", department=dept))
    checked = _granted(make_customer(seller, name="并发授信客户"))
    booked = _granted(make_customer(seller, name="并发记账客户"))
    admin = make_user("srv_admin", "system_admin")
    _key, raw = create_api_key(name="ERP", scopes=["credit:check", "ledger:write", "ledger:read"], by=admin)
    erp = {"X-API-Key": raw}

    def api(n: int) -> str:
        return servers[n % 2] + "/api"

    # when 30 reserving checks of 7,000 arrive at once over both servers (limit 100,000)
    def check(n):
        answer = requests.post(
            api(n) + "/credit-check",
            json={"customer_id": checked.pk, "amount": str(CHECK), "reserve": True, "reference": f"SO-{n}"},
            headers=erp,
            timeout=60,
        )
        assert answer.status_code == 200, answer.text[:300]
        return answer.json()["outcome"]

    # and 40 shipments, each posted twice (once to each server) at once
    def post(n):
        body = {
            "customer_id": booked.pk,
            "kind": "shipment",
            "amount": "1000.00",
            "entry_on": timezone.localdate().isoformat(),
            "external_id": f"DN-{n // 2}",
            "source_system": "ERP",
        }
        answer = requests.post(api(n) + "/ledger/entries", json=body, headers=erp, timeout=60)
        assert answer.status_code in (200, 201), answer.text[:300]
        return answer.status_code

    # and the salesperson opens 20 customer files at once over both servers
    sessions = [_login(base, seller.username) for base in servers]

    def open_file(n):
        answer = sessions[n % 2].post(
            api(n) + "/customers",
            json={
                "name": f"并发建档{'甲乙丙丁戊己庚辛壬癸'[n % 10]}{n}号商行",
                "department": "XS1",
                "confirm_similar": True,
            },
            timeout=60,
        )
        assert answer.status_code == 201, answer.text[:300]
        return answer.json()["file_no"]

    with ThreadPoolExecutor(WORKERS) as pool:
        checks = pool.map(check, range(30))
        posts = pool.map(post, range(80))
        files = pool.map(open_file, range(20))
        checks, posts, files = list(checks), list(posts), list(files)

    # then exactly what fits under the limit was let through, and held
    passed = [o for o in checks if o in ("allow", "warn")]
    assert len(passed) == 14, checks
    held = sum(r.amount for r in Reservation.objects.filter(customer=checked, status="held"))
    assert held == CHECK * 14
    assert Exposure.objects.get(customer=checked).reservations_amount == held

    # and every shipment counts once, however often and wherever it was sent
    assert posts.count(201) == 40 and posts.count(200) == 40
    assert TradeEntry.objects.filter(customer=booked).count() == 40
    assert Exposure.objects.get(customer=booked).open_shipments_amount == Decimal(40_000)

    # and the file numbers are unique and without gaps
    sequence = sorted(int(re.search(r"(\d+)$", no).group(1)) for no in files)
    assert sequence == list(range(sequence[0], sequence[0] + 20)), files

    # when a blocked shipment goes for over-limit approval and two holders of the first step's role
    # decide it at the same moment, one on each server
    answer = requests.post(
        api(0) + "/credit/over-limit",
        json={"customer_id": checked.pk, "amount": "50000", "reason": "旺季备货"},
        headers=erp,
        timeout=30,
    )
    assert answer.status_code == 201, answer.text[:300]
    approval = ApprovalRequest.objects.get(pk=answer.json()["approval_id"])
    first_role = approval.steps.get(round=1, position=1).role
    approvers = [_argon2(make_user(f"srv_approver{n}", first_role, department=dept)) for n in range(2)]
    assert Group.objects.filter(name=first_role).exists()
    approver_sessions = [_login(servers[n], approvers[n].username) for n in range(2)]

    def decide(n):
        return (
            approver_sessions[n]
            .post(
                f"{servers[n]}/approvals/{approval.pk}/decide/",
                data={"decision": "approve", "position": 1, "comment": "同意", "acknowledge_warnings": "on"},
                timeout=60,
                allow_redirects=False,
            )
            .status_code
        )

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(decide, range(2))) == [302, 302]

    # then exactly one of them signed the step
    step = approval.steps.get(round=1, position=1)
    assert step.status == StepStatus.APPROVED
    assert step.acted_by_id in {a.pk for a in approvers}
    assert ApprovalRequest.objects.get(pk=approval.pk).status in (
        ApprovalStatus.PENDING,
        ApprovalStatus.APPROVED,
    )
    signed = approval.steps.filter(acted_by__in=approvers).count()
    assert signed == 1

    # and the books are whole: the maintained exposure equals the ledger, the audit chain verifies
    out = StringIO()
    call_command("reconcile_exposure", stdout=out)
    assert "no differences" in out.getvalue()
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "chain intact" in out.getvalue()

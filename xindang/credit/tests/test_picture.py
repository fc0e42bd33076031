"""The credit picture (UI.md): one component on grant and over-limit approvals, the grant pages and the
customer's credit-control page; a limit below the exposure is warned about (002 第三十三条)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from xindang.approvals.models import ApprovalRequest
from xindang.credit.control.services import request_over_limit
from xindang.credit.grants import known as known_module
from xindang.credit.grants import rules as grant_rules
from xindang.credit.grants import services as grants
from xindang.credit.grants.models import CreditGrant, GrantStatus, Guarantee
from xindang.credit.models import Rating
from xindang.credit.picture import credit_picture
from xindang.ledger.facts import LedgerFacts
from xindang.ledger.services import post_trade_entry

D = Decimal
MAX_QUERIES = 10  # the whole approval page, picture included (its reads are one statement and the ageing)


@pytest.mark.parametrize(
    ("limit", "exposure", "warned", "excess"),
    [
        # 002 第三十三条: owed more than the limit given → on the reduction list, to be brought under it.
        ("30000", "50000", True, "20000"),
        ("50000", "50000", False, None),  # equal: not above the limit
        ("80000", "50000", False, None),
        ("0", "0.01", True, "0.01"),
    ],
)
def test_a_limit_below_the_exposure_is_warned(limit, exposure, warned, excess):
    reasons = grant_rules.below_exposure_warnings(D(limit), D(exposure))
    assert bool(reasons) is warned
    if warned:
        assert reasons[0].code == grant_rules.BELOW_EXPOSURE and reasons[0].article == "002 第三十三条"
        assert D(reasons[0].params["excess"]) == D(excess)


@pytest.fixture
def facts(monkeypatch):
    """Ledger averages for the ceiling (shipments 100,000, collections 80,000 a month)."""
    value = LedgerFacts(date(2024, 1, 1), 24, True, D("100000"), D("80000"), False, False, 0, 0)
    monkeypatch.setattr(known_module, "ledger_facts", lambda cid, *, on, window_months, **_: value)


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
def customer(make_customer, salesperson, facts):
    c = make_customer(salesperson, name="华夏机电设备有限公司")
    Rating.objects.create(
        customer=c,
        grade="A",
        computed_grade="A",
        status="approved",
        effective_at=timezone.now(),
        reasons=[{"code": "a.cooperation", "article": "002 第十五条", "params": {"months": 24, "min": 12}}],
    )
    today = timezone.localdate()
    CreditGrant.objects.create(
        customer=c,
        limit_amount=D("100000"),
        term_days=30,
        status=GrantStatus.ACTIVE,
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=300),
    )
    _post(c, "shipment", "50000", days_ago=70, due_days_ago=40)  # 40 days overdue
    return c


def _grant_request(customer, by, limit):
    grant = grants.request_grant(
        customer=customer,
        by=by,
        kind="long_term",
        limit_amount=D(limit),
        term_days=30,
        reason="压缩额度",
        guarantees=[{"guarantor_name": "华夏控股有限公司", "amount": D("20000")}],
    )
    return grant, ApprovalRequest.objects.get(pk=grant.approval_id)


def test_grant_approval_page_shows_the_credit_picture(client, customer, salesperson, vp_marketing):
    grant, approval = _grant_request(customer, salesperson, "30000")
    client.force_login(vp_marketing)
    html = client.get(reverse("approvals:detail", args=[approval.pk])).content.decode()
    assert 'data-testid="credit-picture"' in html
    assert 'data-testid="picture-grade">A<' in html
    assert 'data-testid="picture-limit"><strong>¥100,000.00' in html
    assert 'data-testid="picture-exposure"><strong>¥50,000.00' in html
    assert 'data-testid="picture-headroom">¥50,000.00' in html
    assert 'data-testid="picture-ageing"' in html and "<strong>¥50,000.00</strong>" in html
    assert 'data-testid="picture-overdue"><span class="label bad">¥50,000.00' in html
    assert "40" in html.split('data-testid="picture-oldest"')[1].split("</dd>")[0]
    assert 'data-testid="picture-proposed"><strong>¥30,000.00' in html
    assert "华夏控股有限公司" in html.split('data-testid="picture-collateral"')[1]
    assert 'data-testid="picture-grants"' in html  # the grant in force is a previous grant
    assert 'data-testid="proposed-below-exposure"' in html
    # The 第三十三条 warning is the approval's own (acknowledged by each approver), not said twice.
    assert html.count("第三十三条") == 2  # the summary and the approval's warning


def test_a_grant_below_the_exposure_says_so_in_the_request(customer, salesperson):
    _grant, approval = _grant_request(customer, salesperson, "30000")
    assert "第三十三条" in approval.summary
    assert any("第三十三条" in w for w in approval.warnings)


def test_a_grant_above_the_exposure_carries_no_reduction_warning(client, customer, salesperson, vp_marketing):
    _grant, approval = _grant_request(customer, salesperson, "60000")
    assert "第三十三条" not in approval.summary and not approval.warnings
    client.force_login(vp_marketing)
    html = client.get(reverse("approvals:detail", args=[approval.pk])).content.decode()
    assert 'data-testid="credit-picture"' in html and 'data-testid="proposed-below-exposure"' not in html


def test_over_limit_approval_page_shows_the_headroom_after_the_amount(client, customer, salesperson, gm):
    olr = request_over_limit(customer=customer, amount=D("70000"), by=salesperson, reason="年底备货")
    client.force_login(gm)
    html = client.get(reverse("approvals:detail", args=[olr.approval_id])).content.decode()
    assert 'data-testid="credit-picture"' in html
    assert 'data-testid="picture-headroom">¥50,000.00' in html
    assert 'data-testid="picture-headroom-after"><span class="label bad">¥-20,000.00' in html
    assert 'data-testid="picture-decisions"' in html


def test_approval_page_queries_do_not_grow_with_the_ledger(client, customer, salesperson, vp_marketing):
    _grant, approval = _grant_request(customer, salesperson, "30000")
    client.force_login(vp_marketing)
    url = reverse("approvals:detail", args=[approval.pk])
    client.get(url)  # warm the per-process caches (policy, content types)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(15):
        _post(customer, "shipment", "1000", days_ago=i, due_days_ago=i - 10)
    Guarantee.objects.create(grant=_grant, guarantor_name="第二担保人", amount=D("1"))
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_approval_page_with_the_picture_stays_within_its_query_budget(
    client, customer, salesperson, vp_marketing, django_assert_max_num_queries
):
    _grant, approval = _grant_request(customer, salesperson, "30000")
    client.force_login(vp_marketing)
    url = reverse("approvals:detail", args=[approval.pk])
    client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(url).status_code == 200


def test_the_picture_selector_alone_is_a_few_queries(customer, django_assert_max_num_queries):
    credit_picture(customer)
    # the credit reads (one statement) and the ageing; outside a request the policy in force is read by
    # each part that asks for it (five times here; a page reads it from the shared cache)
    with django_assert_max_num_queries(7):
        picture = credit_picture(customer)
    assert picture.limit_amount == D("100000") and picture.committed_amount == D("50000")
    assert picture.overdue_amount == D("50000") and picture.oldest_overdue_days == 40
    assert picture.headroom_amount == D("50000") and picture.utilisation == 50
    assert [b.amount for b in picture.ageing if b.amount] == [D("50000")]


def test_customer_credit_control_page_is_the_credit_picture(client, customer, credit_manager):
    client.force_login(credit_manager)
    r = client.get(reverse("credit_control:customer", args=[customer.pk]))
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-testid="credit-picture"' in html
    assert 'data-testid="picture-limit"><strong>¥100,000.00' in html
    assert 'data-testid="picture-utilisation">50%' in html
    assert 'data-testid="picture-ageing"' in html and 'data-testid="picture-promises"' in html


def test_grant_request_and_grant_pages_show_the_picture(client, customer, salesperson):
    grant, _approval = _grant_request(customer, salesperson, "30000")
    client.force_login(salesperson)
    html = client.get(reverse("grants:detail", args=[grant.pk])).content.decode()
    assert 'data-testid="credit-picture"' in html and 'data-testid="below-exposure"' in html
    html = client.get(reverse("grants:request", args=[customer.pk])).content.decode()
    assert 'data-testid="credit-picture"' in html


def test_the_request_form_warns_while_the_limit_typed_is_below_the_exposure(client, customer, salesperson):
    client.force_login(salesperson)
    data = {
        "kind": "long_term",
        "limit_amount": "3",
        "limit_unit": "wan",
        "term_days": "30",
        "collateral-TOTAL_FORMS": "0",
        "collateral-INITIAL_FORMS": "0",
    }
    html = client.post(reverse("grants:ceiling", args=[customer.pk]), data).content.decode()
    assert "第三十三条" in html and "¥20,000.00" in html
    data["limit_amount"] = "6"
    html = client.post(reverse("grants:ceiling", args=[customer.pk]), data).content.decode()
    assert "第三十三条" not in html


def test_the_picture_reads_in_english_for_an_english_reader(client, customer, credit_manager):
    import re

    credit_manager.language = "en"
    credit_manager.save(update_fields=["language"])
    client.force_login(credit_manager)
    html = client.get(reverse("credit_control:customer", args=[customer.pk])).content.decode()
    section = html.split('data-testid="credit-picture"')[1].split("</section>")[0]
    text = re.sub(r"<[^>]+>", " ", section).replace(customer.name, "")
    text = re.sub(r"\d{3} 第[^ ]*?条[0-9①-⑩]*", "", text)  # citations of the regulations stay Chinese
    assert "Credit picture" in text and "Exposure by category" in text
    assert not re.findall(r"[\u4e00-\u9fff]+", text)


def test_over_limit_request_page_shows_the_picture(client, customer, salesperson):
    olr = request_over_limit(customer=customer, amount=D("70000"), by=salesperson, reason="年底备货")
    client.force_login(salesperson)
    html = client.get(reverse("credit_control:over_limit_detail", args=[olr.pk])).content.decode()
    assert 'data-testid="credit-picture"' in html
    assert 'data-testid="picture-headroom-after"><span class="label bad">¥-20,000.00' in html

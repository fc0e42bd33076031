"""The daily run (`manage.py daily`): every module's to-dos stored as duties once, closed when done,
a digest of new and overdue duties per user — idempotent, respecting the user's choice and
visibility."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from conftest import make_user
from xindang.accounts.roles import Role
from xindang.audit.models import AuditEvent
from xindang.core.workbench import WorkItem
from xindang.duties import rules, services
from xindang.duties.daily import run_daily
from xindang.duties.models import DigestSent, Duty

FAKE: dict[str, list[WorkItem]] = {}


def fake_items(user):
    return list(FAKE.get(user.username, []))


def broken_items(user):
    raise RuntimeError("the module's database view is missing")


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setattr("xindang.views.WORKBENCH_PROVIDERS", ["xindang.duties.tests.test_daily.fake_items"])
    FAKE.clear()
    yield FAKE
    FAKE.clear()


def _item(n, *, due=None, customer=None, kind="approvals.approval", rule=""):
    return WorkItem(
        kind=kind,
        label="审批",
        title=f"事项{n}",
        url=f"/approvals/{n}/",
        due=due,
        overdue=bool(due and due < timezone.localdate()),
        customer_id=customer.pk if customer else None,
        customer_name=customer.name if customer else "",
        rule=rule,
    )


def _daily(**kw) -> str:
    out = StringIO()
    call_command("daily", stdout=out, **kw)
    return out.getvalue()


@pytest.fixture
def zhang(salesperson):
    salesperson.email = "zhangsan@example.com"
    salesperson.save(update_fields=["email"])
    return salesperson


@pytest.mark.django_db
def test_running_twice_creates_no_duplicate_duties_nor_mails(fake, zhang):
    # given two to-dos of 张三, one of them overdue
    today = timezone.localdate()
    fake["zhangsan"] = [_item(1, due=today - timedelta(days=3)), _item(2, due=today + timedelta(days=5))]
    # when the daily run runs twice
    _daily()
    _daily()
    # then each to-do is one duty, and one digest went out
    assert Duty.objects.filter(assignee=zhang).count() == 2
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhangsan@example.com"]
    assert "事项1" in message.body and "事项2" in message.body
    assert "http://127.0.0.1:8000/approvals/1/" in message.body
    assert DigestSent.objects.filter(user=zhang, sent_on=today).count() == 1


@pytest.mark.django_db
def test_next_day_digest_lists_only_overdue_and_new(fake, zhang):
    today = timezone.localdate()
    fake["zhangsan"] = [_item(1, due=today - timedelta(days=3)), _item(2, due=today + timedelta(days=5))]
    run_daily(today=today)
    fake["zhangsan"].append(_item(3, due=today + timedelta(days=9)))
    run_daily(today=today + timedelta(days=1))
    assert len(mail.outbox) == 2
    body = mail.outbox[1].body
    assert "事项1" in body and "事项3" in body  # overdue, and new
    assert "事项2" not in body  # neither new nor overdue


@pytest.mark.django_db
def test_a_duty_whose_work_is_done_closes_with_when(fake, zhang):
    fake["zhangsan"] = [_item(1), _item(2)]
    run_daily()
    fake["zhangsan"] = [_item(2)]  # the approval of 事项1 was given
    report = run_daily()
    done = Duty.objects.get(assignee=zhang, title="事项1")
    assert done.state == rules.DONE and done.closed_at is not None
    assert Duty.objects.get(assignee=zhang, title="事项2").state == rules.OPEN
    assert report.closed == 1


@pytest.mark.django_db
def test_a_failing_provider_closes_nothing_and_is_reported(fake, zhang, monkeypatch):
    fake["zhangsan"] = [_item(1)]
    run_daily()
    monkeypatch.setattr(
        "xindang.views.WORKBENCH_PROVIDERS",
        ["xindang.duties.tests.test_daily.fake_items", "xindang.duties.tests.test_daily.broken_items"],
    )
    fake["zhangsan"] = []
    out = _daily()
    assert Duty.objects.get(assignee=zhang, title="事项1").state == rules.OPEN
    assert "provider failed" in out and "broken_items" in out


@pytest.mark.django_db
def test_an_assignee_without_email_gets_duties_but_no_mail(fake, salesperson):
    assert not salesperson.email
    fake["zhangsan"] = [_item(1, due=timezone.localdate() - timedelta(days=1))]
    out = _daily()
    assert Duty.objects.filter(assignee=salesperson).count() == 1
    assert mail.outbox == []
    assert "zhangsan: no e-mail address" in out


@pytest.mark.django_db
def test_a_user_who_chose_no_digest_gets_none(fake, zhang):
    services.set_digest(user=zhang, digest=rules.NONE)
    fake["zhangsan"] = [_item(1, due=timezone.localdate() - timedelta(days=1))]
    run_daily()
    assert Duty.objects.filter(assignee=zhang).count() == 1
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="duties.preference", actor=zhang).exists()


@pytest.mark.django_db
def test_a_duty_for_a_customer_the_assignee_cannot_see_is_not_created(
    fake, zhang, other_salesperson, make_customer
):
    # given a to-do about 李四's customer handed to 张三 (another department: he cannot see the file)
    theirs = make_customer(other_salesperson, name="长城贸易有限公司")
    mine = make_customer(zhang, name="华夏科技有限公司")
    fake["zhangsan"] = [_item(1, customer=theirs), _item(2, customer=mine)]
    # when the daily run runs
    out = _daily()
    # then only the visible one is a duty, and the other is reported
    assert list(Duty.objects.filter(assignee=zhang).values_list("title", flat=True)) == ["事项2"]
    assert f"customer {theirs.pk} not visible" in out and "事项1" in out


@pytest.mark.django_db
def test_a_new_provider_becomes_duties_without_the_duties_app_knowing_it(zhang, monkeypatch, make_customer):
    """Real providers: an expired licence of 张三's file (customers module) becomes his duty, with
    the rule the duties app knows for that kind; renewing the licence closes it."""
    customer = make_customer(zhang, licence_valid_until=timezone.localdate() - timedelta(days=1))
    run_daily()
    duty = Duty.objects.get(assignee=zhang, kind="customers.licence_expired")
    assert duty.customer_id == customer.pk and duty.rule.startswith("000 客户信息管理办法")
    assert duty.url.startswith(f"/customers/{customer.pk}/edit/")
    customer.licence_valid_until = timezone.localdate() + timedelta(days=365)
    customer.save(update_fields=["licence_valid_until"])
    run_daily()
    duty.refresh_from_db()
    assert duty.state == rules.DONE


@pytest.mark.django_db
def test_the_digest_is_in_the_users_language(fake, zhang):
    zhang.language = "en"
    zhang.save(update_fields=["language"])
    fake["zhangsan"] = [_item(1, due=timezone.localdate() - timedelta(days=1))]
    run_daily()
    assert "overdue" in mail.outbox[0].subject
    fake.clear()
    chen = make_user("chenliu", Role.SALESPERSON, email="chenliu@example.com")
    fake["chenliu"] = [_item(2, due=timezone.localdate() - timedelta(days=1))]
    run_daily(users=[chen])
    assert "逾期" in mail.outbox[1].subject


@pytest.mark.django_db
def test_daily_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        _daily(date="2026-13-01")


@pytest.mark.django_db
def test_daily_run_is_audited(fake, zhang):
    fake["zhangsan"] = [_item(1)]
    run_daily(today=date(2026, 6, 15))
    event = AuditEvent.objects.get(action="duties.daily_run")
    assert event.data["created"] == 1


@pytest.mark.django_db
def test_demo_step_stores_the_demo_users_duties(fake, zhang):
    import random

    from xindang.core.demo import DemoContext
    from xindang.duties.demo import seed_demo

    fake["zhangsan"] = [_item(1), _item(2)]
    context = DemoContext(
        customers=[], users={"zhangsan": zhang}, departments={}, today=date.today(), rng=random.Random(1)
    )
    assert seed_demo(context) == "2 duties stored for 1 users"
    assert mail.outbox == []


class DownBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp.example.com:25 refused")


@pytest.mark.django_db
def test_a_mail_server_down_is_reported_and_the_digest_goes_next_run(fake, zhang, settings):
    settings.EMAIL_BACKEND = "xindang.duties.tests.test_daily.DownBackend"
    fake["zhangsan"] = [_item(1, due=timezone.localdate() - timedelta(days=1))]
    out = _daily()
    assert "zhangsan: digest not sent, mail failed" in out
    assert Duty.objects.filter(assignee=zhang).count() == 1  # the duties are stored all the same
    assert not DigestSent.objects.filter(user=zhang).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _daily()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_long_digest_is_cut_and_points_to_the_workbench(fake, zhang, monkeypatch):
    monkeypatch.setattr("xindang.duties.daily.DIGEST_LINES", 3)
    fake["zhangsan"] = [_item(n) for n in range(5)]
    run_daily()
    body = mail.outbox[0].body
    assert body.count("http://127.0.0.1:8000/approvals/") == 3
    assert "另有 2 项" in body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_digests_are_sent_by_the_task_worker(fake, zhang, settings):
    from django_tasks_db.models import DBTaskResult

    fake["zhangsan"] = [_item(1)]
    _daily()
    assert mail.outbox == [] and DigestSent.objects.count() == 1  # queued with its record
    assert DBTaskResult.objects.get().status == "READY"
    call_command("worker", batch=True, verbosity=0)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["zhangsan@example.com"]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_digest_the_mail_server_refused_is_sent_by_the_next_run(fake, zhang, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    fake["zhangsan"] = [_item(1, due=timezone.localdate() - timedelta(days=3))]  # overdue: listed daily
    _daily()

    def refuse(self, *args, **kwargs):
        raise ConnectionRefusedError("the mail server is down")

    with monkeypatch.context() as m:
        m.setattr("django.core.mail.EmailMessage.send", refuse)
        call_command("worker", batch=True, verbosity=0)
    assert DBTaskResult.objects.get().status == "FAILED" and not DigestSent.objects.exists()
    _daily()
    call_command("worker", batch=True, verbosity=0)
    assert len(mail.outbox) == 1 and DigestSent.objects.count() == 1

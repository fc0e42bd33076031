"""The daily run (`manage.py daily`, from cron or a systemd timer): check the contract periods that
ended, store every user's duties, close what was done, mail each user a digest of new and overdue
duties. Idempotent: a second run the same day creates no duty and sends no mail.

The digests are handed to the task worker (`manage.py worker`, task mail_digest), written in the same
transaction as the record that today's digest went out: a slow or unreachable mail server holds up
neither the run nor anyone else. A digest the mail server refused, or whose worker died before it
was sent, loses that record, so the next run sends it again (at least once; a worker killed right
after the mail server accepted it can mean a second copy)."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from xindang.accounts.models import User
from xindang.audit.services import record_event
from xindang.policy.selectors import current_policy

from . import rules, selectors, services
from .models import DigestSent, Duty

DIGEST_LINES = 100  # a longer list is cut; the workbench has all of it


@dataclass
class DailyReport:
    users: int = 0
    created: int = 0
    closed: int = 0
    mails: int = 0
    zero_point_checks: int = 0
    mail_in_worker: bool = False
    lines: list[str] = field(default_factory=list)  # what the command prints

    def say(self, text: str) -> None:
        self.lines.append(text)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def run_daily(*, today: date | None = None, users=None, mail_in_worker: bool | None = None) -> DailyReport:
    """mail_in_worker: hand the digests to the task worker (default: yes, unless called inside a
    transaction, where the worker could not see them: then they are sent here and now)."""
    today = today or timezone.localdate()
    report = DailyReport(
        mail_in_worker=not connection.in_atomic_block if mail_in_worker is None else mail_in_worker
    )
    if current_policy().duties.zero_point_check:
        checks = services.check_zero_points(today=today)
        report.zero_point_checks = len(checks)
        for check in checks:
            if check.missed:
                report.say(
                    f"zero point missed (002 第三十六条): contract {check.contract.contract_no} "
                    f"{check.period_start}–{check.period_end}"
                )
    for user in users if users is not None else User.objects.filter(is_active=True).order_by("pk"):
        report.users += 1
        with translation.override(user.language or settings.LANGUAGE_CODE):
            _run_for(user, today, report)
    if report.created or report.closed or report.mails:
        record_event(
            "duties.daily_run",
            object_type="duties.duty",
            data={
                "on": today.isoformat(),
                "users": report.users,
                "created": report.created,
                "closed": report.closed,
                "mails": report.mails,
            },
        )
    from xindang.core.daily import daily_jobs

    for job in daily_jobs():  # the other apps' jobs (core.daily), e.g. the dashboard's monthly facts
        try:
            report.say(f"{job.name}: {job.run(today)}")
        except Exception as exc:
            report.say(f"{job.name}: failed: {exc!r}")
    report.say(
        f"{today}: {report.users} users, {report.created} duties created, {report.closed} closed, "
        f"{report.mails} digests sent, {report.zero_point_checks} contract periods checked"
    )
    return report


def _run_for(user, today: date, report: DailyReport) -> None:
    items, failures = selectors.collect_items(user)
    for failure in failures:
        report.say(f"{user.get_username()}: provider failed, its duties left open: {failure}")
    result = services.sync_duties(user=user, items=items, close_missing=not failures)
    report.created += len(result.created)
    report.closed += len(result.closed)
    for item in result.not_visible:
        report.say(
            f"{user.get_username()}: not created, customer {item.customer_id} not visible to the assignee: "
            f"{item.kind} {item.title}"
        )
    _send_digest(user, today, {d.key for d in result.created}, report)


def _send_digest(user, today: date, new_keys: set[str], report: DailyReport) -> None:
    open_duties = list(Duty.objects.filter(assignee=user, state=rules.OPEN))
    lines = rules.digest_lines(new_keys, [(d.key, d.due_on) for d in open_duties], today)
    why_not = rules.should_send_digest(
        preference=selectors.digest_preference(user),
        email=user.email,
        already_sent_today=DigestSent.objects.filter(user=user, sent_on=today).exists(),
        lines=len(lines),
    )
    if why_not == "no_email" and lines:
        report.say(f"{user.get_username()}: no e-mail address, no digest ({len(lines)} duties)")
    if why_not:
        return
    by_key = {d.key: d for d in open_duties}
    duties = [(by_key[line.key], line.new) for line in lines]
    new = sum(1 for _d, is_new in duties if is_new)
    overdue = sum(1 for d, _n in duties if rules.is_overdue(d.due_on, today))
    base = settings.XINDANG_BASE_URL.rstrip("/")
    context = {
        "user": user,
        "name": _name(user),
        "today": today,
        "duties": [
            (d, is_new, rules.is_overdue(d.due_on, today), base + d.url)
            for d, is_new in duties[:DIGEST_LINES]
        ],
        "more": max(0, len(duties) - DIGEST_LINES),
        "new": new,
        "overdue": overdue,
        "workbench": base + "/",
        "settings_url": base + "/duties/settings/",
    }
    subject = _("XinDang: %(new)s new and %(overdue)s overdue duties") % {"new": new, "overdue": overdue}
    body = render_to_string("duties/digest.txt", context)
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, sent_on=today, new_count=new, overdue_count=overdue)
            if report.mail_in_worker:
                mail_digest.enqueue(user.pk, today.isoformat(), subject, body, user.email)
            else:
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
    except IntegrityError:  # another run sent today's digest meanwhile
        return
    except OSError as exc:  # the mail server refused or is down (smtplib errors are OSErrors): next run
        report.say(f"{user.get_username()}: digest not sent, mail failed: {exc}")
        return
    report.mails += 1


@task()
def mail_digest(user_id: int, sent_on: str, subject: str, body: str, to: str) -> str:
    """The worker sends one digest. Refused by the mail server: the day's record is dropped, so the
    next daily run sends it again, and the task fails with the server's answer."""
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()
    except OSError:
        forget_digests([[user_id, sent_on]])
        raise
    return "sent"


def forget_digests(runs: list[list]) -> int:
    """Drop the records of digests that were not sent (their task failed or its worker died)."""
    dropped = 0
    for run in runs:
        if len(run) >= 2:
            dropped += DigestSent.objects.filter(user_id=run[0], sent_on=run[1]).delete()[0]
    return dropped

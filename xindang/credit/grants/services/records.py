"""What is recorded beside the grants: a grant notice downloaded, a policy back-test run."""

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xindang.audit.services import record_event

from ..models import BacktestRun


def record_notice_download(*, grant, by, request=None) -> None:
    record_event("grant.notice", actor=by, request=request, obj=grant, data={"customer": grant.customer_id})


def grant_url(grant) -> str:
    return reverse("grants:detail", args=[grant.pk])


@transaction.atomic
def record_backtest(*, result, draft, by=None, request=None):
    """A completed back-test of `draft` (its summary), kept so the draft can be put in force; audited."""

    run = BacktestRun.objects.create(
        version=draft,
        draft_updated_at=draft.updated_at,
        in_force_number=result.in_force_number,
        on=result.on,
        customers=result.customers,
        grade_changed=result.grade_changed,
        below_limit=result.below_limit,
        blocked=result.blocked,
        newly_blocked=result.newly_blocked,
        ceiling_raised=result.ceiling_raised,
        ceiling_lowered=result.ceiling_lowered,
        seconds=Decimal(str(round(result.seconds, 2))),
        computed_at=result.computed_at or timezone.now(),
        computed_by=by,
    )
    record_event(
        "grant.backtest",
        actor=by,
        request=request,
        obj=draft,
        data={
            "run": run.pk,
            "customers": result.customers,
            "grade_changed": result.grade_changed,
            "below_limit": result.below_limit,
            "blocked": result.blocked,
            "newly_blocked": result.newly_blocked,
            "ceiling_raised": result.ceiling_raised,
            "ceiling_lowered": result.ceiling_lowered,
            "seconds": round(result.seconds, 2),
        },
    )
    return run

"""manage.py warm_reports [--today YYYY-MM-DD]: compute the credit dashboard's month-by-month figures
(thirteen ageing aggregates per set of files) ahead of the morning, for every active user who may see
the dashboard, into the shared cache (file-based or Redis; see settings.CACHES) — so the first
dashboard of the day opens at once on a 2-core server. Users who see the same files (all credit
managers and the management see all) share one computation. Reads only; safe to run any time, e.g.
from the daily run after the ledger's own jobs."""

from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from xindang.customers.selectors import visible_customers
from xindang.reports.selectors import credit


class Command(BaseCommand):
    help = "Compute the credit dashboard's monthly figures into the cache for every user who sees it."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None)

    def handle(self, *args, today=None, **options):
        today = today or timezone.localdate()
        perm = Permission.objects.get(content_type__app_label="reports", codename="view_credit_dashboard")
        users = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(user_permissions=perm) | Q(groups__permissions=perm))
            .distinct()
            .order_by("pk")
        )
        seen = set()
        for user in users:
            customers = visible_customers(user)
            key = str(customers.query) if not customers.query.is_empty() else ""
            if not key or key in seen:
                continue
            seen.add(key)
            credit.monthly_trend(customers, today)
        self.stdout.write(
            f"dashboard figures of {today} ready for {len(seen)} sets of files ({users.count()} users)"
        )

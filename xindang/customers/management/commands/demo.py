"""Load demo data: departments, a user for every role and a few hundred plausible customer files.

manage.py demo                   # add 300 customers (and the demo users if missing)
manage.py demo --if-empty        # only when there is no customer file yet (make run)
manage.py demo --print-logins    # the demo logins and the URL; changes nothing
"""

import random
import time
import unicodedata

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation

from xindang.accounts.models import User
from xindang.accounts.roles import Role
from xindang.audit.services import record_event
from xindang.core.demo import DemoContext, run_demo_steps
from xindang.customers.demo import organisation, seeding
from xindang.customers.demo.generator import DemoGenerator
from xindang.customers.models import Customer


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = "Load demo departments, users (password demo12345) and customer files."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=300, help="How many customer files to add.")
        parser.add_argument(
            "--seed", default="2026", help="Random seed (the data is deterministic per seed)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any customer file exists."
        )
        parser.add_argument("--print-logins", action="store_true", help="Only print the demo logins.")

    def handle(self, *args, customers: int, seed: str, if_empty: bool, print_logins: bool, **options):
        if print_logins:
            self.print_logins()
            return
        if if_empty and Customer.objects.exists():
            self.stdout.write("Customer files exist already; no demo data loaded.")
            return
        started = time.monotonic()
        with transaction.atomic():
            departments = organisation.ensure_departments()
            users = organisation.ensure_users(departments)
            existing = Customer.objects.count()
            generator = DemoGenerator(
                f"{seed}:{existing}",
                today=timezone.localdate(),
                taken_codes=Customer.objects.exclude(credit_code=None).values_list("credit_code", flat=True),
                taken_names=Customer.objects.values_list("name", flat=True),
            )
            created = seeding.seed_customers(
                customers, generator=generator, departments=departments, users=users
            )
            updated = seeding.demo_updates(created, users, generator=generator)
            # Later modules (credit, ledger, collection…) add their demo data for these files.
            steps = run_demo_steps(
                DemoContext(
                    customers=created,
                    users=users,
                    departments=departments,
                    today=timezone.localdate(),
                    rng=random.Random(f"{seed}:{existing}:steps"),
                    stdout=self.stdout,
                )
            )
            record_event(
                "demo.seed",
                object_type="customers.customer",
                object_repr="demo data",
                data={
                    "customers": len(created),
                    "updated": updated,
                    "seed": seed,
                    "users": sorted(users),
                    "departments": sorted(departments),
                    "steps": {name: str(summary) for name, summary in steps.items()},
                },
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {len(created)} customer files, {len(users)} users, "
                f"{len(departments)} departments ({time.monotonic() - started:.1f} s)."
            )
        )
        if options.get("verbosity", 1) >= 1:
            for name, summary in steps.items():
                self.stdout.write(f"  {name}: {summary}")
            self.stdout.write("Logins: manage.py demo --print-logins")

    def print_logins(self) -> None:
        users = {
            u.username: u
            for u in User.objects.filter(username__in=[d.username for d in organisation.DEMO_USERS])
            .select_related("department")
            .prefetch_related("groups")
        }
        if not users:
            self.stdout.write("No demo users yet: run `manage.py demo` first.")
            return
        rows = []
        for spec in organisation.DEMO_USERS:
            user = users.get(spec.username)
            if user is None:
                continue
            codes = [g.name for g in user.groups.all() if g.name in Role.values] or [spec.role.value]
            with translation.override("en"):
                role = "、".join(f"{organisation.ROLE_ZH[Role(c)]} {Role(c).label}" for c in codes)
            dept = user.department.name if user.department else ""
            rows.append((user.username, organisation.DEMO_PASSWORD, role, dept))
        header = ("username", "password", "role", "department")
        widths = [max(_width(str(r[i])) for r in [header, *rows]) + 2 for i in range(4)]
        self.stdout.write("")
        self.stdout.write(f"XinDang 信档 demo — open {organisation.DEMO_URL} and log in as one of:")
        self.stdout.write("")
        for row in [header, *rows]:
            self.stdout.write(
                "  " + "".join(_pad(str(v), w) for v, w in zip(row, widths, strict=True)).rstrip()
            )
        self.stdout.write("")
        self.stdout.write(
            f"All demo users share the password {organisation.DEMO_PASSWORD}. "
            "Start with xinyong (credit manager, sees every file) or xiaoshou1 (a salesperson)."
        )
        self.stdout.write("")

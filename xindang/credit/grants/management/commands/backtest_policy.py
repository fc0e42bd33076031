"""Back-test the draft policy against every customer from the command line: prints
the summary and the time taken, and leaves the result in the cache the back-test page reads, so a
large book (10,000 customers take 10–20 s) opens at once afterwards. Reads only."""

from django.core.management.base import BaseCommand, CommandError

from xindang.credit.grants.backtest import cached_backtest
from xindang.credit.grants.services import record_backtest
from xindang.policy.models import PolicyVersion
from xindang.policy.selectors import draft_version


class Command(BaseCommand):
    help = "Back-test the draft policy version against every customer (reads only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--number", type=int, default=None, help="Draft version number (default: the draft)."
        )

    def handle(self, *args, number=None, **options):
        draft = (
            PolicyVersion.objects.filter(number=number, status=PolicyVersion.Status.DRAFT).first()
            if number
            else draft_version()
        )
        if draft is None:
            raise CommandError("no draft policy version")
        result, _computed = cached_backtest(draft, fresh=True)
        record_backtest(result=result, draft=draft)
        self.stdout.write(
            f"draft v{result.draft_number} vs v{result.in_force_number} in force, "
            f"{result.customers} customers, {result.seconds:.1f} s: grade changes {result.grade_changed}, "
            f"ceiling raised {result.ceiling_raised}, lowered {result.ceiling_lowered}, "
            f"below limit {result.below_limit}, blocked {result.blocked} (newly {result.newly_blocked})"
        )
        for (old, new), count in sorted(result.transitions.items(), key=lambda t: -t[1]):
            self.stdout.write(f"  {old} -> {new}: {count}")

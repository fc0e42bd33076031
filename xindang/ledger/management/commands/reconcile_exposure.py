"""manage.py reconcile_exposure [--fix] [--customer ID …]: recompute every customer's exposure from
the ledger and report each figure that differs from the maintained one; --fix repairs (audited)."""

from collections import defaultdict

from django.core.management.base import BaseCommand

from xindang.ledger import selectors, services


class Command(BaseCommand):
    help = "Recompute exposure from the ledger; report differences; --fix repairs them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Set the maintained figures to the recomputed ones."
        )
        parser.add_argument("--customer", type=int, action="append", help="Only these customer ids.")

    def handle(self, *args, fix=False, customer=None, **options):
        diffs = selectors.exposure_differences(customer)
        if not diffs:
            self.stdout.write("exposure reconciled: no differences")
            return
        per_customer = defaultdict(dict)
        for d in diffs:
            self.stdout.write(
                f"customer {d.customer_id}: {d.figure} maintained {d.maintained} ledger {d.recomputed} "
                f"(difference {d.maintained - d.recomputed})"
            )
            per_customer[d.customer_id][d.figure] = d.recomputed
        self.stdout.write(f"{len(diffs)} differences in {len(per_customer)} customers")
        if fix:
            for cid, figures in per_customer.items():
                services.fix_exposure(customer_id=cid, figures=figures)
            self.stdout.write(f"fixed {len(per_customer)} customers")
        else:
            self.stderr.write("run with --fix to repair")
            raise SystemExit(1)

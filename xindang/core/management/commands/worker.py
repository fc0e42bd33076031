"""`manage.py worker`: runs the queued tasks (django-tasks' database worker), after handing back the
work that dead workers of this machine left half-done (xindang.core.tasks). Run one per machine under
systemd (`deploy/xindang-worker.service`); several machines may each run theirs."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from xindang.core.tasks import release_interrupted_tasks, worker_id


class Command(BaseCommand):
    help = "Run queued tasks (customer imports); first hand back the work of dead workers of this host."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the queued tasks, then stop.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at an empty queue."
        )

    def handle(self, *args, batch=False, interval=1.0, **options):
        released = release_interrupted_tasks()
        if released:
            self.stdout.write(f"released {released} interrupted task(s)")
        call_command(
            "db_worker",
            worker_id=worker_id(),
            batch=batch,
            interval=interval,
            reload=False,
            startup_delay=False,
            verbosity=options.get("verbosity", 1),
        )

"""`manage.py worker`: runs the queued tasks (django-tasks' database worker), after handing back the
work that dead workers left half-done (xindang.core.tasks). Beside the loop, a heartbeat tells the
other machines' workers that this one lives, and hands back the work of workers that are gone. Run one
per machine under systemd (`deploy/xindang-worker.service`); several machines may each run theirs."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from xindang.core.tasks import Heartbeat, beat, forget, release_interrupted_tasks, worker_id


class Command(BaseCommand):
    help = "Run queued tasks (imports, posts, exports, mail); hand back the work of workers that are gone."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run the queued tasks, then stop.")
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between looks at an empty queue."
        )

    def handle(self, *args, batch=False, interval=1.0, **options):
        me = worker_id()
        beat(me)
        released = release_interrupted_tasks()
        if released:
            self.stdout.write(f"released {released} interrupted task(s)")
        heartbeat = Heartbeat(me)
        heartbeat.start()
        try:
            call_command(
                "db_worker",
                worker_id=me,
                batch=batch,
                interval=interval,
                reload=False,
                startup_delay=False,
                verbosity=options.get("verbosity", 1),
            )
        finally:
            heartbeat.stop()
            forget(me)

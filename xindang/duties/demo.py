"""Demo data: the duties of the demo users as a daily run would store them (no mail is sent), so the
workbench shows since when each to-do is open and the team view has overdue duties."""

from . import selectors, services


def seed_demo(context) -> str:
    created = 0
    for user in context.users.values():
        items, failures = selectors.collect_items(user)
        created += len(services.sync_duties(user=user, items=items, close_missing=not failures).created)
    return f"{created} duties stored for {len(context.users)} users"

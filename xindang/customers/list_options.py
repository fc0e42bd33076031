"""The customer list's filter options (departments, tags, the salespeople of the owner filter and of
the bulk action) are kept in the shared cache (core.request_cache.shared, views.listing). They are
dropped whenever one of their sources is saved or deleted through the ORM — a department, a tag, a
user or their roles, a customer file (its salesperson may have changed) — and by the services that
change them in bulk (imports, handovers); a change made another way (a bulk update elsewhere) shows within the
cache's timeout."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from xindang.accounts.models import Department, User
from xindang.core import request_cache

from .models import Customer, Tag

CACHE = "customers.list_options"
TIMEOUT = 300  # seconds: the longest a change made without the ORM's signals stays unseen


def shared(key: str, compute):
    return request_cache.shared(CACHE, key, compute, timeout=TIMEOUT)


def departments() -> list:
    """Every department (active or not)."""
    return shared("departments", lambda: list(Department.objects.all()))


def tag_names_by_id() -> dict[int, str]:
    return shared("tags-by-id", lambda: dict(Tag.objects.values_list("pk", "name")))


def invalidate() -> None:
    """Now (this request reads its own change) and again at the commit (a request of another process
    that read the options between the two cannot keep what it saw before the commit)."""
    request_cache.invalidate(CACHE)
    transaction.on_commit(lambda: request_cache.invalidate(CACHE))


def _changed(**_kwargs) -> None:
    invalidate()


def connect() -> None:
    """Called from CustomersConfig.ready()."""
    for model in (Department, Tag, User, Customer):
        post_save.connect(_changed, sender=model, dispatch_uid=f"list_options_save_{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"list_options_delete_{model.__name__}")
    m2m_changed.connect(_changed, sender=User.groups.through, dispatch_uid="list_options_roles")

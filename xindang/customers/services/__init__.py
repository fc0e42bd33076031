"""Every write to a customer file: one function per business operation, atomic and audited.

One module per concept: access (who may write), filing (numbers, search fields, duplicates and
assignment every filed customer passes), files (opening and editing files, one or several),
codes (the customer code), status (lifecycle changes) and not_related (the "not related" findings).
Callers use this package's names: `from xindang.customers import services; services.update_customer(…)`.
"""

from .access import require_capability, visible_or_404
from .codes import assign_code, mark_onboarded
from .files import (
    CHILD_MODELS,
    EDITABLE_FIELDS,
    SaveResult,
    add_tag,
    create_customer,
    reassign_owner,
    update_customer,
)
from .filing import SimilarName, allocate_file_no, check_assignment, check_duplicates, refresh_search_fields
from .not_related import NOT_RELATED, NOT_RELATED_REVOKED, mark_not_related, revoke_not_related
from .status import change_status

__all__ = [
    "CHILD_MODELS",
    "EDITABLE_FIELDS",
    "NOT_RELATED",
    "NOT_RELATED_REVOKED",
    "SaveResult",
    "SimilarName",
    "add_tag",
    "allocate_file_no",
    "assign_code",
    "change_status",
    "check_assignment",
    "check_duplicates",
    "create_customer",
    "mark_not_related",
    "mark_onboarded",
    "reassign_owner",
    "refresh_search_fields",
    "require_capability",
    "revoke_not_related",
    "update_customer",
    "visible_or_404",
]

"""Document capabilities (checked once, at the view edge) and which roles hold them.

Which documents a user may read is not a permission: it is the customer file's visibility
(customers.selectors.visible_customers) narrowed by the document's confidentiality level, whose
clearance is company policy (documents.selectors.cleared_levels).
"""

from django.db import models

from xindang.accounts.roles import Role


class DocumentPermission(models.TextChoices):
    VIEW = "documents.view_document"
    ADD = "documents.add_document"
    CHANGE = "documents.change_document"
    VIEW_FIXITY = "documents.view_fixityrun"
    RUN_FIXITY = "documents.run_fixity_check"


_WORK = ["view_document", "add_document", "change_document", "view_documentversion", "view_documentcategory"]
_READ = ["view_document", "view_documentversion", "view_documentcategory"]
_FIXITY = ["view_fixityrun", "view_fixityfinding", "run_fixity_check"]
_CATEGORIES = ["view_documentcategory", "add_documentcategory", "change_documentcategory"]

# Those who keep files file documents (salespeople, their managers, credit managers, archivists); the
# approval chain reads them; archivists and the system administrator watch the integrity checks.
# The system administrator edits the category list but reads no document (sees no customer file).
ROLE_GRANTS = {
    Role.SALESPERSON: _WORK,
    Role.DEPARTMENT_MANAGER: _WORK,
    Role.CREDIT_MANAGER: [*_WORK, *_FIXITY[:2]],
    Role.ARCHIVIST: [*_WORK, *_FIXITY],
    Role.MARKETING_MANAGER: _READ,
    Role.FINANCE_CREDIT_CONTROLLER: _READ,
    Role.VP_MARKETING: _READ,
    Role.CFO: _READ,
    Role.GENERAL_MANAGER: [*_READ, *_FIXITY[:2]],
    Role.CHAIRMAN: _READ,
    Role.SYSTEM_ADMIN: [*_CATEGORIES, *_FIXITY],
}

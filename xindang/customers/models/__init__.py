"""The customers app's models, one module per concept: files (the file, its tags and status history),
children (its child tables), imports (spreadsheet import batches) and relations (relation keys and
"not related" findings). Django registers them in the old single module's order: children imports
files first."""

from .children import (
    BankAccount,
    Contact,
    CustomerChild,
    Manager,
    PersonalData,
    RelatedCompany,
    Shareholder,
)
from .files import STAGE_OF_STATUS, Customer, StatusChange, Tag
from .imports import ImportBatch
from .relations import NotRelated, RelationKey

__all__ = [
    "STAGE_OF_STATUS",
    "BankAccount",
    "Contact",
    "Customer",
    "CustomerChild",
    "ImportBatch",
    "Manager",
    "NotRelated",
    "PersonalData",
    "RelatedCompany",
    "RelationKey",
    "Shareholder",
    "StatusChange",
    "Tag",
]

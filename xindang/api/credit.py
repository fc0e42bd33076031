"""API router: credit (filled by the credit module)."""

from ninja import Router

router = Router()

# DomainError code -> HTTP status for this router's errors (merged in api.api.STATUS_OF).
STATUS_OF: dict[str, int] = {}

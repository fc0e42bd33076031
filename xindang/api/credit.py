"""API router: credit, mounted at the API root (paths /credit-check, /credit/…)."""

from ninja import Router

router = Router()

# DomainError code -> HTTP status for this router's errors (merged in api.api.STATUS_OF).
STATUS_OF: dict[str, int] = {}

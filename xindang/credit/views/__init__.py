"""Credit screens: the credit list, the file's 资信调查与评级 panel, the investigation form (grouped
like the paper form), its page with contradictions, sign and review, the printed form, and the
rating proposal. Thin: capability → access helper → form → one service → message + redirect."""

from .investigations import (
    investigation_create,
    investigation_detail,
    investigation_edit,
    investigation_file,
    investigation_pdf,
    investigation_review,
    investigation_sign,
)
from .lists import credit_list, export
from .panel import customer_section
from .ratings import propose, rating_detail, rating_opinion, rating_pdf, rating_submit

__all__ = [
    "credit_list",
    "customer_section",
    "export",
    "investigation_create",
    "investigation_detail",
    "investigation_edit",
    "investigation_file",
    "investigation_pdf",
    "investigation_review",
    "investigation_sign",
    "propose",
    "rating_detail",
    "rating_opinion",
    "rating_pdf",
    "rating_submit",
]

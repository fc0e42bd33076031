"""Every write to a credit grant: request (ceiling checked before any approver sees it), the approval
callbacks (company-wide cap, activation, replacement), expiry. Atomic and audited.

requests   the ceiling, the reduction schedule and the request into its approval chain
decisions  the approval callbacks: company-wide cap, activation, replacement, rejection
expiry     grants past their validity expire
records    a notice downloaded, a policy back-test run
"""

from .decisions import (
    check_company_cap,
    company_cap_reference_on,
    describe_approval_data,
    on_approved,
    on_rejected,
    on_resubmitted,
    on_withdrawn,
    register_approval_kind,
)
from .expiry import expire_grants
from .records import grant_url, record_backtest, record_notice_download
from .requests import APPROVAL_KIND, ZERO, CeilingContext, compute_ceiling, reduction_plan, request_grant

__all__ = [
    "APPROVAL_KIND",
    "ZERO",
    "CeilingContext",
    "check_company_cap",
    "company_cap_reference_on",
    "compute_ceiling",
    "describe_approval_data",
    "expire_grants",
    "grant_url",
    "on_approved",
    "on_rejected",
    "on_resubmitted",
    "on_withdrawn",
    "record_backtest",
    "record_notice_download",
    "reduction_plan",
    "register_approval_kind",
    "request_grant",
]
